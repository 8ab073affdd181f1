"""fal's webhook: a completed request wakes its poll step at once (polling stays the fallback).

The route carries an unguessable token (made once, kept in Redis) so nobody else can poke
our queue; the body is only a hint — the poll step still asks fal for the status itself,
so a forged or replayed call can at most cause one extra status request.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

import redis
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.settings import Settings
from worker.redis_conn import KEY_PREFIX

TOKEN_KEY = f"{KEY_PREFIX}fal:webhook_token"
MAX_BODY_BYTES = 1024 * 1024
"""fal's webhook body carries the result payload; anything bigger is not fal."""


def webhook_token(client: redis.Redis) -> str:
    """The route's secret path segment, created on first use and shared by all processes."""
    client.set(TOKEN_KEY, secrets.token_urlsafe(24), nx=True)
    value = client.get(TOKEN_KEY)
    return value.decode() if isinstance(value, bytes) else str(value)


def webhook_url(settings: Settings, client: redis.Redis) -> str | None:
    """The URL to give fal on submit, or None when the bot has no public URL."""
    if not settings.public_url:
        return None
    return f"{settings.public_url}/hooks/fal/{webhook_token(client)}"


def fal_routes(client: redis.Redis, wake: Callable[[str], bool]) -> list[Route]:
    """``POST /hooks/fal/<token>``: ``wake(request_id)`` makes the poll step run now."""

    async def hook(request: Request) -> Response:
        expected = webhook_token(client)
        if not hmac.compare_digest(request.path_params["token"].encode(), expected.encode()):
            return Response(status_code=404)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        try:
            data = await request.json()
        except ValueError:
            return Response(status_code=400)
        request_id = str(data.get("request_id") or "")[:128] if isinstance(data, dict) else ""
        if not request_id:
            return Response(status_code=400)
        return JSONResponse({"woken": bool(wake(request_id))})

    return [Route("/hooks/fal/{token}", hook, methods=["POST"])]
