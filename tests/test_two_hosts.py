"""Several hosts with no shared disk (SHARED_FILES=redis): a server with its own DATA_DIR and two
real worker processes with theirs share nothing but Redis, and Telegram, WeChat and web chat
requests are all answered end to end with their portraits; /forget then leaves no copy of the
person on any host."""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.faces import make_face_photo
from tests.fakes.fal_queue import DEFAULT_KEY, FakeFalQueue
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wechat_api import (
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    WeChatServer,
    message_xml,
)
from tests.fakes.worker_process import FAST_TIMING, WorkerProcess
from tests.test_telegram_end_to_end import server  # the real app in this loop, Telegram polling

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
ANN = 1001
OPENID = "oTwoHostsPerson_abcdefghijk"

pytestmark = pytest.mark.slow


def selfie() -> bytes:
    buffer = io.BytesIO()
    make_face_photo((640, 800)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture
def fakes() -> Iterator[tuple[FakeFalQueue, FakeBotApi, FakeWeChatApi, dict[str, str]]]:
    fal, bot, wechat = FakeFalQueue(), FakeBotApi(), FakeWeChatApi()
    fal.run_seconds = 0.5
    with fal.serve() as fal_url, bot.serve() as bot_url, wechat.serve() as wechat_url:
        yield fal, bot, wechat, {"FAL_QUEUE_URL": fal_url, "TELEGRAM_API_URL": bot_url, "WECHAT_API_URL": wechat_url}


@pytest.fixture
def hosts(tmp_path: Path) -> dict[str, Path]:
    """Each "host" its own DATA_DIR: the server's and two workers'."""
    return {name: tmp_path / name for name in ("server", "worker1", "worker2")}


@pytest.fixture
def env(redis_url: str, fakes: tuple[Any, FakeBotApi, Any, dict[str, str]]) -> dict[str, str]:
    accounts = ("FAL_", "TELEGRAM_", "WECHAT_", "WECOM_", "BYTEPLUS_", "HEADSHOT_", "PUBLIC_URL", "DATA_DIR")
    base = {k: v for k, v in os.environ.items() if not k.startswith(accounts)}
    return {**base, **fakes[3], "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT), "SHARED_FILES": "redis",
            "FAL_KEY": DEFAULT_KEY, "TELEGRAM_BOT_TOKEN": fakes[1].token, "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_TOKEN": TOKEN}


async def until(predicate: Any, timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await asyncio.to_thread(predicate):
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def files_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


async def test_three_hosts_with_their_own_disks_answer_every_channel_and_forget_everywhere(
    env: dict[str, str], hosts: dict[str, Path], fakes: tuple[FakeFalQueue, FakeBotApi, FakeWeChatApi, Any],
    tmp_path: Path,
) -> None:
    fal, bot, wechat, _ = fakes
    workers = [WorkerProcess({**env, "DATA_DIR": str(hosts[name])}, timing=FAST_TIMING,
                             log_path=tmp_path / f"{name}.log") for name in ("worker1", "worker2")]
    try:
        async with server({**env, "DATA_DIR": str(hosts["server"])}) as site:
            # Telegram: a selfie, then "make me anime" (the photo is taken in on the server host).
            ann = bot.user(ANN)
            bot.push(bot.message(ann, photo=bot.photo_sizes(FACE)))
            await bot.until(lambda: bot.sent_to(ANN), timeout=20)
            bot.push(bot.message(ann, text="make me anime"))

            # WeChat: a photo (fetched by a worker, on its host), then 油画.
            async with httpx.AsyncClient(base_url=site, timeout=20) as http:
                account = WeChatServer(httpx.Client(base_url=site, timeout=20), APP_ID)
                media_id = wechat.add_media(selfie())
                await asyncio.to_thread(account.post, message_xml(
                    OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id))
                await until(lambda: wechat.sent_of("text"), 30, "the WeChat photo acknowledged")
                await asyncio.to_thread(account.post, message_xml(OPENID, "text", Content="油画"))

                # Web: an upload and "make me anime"; the result is served by the server host.
                await http.get("/")
                answer = await http.post("/api/message", data={"text": "", "lang": "en"},
                                         files={"photo": ("me.jpg", FACE, "image/jpeg")})
                assert answer.status_code == 200, answer.text
                await http.post("/api/message", data={"text": "make me anime", "lang": "en"})

                async def web_names() -> list[str]:
                    events = (await http.get("/api/events", params={"after": "0-0"})).json()["events"]
                    return [f["name"] for e in events if e.get("type") == "images" for f in e["files"]]

                deadline = time.monotonic() + 60
                while not (names := await web_names()):
                    assert time.monotonic() < deadline, "the web portrait never came"
                    await asyncio.sleep(0.1)
                picture = await http.get(f"/media/{names[0]}")
                assert picture.status_code == 200 and picture.content[:3] in (b"\xff\xd8\xff", b"\x89PN")

                await until(lambda: [m for m in bot.sent_to(ANN) if "photo" in m], 60, "the Telegram portrait")
                await until(lambda: wechat.sent_of("image"), 60, "the WeChat portrait")
                assert len([m for m in bot.sent_to(ANN) if "photo" in m]) == 1
                assert len(wechat.sent_of("image")) == 1
                assert fal.submit_count() == 3

                # Nothing crossed a disk: results were written by the workers, and the server
                # holds only what it took in and what it served (fetched from Redis).
                server_files = files_of(hosts["server"])
                worker_files = files_of(hosts["worker1"]) | files_of(hosts["worker2"])
                assert any(f.startswith("output/images/") for f in worker_files)
                assert not any(f.startswith("output/images/") for f in server_files)
                assert f"web/{names[0]}" not in server_files  # (its folder is the session's)
                assert any(f.startswith("web/") and f.endswith(names[0]) for f in server_files)

                # /forget on the web: the person's photo, results and web copies go from
                # every host (the others delete theirs within seconds) and from Redis.
                client = redis.Redis.from_url(env["REDIS_URL"])
                before = {name: files_of(folder) for name, folder in hosts.items()}
                web_files = {f for f in before["server"] if f.startswith("web/")}
                assert web_files
                await http.post("/api/message", data={"text": "/forget", "lang": "en"})

                def theirs_gone() -> bool:
                    now_files = set().union(*(files_of(folder) for folder in hosts.values()))
                    return not any(names[0].rsplit(".", 1)[0] in f for f in now_files) and not (
                        web_files & files_of(hosts["server"]))

                await until(theirs_gone, 20, "every host's copies of the forgotten person deleted")
                stem = names[0].rsplit("-", 1)[0]
                assert not [k for k in client.scan_iter(match="pb:file:*") if stem.encode() in k]
                # The other people's portraits stay.
                assert [m for m in bot.sent_to(ANN) if "photo" in m]
                assert any(f.startswith("output/images/") for f in
                           files_of(hosts["worker1"]) | files_of(hosts["worker2"]))
    finally:
        for worker in workers:
            worker.stop()
