"""The one ASGI app: web chat, WeChat callback, Telegram webhook, fal webhook, health, metrics.

Built by the server's composition root from parts it made once (``ServerParts``); each
channel contributes its own routes, so adding a channel means adding its routes here, not
threading it through the handlers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.falhook import fal_routes
from bot.guard import SecurityHeaders, busy_handler
from bot.limits import BodyLimit, json_refusal
from bot.parts import ServerParts
from bot.web.routes import WEB_BODY_LIMITS, too_large_reply, web_routes
from bot.web.sender import WebFeed
from worker import redis_supervisor
from worker.alive import alive
from worker.metrics import GAUGE_HELP, render

log = logging.getLogger(__name__)

HANDLER_THREADS = 32
"""Threads of the event loop's default executor, where ``Conversation`` handles messages.
asyncio's own default (CPU count + 4, six here) let six slow photos hold every thread while
another person's selfie waited in line; heavy decodes are limited by a byte budget in
engine/intake.py instead, so more threads cost little memory."""


def create_app(parts: ServerParts) -> Starlette:
    """The Starlette application with every route."""

    async def healthz(request: Request) -> Response:
        supervisor = redis_supervisor.current()
        extra = supervisor.health() if supervisor is not None else {}
        try:
            parts.redis.ping()
        except redis.RedisError:
            return JSONResponse({"redis": "down", "workers": 0, **extra}, status_code=503)
        workers = alive(parts.redis)
        status = 200 if workers else 503
        return JSONResponse({"redis": "ok", "workers": workers, **extra}, status_code=status)

    async def metrics(request: Request) -> Response:
        stats = parts.queue.stats()
        gauges = {
            name: float(value)
            for key, value in stats.items()
            if (name := f"portraitbot_{key}") in GAUGE_HELP and isinstance(value, int | float)
        }
        gauges["portraitbot_workers"] = float(alive(parts.redis))
        return PlainTextResponse(render(parts.redis, gauges), media_type="text/plain; version=0.0.4")

    routes: list[BaseRoute] = [
        *web_routes(parts.conversation, parts.styles, WebFeed(parts.redis), parts.catalogues,
                    parts.settings.data_dir, proxy_header=parts.settings.trusted_proxy_header,
                    progress=parts.queue.progress),
        *fal_routes(parts.redis, parts.queue.wake),
        *parts.extra_routes,
        Route("/healthz", healthz),
        Route("/metrics", metrics),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import asyncio
        from concurrent.futures import ThreadPoolExecutor
        from contextlib import AsyncExitStack

        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=HANDLER_THREADS, thread_name_prefix="handler"))
        async with AsyncExitStack() as stack:
            for start in parts.background:
                await stack.enter_async_context(start())
            yield

    refusal = json_refusal(too_large_reply(parts.catalogues))
    limits = Middleware(BodyLimit, limits=WEB_BODY_LIMITS,
                        too_large={prefix: refusal for prefix in WEB_BODY_LIMITS})
    headers = Middleware(SecurityHeaders, public_url=parts.settings.public_url)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[headers, limits],
                     exception_handlers={redis.RedisError: busy_handler(parts.catalogues)})
