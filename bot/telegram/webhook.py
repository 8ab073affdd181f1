"""The Telegram webhook route for the one ASGI server: POST /telegram.

Telegram sends the secret given to setWebhook in ``X-Telegram-Bot-Api-Secret-Token``; anything
else gets 403, compared in constant time. With Redis (the server always has it) a good update
is appended to the bounded Redis queue of ``bot.telegram.updates`` before the 200 — 429 with
``Retry-After`` when that queue is full, so Telegram redelivers it later — and the server
processes' consumers handle it. Without (tests of the route alone) it goes onto the
Application's in-memory queue.
"""

from __future__ import annotations

import hmac
import json
import logging

import redis
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.telegram.updates import RETRY_AFTER_S, UpdateQueue, parse_update_id
from core.settings import Settings

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024
"""An update is a few KB; a bigger body is not from Telegram."""


def telegram_routes(  # type: ignore[type-arg]
    application: Application, settings: Settings, queue: UpdateQueue | None = None
) -> list[Route]:
    """The webhook route, to mount beside the other routes of the HTTP server."""
    secret = settings.telegram_webhook_secret.reveal().encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response(status_code=413)
        if queue is not None:
            return _enqueue(queue, body)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.info("telegram webhook: body is not an update")
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    return [Route(WEBHOOK_PATH, telegram_webhook, methods=["POST"])]


def _enqueue(queue: UpdateQueue, body: bytes) -> Response:
    """Into Redis before the 200 (no Update is built on the request path)."""
    if parse_update_id(body) is None:
        log.info("telegram webhook: body is not an update")
        return Response(status_code=400)
    try:
        queued = queue.push(body)
    except redis.RedisError as error:
        log.warning("telegram webhook: Redis unavailable (%s); Telegram will redeliver", type(error).__name__)
        return Response(status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})
    if not queued:
        log.warning("telegram webhook: update queue full; asking Telegram to redeliver")
        return Response(status_code=429, headers={"Retry-After": str(RETRY_AFTER_S)})
    return Response()
