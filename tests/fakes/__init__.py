"""Faithful little fake servers of the outside services, and the helper that runs them.

Every fake is a real HTTP server on 127.0.0.1 (a free port, its own thread), so the code under
test talks to it through its real client library, unchanged. Start one with ``serve(app)``::

    from tests.fakes import serve
    from tests.fakes.fal_queue import FakeFalQueue

    fake = FakeFalQueue()
    with fake.serve() as base_url:             # "http://127.0.0.1:54321"
        ...                                     # point FAL_QUEUE_URL at base_url

``fake.serve()`` is ``serve(fake.app, on_stop=fake.release)``; any Starlette app works with
``serve(app)``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

SERVER_START_TIMEOUT_S = 10.0
"""Seconds to wait for a fake server to accept connections; it normally takes ~50 ms."""
SERVER_STOP_TIMEOUT_S = 5.0
"""Seconds to wait for the server thread at shutdown; hanging handlers are cut off after 1 s."""


def free_socket(host: str = "127.0.0.1") -> socket.socket:
    """A bound, listening TCP socket on a free port (no race between choosing and binding)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this: without it each reply waits ~40 ms for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    sock.listen(128)
    return sock


class ServerThread:
    """An ASGI app served by uvicorn on 127.0.0.1 in a daemon thread."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", lifespan: str = "off") -> None:
        self.sock = free_socket(host)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan=lifespan,
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("fake server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(SERVER_STOP_TIMEOUT_S)
        self.sock.close()


@contextmanager
def serve(app: Any, *, on_stop: Callable[[], None] | None = None, lifespan: str = "off") -> Iterator[str]:
    """Run ``app`` (any ASGI app, e.g. Starlette) on a free loopback port; yields its base URL.

    ``on_stop`` runs before shutdown, e.g. to release handlers that simulate a hanging server.
    ``lifespan="on"`` runs the app's start-up and shut-down (its background parts).
    """
    server = ServerThread(app, lifespan=lifespan).start()
    try:
        yield server.url
    finally:
        if on_stop is not None:
            on_stop()
        server.stop()
