"""The worker's one HTTP client, with httpcore's idle-connection check made cheap.

httpcore checks every idle pooled connection before it assigns each request ("did the server
close it?": ``get_extra_info("is_readable")``). On anyio that asks the stream's ``extra()``,
which builds all of its socket attributes, a ``getpeername`` syscall among them, each time: in
a 600-generation burst a third of the worker's CPU went to ``has_expired`` (profiled with
py-spy, issue 16). The streams here keep their socket and answer that check with one
``poll`` of it, at most every ``READABLE_CHECK_S``; everything else is anyio's.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import typing

import httpx
from anyio.abc import SocketAttribute
from httpcore import AsyncNetworkStream
from httpcore._backends.anyio import AnyIOBackend, AnyIOStream
from httpcore._utils import is_socket_readable

READABLE_CHECK_S = 0.05
"""An idle connection's socket is polled at most this often: httpcore asks about every idle
connection for every request (32 ``poll`` syscalls a request were 18 % of a burst's CPU).
A server that closed a connection is seen within this time; once readable, always readable."""


class _Stream(AnyIOStream):
    def __init__(self, stream: typing.Any) -> None:
        super().__init__(stream)
        self._socket = stream.extra(SocketAttribute.raw_socket, None)
        self._readable = False
        self._checked_at = -READABLE_CHECK_S

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            current = time.monotonic()
            if not self._readable and current - self._checked_at >= READABLE_CHECK_S:
                self._readable = is_socket_readable(self._socket)
                self._checked_at = current
            return self._readable
        if info == "socket":
            return self._socket
        return super().get_extra_info(info)

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> AsyncNetworkStream:
        wrapped = await super().start_tls(ssl_context, server_hostname, timeout)
        return _Stream(wrapped._stream) if isinstance(wrapped, AnyIOStream) else wrapped


class _Backend(AnyIOBackend):
    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[typing.Any] | None = None) -> AsyncNetworkStream:
        stream = await super().connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream._stream) if isinstance(stream, AnyIOStream) else stream


class _Released(httpx.AsyncByteStream):
    """A response body that gives its request slot back when it is closed."""

    def __init__(self, stream: typing.Any, release: typing.Callable[[], None]) -> None:
        self._stream = stream
        self._release: typing.Callable[[], None] | None = release

    async def __aiter__(self) -> typing.AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._release is not None:
                self._release()
                self._release = None


class _Gated(httpx.AsyncBaseTransport):
    """At most ``slots`` requests inside httpcore's pool; the rest wait here, on a semaphore.

    httpcore re-examines every queued request against every connection whenever a request
    starts or ends: with hundreds of status calls queued for 32 connections that bookkeeping
    was 15 % of a 1,000 burst's CPU (py-spy), O(waiting x connections) each time."""

    def __init__(self, inner: httpx.AsyncBaseTransport, slots: int) -> None:
        self._inner = inner
        self._slots_n = slots
        self._slots: asyncio.Semaphore | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._slots_n)  # on the loop that uses it
        slots = self._slots
        await slots.acquire()
        try:
            response = await self._inner.handle_async_request(request)
        except BaseException:
            slots.release()
            raise
        response.stream = _Released(response.stream, slots.release)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def worker_client(connections: int) -> httpx.AsyncClient:
    """The shared client: ``connections`` pooled connections, TCP_NODELAY, the cheap check.

    TCP_NODELAY: h11 writes headers and body separately, and Nagle + delayed ACK would add
    40 ms to every POST (measured: a submit went from 40 ms to 2 ms against the fake)."""
    transport = httpx.AsyncHTTPTransport(
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = _Backend()
    return httpx.AsyncClient(transport=_Gated(transport, connections),
                             timeout=httpx.Timeout(30.0, connect=10.0, pool=60.0))
