"""What one HTTP client may cost the server, over real HTTP on loopback: a chunked upload
without Content-Length is cut at its limit with nothing kept, webhooks stop at theirs, slow and
half-open connections are dropped, and a provider's oversized result is never held whole."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

import bot.limits
from bot.limits import BodyLimit, GuardedH11Protocol, server_config
from bot.web.routes import MAX_UPLOAD_BYTES
from core.errors import PermanentUpstreamError
from core.settings import Settings
from engine.providers.http import MAX_DOWNLOAD_BYTES, RetryPolicy, download_image
from tests.fakes import ServerThread, serve

CHUNK = 64 * 1024


@pytest.fixture
def guarded() -> Iterator[Any]:
    """Serve an app the way ``portraitbot run`` does (bot.limits.server_config) on loopback."""
    threads: list[ServerThread] = []

    def start(app: Any) -> tuple[str, int]:
        thread = ServerThread(app)
        thread.server = uvicorn.Server(server_config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1))
        thread.thread = threading.Thread(target=thread.server.run, kwargs={"sockets": [thread.sock]},
                                         daemon=True)
        threads.append(thread.start())
        return "127.0.0.1", thread.port

    yield start
    for thread in threads:
        thread.stop()


@pytest.fixture
def site(redis_url: str, data_dir: Path, guarded: Any) -> tuple[str, int]:
    from portraitbot.app import build_server

    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("FAL_", "TELEGRAM_", "WECHAT_", "WECOM_", "BYTEPLUS_", "HEADSHOT_"))}
    settings = Settings.from_env({**base, "REDIS_URL": redis_url, "DATA_DIR": str(data_dir)})
    app = build_server(settings, redis.Redis.from_url(redis_url))
    return guarded(app)  # type: ignore[no-any-return]


def send_chunked(address: tuple[str, int], path: str, total: int, *,
                 content_type: str = "application/octet-stream",
                 preamble: bytes = b"") -> tuple[int, bytes]:
    """POST ``total`` bytes chunked, no Content-Length; stop as soon as the server answers.
    Returns how many body bytes were sent and the raw answer."""
    sock = socket.create_connection(address)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                 f"Content-Type: {content_type}\r\nAccept-Language: de\r\n\r\n".encode())
    sent, answer = 0, b""
    payload = b"\0" * CHUNK
    try:
        if preamble:
            sock.sendall(f"{len(preamble):x}\r\n".encode() + preamble + b"\r\n")
            sent += len(preamble)
        while sent < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(f"{CHUNK:x}\r\n".encode() + payload + b"\r\n")
            sent += CHUNK
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        sock.settimeout(10)
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            answer += piece
            if b"\r\n\r\n" in answer and len(answer.split(b"\r\n\r\n", 1)[1]) >= _length(answer):
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        sock.close()
    return sent, answer


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_chunked_400_mb_upload_is_cut_at_the_limit_with_nothing_kept(
    site: tuple[str, int], data_dir: Path
) -> None:
    boundary = "pbboundary"
    preamble = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; "
                f"filename=\"me.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
    started = time.monotonic()
    sent, answer = send_chunked(site, "/api/message", 400 * 2**20, preamble=preamble,
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.startswith(b"HTTP/1.1 413"), (sent, answer[:200])
    assert sent < MAX_UPLOAD_BYTES + 16 * 2**20, f"the client got to send {sent >> 20} MB"
    assert time.monotonic() - started < 30
    assert "20 MB" in answer.decode("utf-8", "replace")  # the web chat's own message, in German
    assert b"connection: close" in answer.lower()
    assert files_under(data_dir) == []
    assert not big_open_temporary_files(), "the spooled upload is still open"


def big_open_temporary_files() -> list[str]:
    """Unlinked files this process still holds open with more than 1 MB in them."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            if "(deleted)" in target and os.fstat(int(fd)).st_size > 2**20:
                found.append(target)
        except OSError:
            continue
    return found


def test_a_normal_upload_still_gets_through(site: tuple[str, int]) -> None:
    face = (Path(__file__).parent / "images" / "face.jpg").read_bytes()
    answer = httpx.post(f"http://{site[0]}:{site[1]}/api/message", files={"photo": ("me.jpg", face)},
                        data={"lang": "en"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["replies"]


def webhook_app() -> Starlette:
    """A callback that reads its whole body, as the Telegram, WeChat, WeCom and fal routes do."""
    async def hook(request: Request) -> Response:
        return Response(str(len(await request.body())))

    return Starlette(routes=[Route("/telegram", hook, methods=["POST"])],
                     middleware=[Middleware(BodyLimit)])


def test_a_webhook_stops_reading_a_chunked_body_at_its_limit(guarded: Any) -> None:
    address = guarded(webhook_app())
    sent, answer = send_chunked(address, "/telegram", 200 * 2**20)
    assert answer.startswith(b"HTTP/1.1 413")
    assert sent < bot.limits.DEFAULT_BODY_LIMIT + 16 * 2**20
    small = httpx.post(f"http://{address[0]}:{address[1]}/telegram", content=b"x" * 1000)
    assert small.text == "1000"


def test_half_open_and_slow_header_connections_are_dropped(
    guarded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GuardedH11Protocol, "header_timeout", 1.0)
    address = guarded(webhook_app())
    idle = [socket.create_connection(address) for _ in range(50)]
    slow = socket.create_connection(address)
    started = time.monotonic()
    for byte in b"POST /telegram HTTP/1.1\r\nHost: x\r\n":  # a slowloris: one byte at a time
        try:
            slow.sendall(bytes([byte]))
        except OSError:
            break
        time.sleep(0.1)
        if time.monotonic() - started > 3:
            break
    for sock in [*idle, slow]:
        sock.settimeout(5)
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(100) == b""  # closed by the server
        sock.close()
    assert time.monotonic() - started < 6
    # A kept-alive connection still serves requests that are sent promptly.
    with httpx.Client(base_url=f"http://{address[0]}:{address[1]}") as client:
        assert client.post("/telegram", content=b"ab").text == "2"
        assert client.post("/telegram", content=b"abc").text == "3"


def test_a_stalled_body_is_dropped(guarded: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.limits, "BODY_IDLE_TIMEOUT_S", 0.5)
    address = guarded(webhook_app())
    sock = socket.create_connection(address)
    sock.sendall(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
    sock.settimeout(5)
    started = time.monotonic()
    answer = sock.recv(1000)
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 3
    sock.close()


def test_an_oversized_provider_result_is_cut_without_holding_it() -> None:
    total = 3 * MAX_DOWNLOAD_BYTES

    async def image(request: Request) -> Response:
        declared = request.url.path == "/declared.png"
        headers = {"content-length": str(total)} if declared else {}

        async def body() -> Any:
            for _ in range(total // CHUNK):
                if await request.is_disconnected():
                    return
                yield b"\x89PNG\r\n\x1a\n".ljust(CHUNK, b"\0")

        return StreamingResponse(body(), media_type="image/png", headers=headers)

    async def ok(request: Request) -> Response:
        return Response(b"\x89PNG\r\n\x1a\n" + b"\0" * 1000, media_type="image/png")

    app = Starlette(routes=[Route("/declared.png", image), Route("/undeclared.png", image),
                            Route("/ok.png", ok)])

    async def fetch(url: str, trusted: str) -> Any:
        async with httpx.AsyncClient() as client:
            return await download_image(client, url, trusted=trusted, unavailable_message_id="x")

    with serve(app) as base:
        # Streamed to a temporary file while it comes in: memory stays at a few chunks, even
        # for a body that never says its size.
        for path in ("/declared.png", "/undeclared.png"):
            tracemalloc.start()
            with pytest.raises(PermanentUpstreamError):
                asyncio.run(fetch(base + path, base))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert peak < 4 * 2**20, f"{path}: held {peak >> 20} MB"
        assert asyncio.run(fetch(base + "/ok.png", base)).content_type == "image/png"


def test_a_provider_result_from_our_own_network_is_never_fetched() -> None:
    """A result URL is followed only to the provider's configured host or a public https
    address: an answer naming localhost, the metadata address or a private host is refused
    before any connection is made."""
    hits: list[str] = []

    async def image(request: Request) -> Response:
        hits.append(request.url.path)
        return Response(b"\x89PNG\r\n\x1a\n" + b"\0" * 1000, media_type="image/png")

    app = Starlette(routes=[Route("/{name}", image)])

    async def fetch(url: str, trusted: str) -> Any:
        async with httpx.AsyncClient(timeout=2) as client:
            return await download_image(client, url, trusted=trusted, unavailable_message_id="x",
                                        policy=RetryPolicy(attempts=1))

    with serve(app) as base:
        port = base.rsplit(":", 1)[1]
        for url in (f"{base}/a.png", f"http://localhost:{port}/b.png",
                    "https://169.254.169.254/latest/meta-data", "https://10.0.0.7/c.png",
                    f"https://[::ffff:127.0.0.1]:{port}/d.png", "https://2130706433/e.png"):
            with pytest.raises(PermanentUpstreamError):
                asyncio.run(fetch(url, "https://queue.fal.run"))
        assert hits == []
        # The operator's own configured API host is trusted, whatever its address.
        assert asyncio.run(fetch(f"{base}/ok.png", base + "/api")).content_type == "image/png"
        assert hits == ["/ok.png"]
