"""W08, end to end: with 20 generations queued and a real ``portraitbot worker`` busy with them,
four people on the Official Account each send a photo and, 1.5 s later (while WeChat is still
slow to hand over the photo), "把我变成油画". Each is acknowledged as an oil painting on the
way -- never "请先发一张自拍" -- because photo intake runs in the server (never behind
generations in the worker) and a request waits for that person's arriving photo.

The real server (``build_server``: conversation, intake processes, ``/wechat``), the fake
WeChat API (a verified account: pushes go through), the offline engine in the worker."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from PIL import Image

from core.settings import Settings
from tests.faces import make_face_photo
from tests.fakes import serve
from tests.fakes.wechat_api import (
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    WeChatServer,
    message_xml,
)
from tests.fakes.worker_process import WorkerProcess, wait_for
from worker.records import WAITING

ROOT = Path(__file__).resolve().parent.parent
BUSY = 20
PEOPLE = 4


def selfie(shade: int) -> bytes:
    buffer = io.BytesIO()
    photo = make_face_photo((640, 800))
    Image.blend(photo.convert("RGB"), Image.new("RGB", photo.size, (shade, 90, 200 - shade)), 0.2).save(
        buffer, "JPEG", quality=90)
    return buffer.getvalue()


@dataclass
class Account:
    api: FakeWeChatApi
    env: dict[str, str]
    redis: redis.Redis
    url: str

    def post(self, openid: str, msgtype: str, **fields: str) -> str:
        """One callback on its own connection (as WeChat's many servers call); the reply text."""
        with httpx.Client(base_url=self.url, timeout=20) as client:
            wechat = WeChatServer(client, APP_ID)
            reply = wechat.reply(wechat.post(message_xml(openid, msgtype, **fields)))
        if reply is None:
            return ""  # later than WeChat's 5 s (a busy machine): the answer is pushed when ready
        assert reply["MsgType"] == "text", reply
        return str(reply["Content"])

    def read(self, openid: str, passives: tuple[str, ...]) -> list[str]:
        """What the person read, in order: each passive reply, or for a late one ("") the next
        text pushed to them after it (the worker pushes late answers)."""
        def pushed() -> list[str]:
            return [m["text"]["content"] for m in self.api.sent if m.get("touser") == openid and m.get("text")]
        late = sum(1 for p in passives if not p)
        wait_for(lambda: len(pushed()) >= late, timeout=60, what=f"the late answers pushed to {openid}")
        pushes = iter(pushed())
        return [p or next(pushes) for p in passives]

    def photo_then_request(self, openid: str, photo: bytes, pause: float) -> tuple[str, str]:
        media_id = self.api.add_media(photo)
        got = self.post(openid, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId=media_id)
        time.sleep(pause)
        return got, self.post(openid, "text", Content="把我变成油画")


@pytest.fixture
def account(redis_url: str, redis_client: redis.Redis, data_dir: Path) -> Iterator[Account]:
    from portraitbot.app import build_server

    api = FakeWeChatApi()
    with api.serve() as api_url:
        env = {
            "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_TOKEN": TOKEN, "WECHAT_API_URL": api_url,
            "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LOG_LEVEL": "INFO",
        }
        app = build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))
        with serve(app) as url:
            yield Account(api, env, redis_client, url)


@pytest.mark.slow
def test_w08_photo_then_request_with_twenty_generations_queued(account: Account, tmp_path: Path) -> None:
    photo = selfie(40)
    with ThreadPoolExecutor(4) as pool:  # the queue the worker will be busy with
        acks = list(pool.map(lambda n: account.photo_then_request(f"oBusy{n:02d}_abcdefghijklmnopq", photo, 0.0),
                             range(BUSY)))
    assert all("自拍" not in ack for _, ack in acks), acks  # a late one ("") is pushed once the worker runs
    wait_for(lambda: int(account.redis.zcard(WAITING)) == BUSY, timeout=30, what="the twenty generations queued")

    worker = WorkerProcess(account.env, log_path=tmp_path / "worker.log")
    try:
        wait_for(lambda: int(account.redis.zcard(WAITING)) < BUSY, timeout=60, what="the worker to start")
        account.api.media_delay = 2.0  # the photos are still being fetched when the requests come
        with ThreadPoolExecutor(PEOPLE) as pool:
            answers = list(pool.map(
                lambda n: account.photo_then_request(f"oW08Person{n}_abcdefghijklmnop", selfie(60 * n), 1.5),
                range(PEOPLE)))
        read = [account.read(f"oW08Person{n}_abcdefghijklmnop", answer) for n, answer in enumerate(answers)]
    finally:
        worker.stop()
    for received, acknowledged in read:
        assert received.startswith("收到照片")
        assert "自拍" not in acknowledged, f"told to send a selfie first: {acknowledged}"
        assert "油画" in acknowledged, acknowledged
