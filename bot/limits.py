"""What one HTTP client may cost the server: body sizes, and how long it may take to send.

``BodyLimit`` (ASGI middleware) counts the bytes of every request body as they arrive,
whatever the client declared: a chunked upload without Content-Length is cut at its route's
limit, so nothing past the limit is read into memory or spooled to disk, and it is answered
413. It also drops a body that stalls (``BODY_IDLE_TIMEOUT_S`` without a byte) or drags on
(``BODY_TOTAL_TIMEOUT_S``) with 408. ``GuardedH11Protocol`` (uvicorn's HTTP/1.1 protocol)
closes a connection whose request headers are not complete ``HEADER_TIMEOUT_S`` after it
opened or after the previous response, so half-open and slowloris connections do not pile
up. ``server_config`` is how the server (and its tests) run uvicorn with both.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

DEFAULT_BODY_LIMIT = 1024 * 1024
"""Bytes: webhooks and callbacks (Telegram, WeChat, WeCom, fal) send a few KB."""
HEADER_TIMEOUT_S = 10.0
"""Seconds a connection may take to send a request's headers (a phone on 3G needs < 1 s)."""
BODY_IDLE_TIMEOUT_S = 20.0
"""Seconds a request body may go without a single byte before it is dropped."""
BODY_TOTAL_TIMEOUT_S = 300.0
"""Seconds a whole body may take: 20 MB at ~0.5 Mbit/s, the slowest upload worth waiting for."""
KEEP_ALIVE_S = 5
"""Seconds an idle keep-alive connection stays open (uvicorn's default)."""


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


TooLarge = Callable[[Scope], Response]


class BodyLimit:
    """Cut every request body at the limit of its path (longest matching prefix wins)."""

    def __init__(self, app: ASGIApp, limits: dict[str, int] | None = None,
                 too_large: dict[str, TooLarge] | None = None,
                 default: int = DEFAULT_BODY_LIMIT,
                 idle_timeout: float | None = None,
                 total_timeout: float | None = None) -> None:
        self.app = app
        self.limits = sorted((limits or {}).items(), key=lambda item: -len(item[0]))
        self.too_large = too_large or {}
        self.default = default
        self.idle_timeout = BODY_IDLE_TIMEOUT_S if idle_timeout is None else idle_timeout
        self.total_timeout = BODY_TOTAL_TIMEOUT_S if total_timeout is None else total_timeout

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, send, 413)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total_timeout
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            wait = min(self.idle_timeout, deadline - loop.time())
            try:
                message = await asyncio.wait_for(receive(), max(wait, 0.001))
            except TimeoutError:
                raise BodyTimeout from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except (BodyTooLarge, BodyTimeout) as exc:
            status = 413 if isinstance(exc, BodyTooLarge) else 408
            log.info("http: body refused (%s) on %s after %d bytes", status, scope["path"], received)
            if not started:
                await self._refuse(scope, send, status)

    async def _refuse(self, scope: Scope, send: Send, status: int) -> None:
        path = scope["path"]
        build = next((b for prefix, b in self.too_large.items() if path.startswith(prefix)), None)
        response = build(scope) if build and status == 413 else PlainTextResponse(
            "request body too large" if status == 413 else "request body too slow", status_code=status)
        response.status_code = status
        response.headers["connection"] = "close"  # the rest of the body is never read
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def json_refusal(body: Callable[[Scope], dict[str, Any]]) -> TooLarge:
    """A 413 builder answering JSON (the web chat shows its ``replies``)."""
    return lambda scope: JSONResponse(body(scope), status_code=413)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's headers."""

    header_timeout = HEADER_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._timed_cycle: Any = None
        self._header_deadline: asyncio.TimerHandle | None = None
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        handle = self._header_deadline
        if handle is not None:
            handle.cancel()
        self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            log.info("http: closed a connection that sent no complete request headers in %ss",
                     self.header_timeout)
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None and self.cycle is not self._timed_cycle:
            self._timed_cycle = self.cycle  # the headers of a new request are complete
            self._disarm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.cycle is not self._timed_cycle:
            self._timed_cycle = self.cycle  # a pipelined request was already waiting, complete
        elif not self.transport.is_closing():
            self._arm_header_deadline()  # the next request's headers, on a kept-alive connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """uvicorn's Config with the header deadline and short keep-alive; ``options`` pass through."""
    options.setdefault("log_config", None)
    options.setdefault("access_log", False)
    return uvicorn.Config(app, http=GuardedH11Protocol, timeout_keep_alive=KEEP_ALIVE_S, **options)
