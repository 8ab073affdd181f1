"""The Telegram webhook route for the one ASGI server: POST /telegram.

Telegram sends the secret given to setWebhook in ``X-Telegram-Bot-Api-Secret-Token``; anything
else gets 403, compared in constant time. A good update goes onto the Application's queue and
is answered at once, so Telegram never waits on a handler.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from core.settings import Settings

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024
"""An update is a few KB; a bigger body is not from Telegram."""


def telegram_routes(application: Application, settings: Settings) -> list[Route]:  # type: ignore[type-arg]
    """The webhook route, to mount beside the other routes of the HTTP server."""
    secret = settings.telegram_webhook_secret.reveal().encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response(status_code=413)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.info("telegram webhook: body is not an update")
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    return [Route(WEBHOOK_PATH, telegram_webhook, methods=["POST"])]
