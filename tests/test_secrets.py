"""No secret leaks: with sentinel values for every key and token, a real server and worker run
several generations against fal (some failing in each way fal fails) and Telegram; no sentinel
may appear in any process's logs, anywhere in Redis, in any chat message, or in DATA_DIR."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.fakes import free_socket
from tests.fakes.fal_queue import FakeFalQueue
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wechat_api import APP_ID, FakeWeChatApi, WeChatServer, message_xml
from tests.fakes.worker_process import WorkerProcess, wait_for

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
ANN = 4242
CLOSED_PORT_URL = "http://127.0.0.1:9"
"""Nothing listens on the discard port: a provider we never mean to reach fails fast, locally."""
SENTINELS = {
    "FAL_KEY": "fal-SNTLfalkey-0123456789abcdef",
    "TELEGRAM_BOT_TOKEN": "7000001:SNTLtelegramtoken_abcdefghijklmnopq",
    "TELEGRAM_WEBHOOK_SECRET": "SNTLwebhooksecret-xyz",
    "WECHAT_APP_SECRET": "SNTLwechatappsecret0123456789ab",
    "WECHAT_TOKEN": "SNTLwechattoken42",
    "WECHAT_AES_KEY": ("SNTLaeskey" + "A" * 43)[:43],
    "BYTEPLUS_API_KEY": "SNTLbyteplus-0000-1111-2222",
    "HEADSHOT_API_KEY": "SNTLheadshotkey-987654321",
}
"""Each value carries a distinctive marker (``SNTL…``), so a partial leak is caught too."""
MARKERS = [value.split(":")[-1][:14] for value in SENTINELS.values()]


def leaks(where: str, blob: str | bytes) -> list[str]:
    data = blob.decode("utf-8", "replace") if isinstance(blob, bytes) else blob
    return [f"{where}: {marker}" for marker in MARKERS if marker in data]


def dump_redis(client: redis.Redis) -> str:
    """Every key and every value of every type (strings, hashes, lists, sets, zsets, streams)."""
    db: Any = client  # redis-py's reply types are unions of everything; we only stringify them
    out: list[Any] = []
    for name in db.scan_iter(count=500):
        out.append(name)
        kind = db.type(name).decode()
        if kind == "string":
            out.append(db.get(name))
        elif kind == "hash":
            out += [b for kv in db.hgetall(name).items() for b in kv]
        elif kind == "list":
            out += db.lrange(name, 0, -1)
        elif kind == "set":
            out += list(db.smembers(name))
        elif kind == "zset":
            out += [m for m, _ in db.zrange(name, 0, -1, withscores=True)]
        elif kind == "stream":
            out += [b for _, fields in db.xrange(name) for kv in fields.items() for b in kv]
    return "\n".join(_readable(b) for b in out)


def _readable(value: Any) -> str:
    """A Redis value as text; RQ zlib-compresses job data and exception texts, so unpack those."""
    if not isinstance(value, bytes):
        return str(value)
    with contextlib.suppress(zlib.error):
        value = zlib.decompress(value)
    return value.decode("utf-8", "replace")


def files_under(folder: Path) -> Iterator[tuple[Path, bytes]]:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_socket():
            yield path, path.read_bytes()


@pytest.fixture
def fal() -> Iterator[FakeFalQueue]:
    fake = FakeFalQueue(key=SENTINELS["FAL_KEY"])
    with fake.serve():
        yield fake


@pytest.fixture
def telegram() -> Iterator[FakeBotApi]:
    api = FakeBotApi(token=SENTINELS["TELEGRAM_BOT_TOKEN"])
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    api = FakeWeChatApi(app_secret=SENTINELS["WECHAT_APP_SECRET"])
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def env(
    fal: FakeFalQueue, telegram: FakeBotApi, wechat_api: FakeWeChatApi, redis_url: str, data_dir: Path
) -> dict[str, str]:
    outside = ("FAL_", "TELEGRAM_", "WECHAT_", "BYTEPLUS_", "HEADSHOT_", "PUBLIC_URL", "HTTP_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(outside)}
    return {
        **base, **SENTINELS,
        "FAL_QUEUE_URL": fal.base_url, "TELEGRAM_API_URL": telegram.url,  # type: ignore[attr-defined]
        "WECHAT_APP_ID": APP_ID, "WECHAT_API_URL": wechat_api.url,  # type: ignore[attr-defined]
        "BYTEPLUS_BASE_URL": CLOSED_PORT_URL, "HEADSHOT_API_URL": CLOSED_PORT_URL,
        "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "DEBUG", "PYTHONUNBUFFERED": "1",
    }


class Server:
    """``portraitbot server`` as its own process, stderr (its log handler's stream) to a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        sock = free_socket()
        port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "portraitbot.cli", "server", "--port", str(port), "--host", "127.0.0.1"],
                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)


def idle(client: redis.Redis) -> bool:
    """Nobody has a request in the works (every group released its active slot)."""
    return not any(client.scard(k) for k in client.scan_iter("pb:active:*"))


def ask(telegram: FakeBotApi, client: redis.Redis, text: str) -> None:
    """Send ``text`` and wait for its acknowledgement and for the request to end, either way."""
    before = len(telegram.sent_to(ANN))
    telegram.push(telegram.message(telegram.user(ANN), text=text))
    telegram.wait_for(lambda: len(telegram.sent_to(ANN)) > before, timeout=20)
    wait_for(lambda: idle(client), timeout=30, what=f"{text!r} to finish")


@pytest.mark.slow
def test_no_sentinel_secret_appears_in_logs_redis_chat_or_files(
    fal: FakeFalQueue, telegram: FakeBotApi, wechat_api: FakeWeChatApi, env: dict[str, str],
    redis_client: redis.Redis, data_dir: Path, tmp_path: Path,
) -> None:
    server = Server(env, tmp_path / "server.log")
    worker = WorkerProcess(env, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: _healthy(server.url), timeout=30, what="server and worker up")
        telegram.push(telegram.message(telegram.user(ANN), photo=telegram.photo_sizes(FACE)))
        telegram.wait_for(lambda: telegram.sent_to(ANN), timeout=20)

        fal.submit_failures = [429]  # "slow down", then it goes through
        ask(telegram, redis_client, "make me anime")
        fal.reject = (402, "insufficient_credits: top up the balance to continue")
        ask(telegram, redis_client, "make me a watercolor portrait")
        fal.reject = (422, [{"loc": ["body", "image_urls"], "msg": "No face detected", "type": "value_error"}])
        ask(telegram, redis_client, "cyberpunk style please")
        fal.reject = None
        fal.completed_error = "Runner crashed: CUDA out of memory"
        ask(telegram, redis_client, "oil painting of me")
        with httpx.Client(base_url=server.url, timeout=10) as client:
            wechat = WeChatServer(client, APP_ID, token=SENTINELS["WECHAT_TOKEN"],
                                  aes_key=SENTINELS["WECHAT_AES_KEY"])
            answer = wechat.reply(wechat.post(message_xml("oSNTLfree", "text", Content="你好")))
            assert answer and answer.get("Content"), "a decrypted passive reply (safe mode)"
            said_on_wechat = json.dumps(answer, ensure_ascii=False)
            assert wechat.post(message_xml("o2", "text", Content="hi"), query={
                **wechat.query(), "signature": "0" * 40}).status_code == 403
    finally:
        worker.stop()
        server.stop()

    chat = telegram.sent_to(ANN)
    photos = [m for m in chat if "photo" in m]
    assert len(photos) == 1, "the 429 was retried and delivered; the three failures were not"
    assert len(fal.accepted) == 2, "the 429'd request, then the one that completed with an error"
    said = "\n".join(m.get("text") or "" for m in chat)
    assert "run out of credits" in said and "No face detected" in said and "couldn't make" in said
    found: list[str] = []
    found += leaks("server log", (tmp_path / "server.log").read_bytes())
    found += leaks("worker log", (tmp_path / "worker.log").read_bytes())
    everything_in_redis = dump_redis(redis_client)
    # Each step's job data lives in the generation's own record (the sweep submits it; no RQ
    # job carries it), so the records and their request are what must be read.
    assert "pb:gen:" in everything_in_redis and '"prompt"' in everything_in_redis
    found += leaks("redis", everything_in_redis)
    found += leaks("chat", json.dumps([telegram.sent, [c.params for c in telegram.calls]], default=str))
    found += leaks("wechat", said_on_wechat + json.dumps(wechat_api.sent, default=str))
    for path, data in files_under(data_dir):
        found += leaks(str(path.relative_to(data_dir)), data)
    assert found == []
    assert (tmp_path / "server.log").stat().st_size > 0 and (tmp_path / "worker.log").stat().st_size > 0


def test_the_generate_command_names_a_failed_fal_call_without_the_key(
    fal: FakeFalQueue, env: dict[str, str], tmp_path: Path
) -> None:
    photo = tmp_path / "me.jpg"
    photo.write_bytes(FACE)
    outputs: list[str] = []
    for scripted in [(402, "insufficient_credits: top up"), (401, "Unauthorized")]:
        fal.reject = scripted
        done = subprocess.run(
            [sys.executable, "-m", "portraitbot.cli", "generate", str(photo), "--style", "anime",
             "--model", "nanopro", "--go-anyway", "--out", str(tmp_path / "out")],
            env=env, cwd=ROOT, capture_output=True, timeout=60,
        )
        assert done.returncode != 0
        assert done.stderr.strip(), "the failure is explained"
        outputs.append(done.stdout.decode() + done.stderr.decode())
    assert "out of credits" in outputs[0] and "FAL_KEY" in outputs[1], "named, not shown"
    assert leaks("generate", "\n".join(outputs)) == []


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
