"""The WeCom AI bot in callback mode, end to end: the real server (``build_server``: the
conversation, Redis queue, ``/wecom``) against the fake platform, and a real ``portraitbot
worker --burst`` with the offline engine. Group members @-mention the bot with their photo
and each gets their own portrait in the stream that answers their message."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from PIL import Image

from core.settings import Settings
from tests.fakes import serve
from tests.fakes.wecom import AES_KEY, TOKEN, Chat, FakeWeComFiles, WeComPlatform, images_of
from tests.fakes.worker_process import FAST_TIMING
from worker.records import WAITING

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
GROUP = "wrGroupChat0001"


def queued(client: redis.Redis) -> int:
    """Generations waiting for a worker (the sweep submits them; no RQ job each)."""
    return int(client.zcard(WAITING))


def tinted(data: bytes, colour: tuple[int, int, int]) -> bytes:
    """The test face under a coloured light: a different photo of a face."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
    tint = Image.new("RGB", rgb.size, colour)
    out = io.BytesIO()
    Image.blend(rgb, tint, 0.35).save(out, "JPEG", quality=92)
    return out.getvalue()


def mean_colour(data: bytes) -> tuple[float, float, float]:
    from PIL import ImageStat

    with Image.open(io.BytesIO(data)) as image:
        red, green, blue = ImageStat.Stat(image.convert("RGB")).mean
    return red, green, blue


@dataclass
class Bot:
    platform: WeComPlatform
    files: FakeWeComFiles
    env: dict[str, str]
    redis: redis.Redis

    def answer(self, message: dict[str, Any]) -> dict[str, Any]:
        reply = self.platform.send(message)
        assert reply is not None
        return reply

    def settle(self, chat: Chat, first: dict[str, Any], needle: str = "", timeout: float = 30.0) -> dict[str, Any]:
        """Refresh until the bot has answered (its "working" line is gone, or ``needle`` shows)."""
        deadline = time.monotonic() + timeout
        answer = first
        while True:
            content = answer["stream"]["content"]
            done = needle in content if needle else not content.startswith(("收到，正在处理", "On it"))
            if done or answer["stream"]["finish"]:
                return answer
            assert time.monotonic() < deadline, f"no answer: {answer}"
            time.sleep(0.05)
            refreshed = self.platform.refresh(chat, first["stream"]["id"])
            assert refreshed is not None
            answer = refreshed

    def run_worker(self, log_path: Path) -> None:
        args = [sys.executable, "-m", "portraitbot.cli", "worker", "--burst"]
        for name, value in FAST_TIMING.items():
            args += ["--timing", f"{name}={value}"]
        with open(log_path, "wb") as log:
            subprocess.run(args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=180, check=True)


@pytest.fixture
def bot(redis_url: str, redis_client: redis.Redis, data_dir: Path) -> Iterator[Bot]:
    from portraitbot.app import build_server

    files = FakeWeComFiles()
    env = {
        "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "WECOM_TOKEN": TOKEN,
        "WECOM_AES_KEY": AES_KEY, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
    }
    with files.serve():
        app = build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))
        with serve(app) as url, httpx.Client(base_url=url, timeout=20) as client:
            yield Bot(WeComPlatform(client, files), files, env, redis_client)


def test_url_verification_answers_the_decrypted_echostr_and_refuses_a_bad_signature(bot: Bot) -> None:
    answer = bot.platform.verify_url("echo-0123456789")
    assert answer.status_code == 200 and answer.text == "echo-0123456789"
    assert bot.platform.verify_url("x", signature="0" * 40).status_code == 403


def test_a_forged_or_stale_callback_is_refused_unread(bot: Bot) -> None:
    message = bot.platform.text(Chat("ann"), "把我变成动漫")
    assert bot.platform.post(message, query={"msg_signature": "0" * 40, "timestamp": str(int(time.time())), "nonce": "n"}).status_code == 403
    wrong_key = WeComPlatform(bot.platform.client, bot.files, aes_key="B" * 43)
    assert wrong_key.post(message).status_code == 403
    assert queued(bot.redis) == 0


def test_private_chat_text_is_answered_in_the_first_reply_in_the_persons_language(bot: Bot) -> None:
    ann = Chat("ann")
    answer = bot.settle(ann, bot.answer(bot.platform.text(ann, "make me anime")))
    assert answer["stream"]["finish"] is True, "nothing queued: the stream closes"
    assert "selfie" in answer["stream"]["content"]
    chinese = bot.settle(ann, bot.answer(bot.platform.text(ann, "把我变成动漫")))
    assert "自拍" in chinese["stream"]["content"]


def test_buttons_become_numbers_and_a_number_picks(bot: Bot) -> None:
    ann = Chat("ann")
    listed = bot.settle(ann, bot.answer(bot.platform.text(ann, "约会照")))["stream"]["content"]
    assert "回复数字选择：" in listed and "2 🏖️ 交友 · 海滩" in listed
    picked = bot.settle(ann, bot.answer(bot.platform.text(ann, "2")))["stream"]["content"]
    assert "海滩" in picked and "咖啡馆" not in picked


def test_a_callback_retried_three_times_makes_one_job_and_the_same_stream(bot: Bot) -> None:
    ann = Chat("ann")
    bot.settle(ann, bot.answer(bot.platform.image(ann, FACE)), needle="")
    first = bot.platform.reply(bot.platform.post(bot.platform.text(ann, "把我变成动漫")))
    assert first is not None
    retries = [bot.platform.reply(bot.platform.resend()) for _ in range(3)]
    assert {r["stream"]["id"] for r in retries if r} == {first["stream"]["id"]}
    bot.settle(ann, first, needle="动漫")
    assert queued(bot.redis) == 1


def test_a_request_right_after_a_photo_waits_for_the_photo(bot: Bot, tmp_path: Path) -> None:
    ann = Chat("ann")
    bot.files.delay = 1.5  # the photo is still being fetched when the request comes
    photo = bot.answer(bot.platform.image(ann, FACE))
    request = bot.answer(bot.platform.text(ann, "把我变成动漫"))
    answer = bot.settle(ann, request, needle="动漫")["stream"]["content"]
    assert "自拍" not in answer, "the request was not told to send a selfie"
    assert bot.files.downloads == 1
    assert bot.settle(ann, photo)["stream"]["content"]


def test_several_images_in_a_row_get_one_answer_and_the_request_uses_every_face(bot: Bot) -> None:
    from tests.faces import make_empty_photo
    from worker.records import Records

    buffer = io.BytesIO()
    make_empty_photo().save(buffer, "JPEG", quality=92)
    ann = Chat("ann")
    firsts = [bot.answer(bot.platform.image(ann, photo))
              for photo in (FACE, tinted(FACE, (255, 200, 200)), buffer.getvalue())]
    done = [bot.platform.until_finished(ann, first)["stream"]["content"] for first in firsts]
    assert done[0].startswith("收到 3 张照片——我会用其中脸部清晰的 2 张。"), done
    assert done[1:] == ["照片已收到 ✓", "照片已收到 ✓"], "one answer for the run, in its first stream"

    request = bot.answer(bot.platform.text(ann, "帮我做一张领英职业照"))
    assert "正在生成" in bot.settle(ann, request, needle="正在生成")["stream"]["content"]
    (gen_id,) = [raw.decode() for raw in bot.redis.zrange(WAITING, 0, -1)]
    record = Records(bot.redis).gen(gen_id)
    assert record is not None and len(record.references()) == 2, "both faces, not the empty photo"


@pytest.mark.slow
def test_two_people_in_a_group_each_get_their_own_portrait(bot: Bot, tmp_path: Path) -> None:
    ann, bob = Chat("ann", GROUP), Chat("bob", GROUP)
    ann_photo, bob_photo = tinted(FACE, (255, 40, 40)), tinted(FACE, (40, 40, 255))
    ann_first = bot.answer(bot.platform.mixed(ann, "把我变成动漫", ann_photo))
    bob_first = bot.answer(bot.platform.mixed(bob, "make me an oil painting", bob_photo))
    ann_ack = bot.settle(ann, ann_first, needle="动漫")
    bob_ack = bot.settle(bob, bob_first, needle="Oil")
    assert not ann_ack["stream"]["finish"] and not bob_ack["stream"]["finish"], "open until the picture"
    assert queued(bot.redis) == 2

    bot.run_worker(tmp_path / "worker.log")

    ann_done = bot.platform.until_finished(ann, ann_first)
    bob_done = bot.platform.until_finished(bob, bob_first)
    (ann_image,) = images_of(ann_done)
    (bob_image,) = images_of(bob_done)
    assert "动漫" in ann_done["stream"]["content"] and "Oil" in bob_done["stream"]["content"]
    red, _, blue = mean_colour(ann_image)
    assert red > blue, "Ann's portrait is made from Ann's (red-lit) photo"
    red, _, blue = mean_colour(bob_image)
    assert blue > red, "Bob's portrait is made from Bob's (blue-lit) photo"


def test_no_token_or_aes_key_in_logs(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bot.platform.verify_url("x", signature="0" * 40)
    WeComPlatform(bot.platform.client, bot.files, aes_key="B" * 43).post(bot.platform.text(Chat("ann"), "hi"))
    assert "wecom: callback refused" in caplog.text and "wecom: URL verification refused" in caplog.text
    assert TOKEN not in caplog.text and AES_KEY not in caplog.text
