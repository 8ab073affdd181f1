"""A passive-only Official Account (no customer-service push: 48001), end to end: the real
server (``build_server``), the fake WeChat API refusing every push, and a real ``portraitbot
worker --burst`` with the offline engine. What the person gets is only ever the passive reply
to their own message."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from PIL import Image
from rq import Queue
from rq.serializers import JSONSerializer

from bot.wechat.handler import only_emoticons
from bot.wechat.jobs import QUEUE_NAME
from bot.wechat.sender import build_sender
from bot.wechat.store import Held, HeldResults, is_passive_only, note_refusal, saw
from core.chat import ChatTarget
from core.sender import Deliverable
from core.settings import Settings
from tests.faces import make_face_photo
from tests.fakes import serve
from tests.fakes.wechat_api import (
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    WeChatServer,
    jpeg_bytes,
    message_xml,
)
from tests.fakes.worker_process import FAST_TIMING

ROOT = Path(__file__).resolve().parent.parent
OPENID = "oPassiveOnly_abcdefghijklmnop"
PERSON = ChatTarget("wechat", OPENID, OPENID, language="zh")


@dataclass
class Account:
    wechat: WeChatServer
    api: FakeWeChatApi
    env: dict[str, str]
    settings: Settings
    redis: redis.Redis

    def say(self, content: str) -> dict:
        reply = self.wechat.reply(self.wechat.post(message_xml(OPENID, "text", Content=content)))
        assert reply is not None
        return reply

    def text(self, content: str) -> str:
        reply = self.say(content)
        assert reply["MsgType"] == "text", reply
        return str(reply["Content"])

    def run_worker(self, log_path: Path) -> None:
        args = [sys.executable, "-m", "portraitbot.cli", "worker", "--burst"]
        for name, value in FAST_TIMING.items():
            args += ["--timing", f"{name}={value}"]
        with open(log_path, "ab") as log:
            subprocess.run(args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=180, check=True)


@pytest.fixture
def account(redis_url: str, redis_client: redis.Redis, data_dir: Path) -> Iterator[Account]:
    from portraitbot.app import build_server

    api = FakeWeChatApi()
    api.fail("message/custom/send", 48001, times=10_000)
    with api.serve() as api_url:
        env = {
            "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "WECHAT_APP_ID": APP_ID,
            "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_TOKEN": TOKEN, "WECHAT_API_URL": api_url,
            "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
        }
        settings = Settings.from_env(env)
        app = build_server(settings, redis.Redis.from_url(redis_url))
        with serve(app) as url, httpx.Client(base_url=url, timeout=20) as client:
            yield Account(WeChatServer(client, APP_ID), api, env, settings, redis_client)


def selfie() -> bytes:
    buffer = io.BytesIO()
    make_face_photo((640, 800)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def coloured(path: Path, colour: tuple[int, int, int]) -> Path:
    path.write_bytes(jpeg_bytes((300, 400), colour))
    return path


@pytest.mark.slow
def test_photo_oil_painting_then_any_message_collects_the_picture(account: Account, tmp_path: Path) -> None:
    media_id = account.api.add_media(selfie())
    ack = account.wechat.reply(account.wechat.post(message_xml(OPENID, "image", PicUrl="http://mmbiz.qpic.cn/a", MediaId=media_id)))
    assert ack is not None and ack["Content"].startswith("收到照片")
    queue = Queue(QUEUE_NAME, connection=account.redis, serializer=JSONSerializer)
    deadline = time.monotonic() + 20
    while not queue.count and time.monotonic() < deadline:  # the photo's answer, after its run's window
        time.sleep(0.05)
    account.run_worker(tmp_path / "worker.log")  # the photo job: its answer cannot be pushed
    assert is_passive_only(account.redis), "48001 is remembered"

    queued = account.text("油画")
    assert "油画" in queued and "好了之后发任意消息领取" in queued

    waiting = account.text("好了吗")
    assert "还在生成" in waiting and "秒" in waiting, "running work answers with the time left"

    pushes = account.api.calls.count("cgi-bin/message/custom/send")
    account.run_worker(tmp_path / "worker.log")
    assert account.api.calls.count("cgi-bin/message/custom/send") == pushes, "no push is tried any more"

    picture = account.say("好了吗")
    assert picture["MsgType"] == "image", "the picture comes first, before any held text"
    with Image.open(io.BytesIO(account.api.uploads[picture["Image"]["MediaId"]])) as image:
        assert image.size[0] >= 256
    after = account.text("谢谢")
    assert "油画" in after and "正在生成" not in after, "the caption follows; no stale acknowledgement"


async def test_three_held_pictures_come_back_one_per_message_in_order(account: Account, tmp_path: Path) -> None:
    sender = build_sender(account.settings, account.redis)
    assert sender is not None
    colours = [(220, 30, 30), (30, 220, 30), (30, 30, 220)]
    for number, colour in enumerate(colours, 1):
        path = coloured(tmp_path / f"result{number}.jpg", colour)
        await sender.send_images(PERSON, [Deliverable(path)], f"第 {number} 张")
    assert HeldResults(account.redis).count_images(OPENID) == 3

    got = []
    for _ in colours:
        reply = account.say("在吗")
        assert reply["MsgType"] == "image"
        with Image.open(io.BytesIO(account.api.uploads[reply["Image"]["MediaId"]])) as image:
            pixel = image.convert("RGB").getpixel((150, 200))
        assert isinstance(pixel, tuple)
        got.append(max(range(3), key=lambda band: pixel[band]))
    assert got == [0, 1, 2], "oldest first"
    captions = account.text("还有吗")
    assert captions.index("第 1 张") < captions.index("第 2 张") < captions.index("第 3 张")
    assert account.say("你好")["MsgType"] == "text"


def test_a_held_picture_older_than_three_days_is_uploaded_again(account: Account, tmp_path: Path) -> None:
    account.api.fail("message/custom/send", 48001, times=10_000)
    path = coloured(tmp_path / "old.jpg", (200, 120, 90))
    HeldResults(account.redis).hold(OPENID, [Held("image", path=str(path), media_id="MEDIA_GONE", uploaded_at=time.time() - 3.1 * 86400)])
    reply = account.say("在吗")
    assert reply["MsgType"] == "image"
    assert reply["Image"]["MediaId"] != "MEDIA_GONE" and reply["Image"]["MediaId"] in account.api.uploads


def test_45015_to_someone_who_just_wrote_means_no_push_at_all(redis_client: redis.Redis) -> None:
    assert not note_refusal(redis_client, "oAway", 45015), "not written for 48 hours: only that person"
    assert not is_passive_only(redis_client)
    saw(redis_client, "oJustWrote")
    assert note_refusal(redis_client, "oJustWrote", 45015)
    assert is_passive_only(redis_client)


def test_wechat_emoticons_are_small_talk(account: Account) -> None:
    assert only_emoticons("/::)") and only_emoticons("/::)/::D [微笑]") and not only_emoticons("/lang en")
    answer = account.text("/::)")
    assert "不认识命令" not in answer and "自拍" in answer
