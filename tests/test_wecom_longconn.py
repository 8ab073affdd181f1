"""The WeCom AI bot in long connection mode, end to end: the real server (``build_server``, its
start-up dials the fake platform's WebSocket) and a real ``portraitbot worker --burst`` with the
offline engine. Same conversation as callback mode; the bot pushes each stream as it changes."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.wecom import longconn
from core.settings import Settings
from tests.fakes import serve
from tests.fakes.wecom import BOT_ID, FakeWeComFiles
from tests.fakes.wecom_ws import SECRET, Chat, FakeWeComSocket, images_of
from tests.fakes.worker_process import FAST_TIMING
from tests.test_wecom_callback import FACE, GROUP, mean_colour, tinted
from worker.records import WAITING

ROOT = Path(__file__).resolve().parent.parent


def queued(client: redis.Redis) -> int:
    """Generations waiting for a worker (the sweep submits them; no RQ job each)."""
    return int(client.zcard(WAITING))


@dataclass
class Platform:
    socket: FakeWeComSocket
    files: FakeWeComFiles
    env: dict[str, str]
    redis: redis.Redis

    def run_worker(self, log_path: Path) -> None:
        args = [sys.executable, "-m", "portraitbot.cli", "worker", "--burst"]
        for name, value in FAST_TIMING.items():
            args += ["--timing", f"{name}={value}"]
        with open(log_path, "wb") as log:
            subprocess.run(args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=180, check=True)


@pytest.fixture
def platform(redis_url: str, redis_client: redis.Redis, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    from portraitbot.app import build_server

    monkeypatch.setattr(longconn, "FOLLOW_SECONDS", 0.05)
    monkeypatch.setattr(longconn, "PING_SECONDS", 0.2)
    monkeypatch.setattr(longconn, "RECONNECT_MIN_SECONDS", 0.05)
    files = FakeWeComFiles()
    socket = FakeWeComSocket(files)
    with files.serve(), socket.serve() as ws_url:
        env = {
            "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "WECOM_BOT_ID": BOT_ID,
            "WECOM_BOT_SECRET": SECRET, "WECOM_WS_URL": ws_url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
        }
        app = build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))
        with serve(app, lifespan="on"):
            socket.wait_subscribed()
            yield Platform(socket, files, env, redis_client)


def test_subscribes_pings_and_dials_again_after_a_drop(platform: Platform) -> None:
    socket = platform.socket
    ann = Chat("ann")
    rid = socket.send(socket.text(ann, "make me anime"))
    assert "selfie" in socket.until(rid, "selfie")["stream"]["content"]
    socket.drop()
    socket.wait_subscribed(2)
    rid = socket.send(socket.text(ann, "把我变成动漫"))
    assert "自拍" in socket.until(rid, "自拍")["stream"]["content"]
    deadline_pings = socket.pings
    socket.until(rid, finished=True)
    import time

    time.sleep(0.6)
    assert socket.pings > deadline_pings, "the bot pings the platform"
    assert not socket.errors, socket.errors


def test_a_message_delivered_three_times_makes_one_job(platform: Platform) -> None:
    socket = platform.socket
    ann = Chat("ann")
    photo = socket.message(ann, "image", image=socket.image_ref(FACE))
    socket.until(socket.send(photo), finished=True)
    request = socket.text(ann, "把我变成动漫")
    rid = socket.send(request)
    socket.redeliver(request)
    socket.redeliver(request)
    answer = socket.until(rid, "动漫")
    assert not answer["stream"]["finish"], "open until the picture"
    assert queued(platform.redis) == 1
    assert platform.files.downloads == 1
    assert not socket.errors, socket.errors


def test_enter_chat_is_welcomed(platform: Platform) -> None:
    socket = platform.socket
    rid = socket.send(socket.enter_chat(Chat("ann")))
    import time

    deadline = time.monotonic() + 10
    while rid not in socket.welcomes:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert socket.welcomes[rid]["text"]["content"]


def test_a_wrong_secret_is_refused_and_never_logged(
    redis_url: str, data_dir: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portraitbot.app import build_server

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(longconn, "RECONNECT_MAX_SECONDS", 0.1)
    files = FakeWeComFiles()
    socket = FakeWeComSocket(files, secret="the-real-secret")
    with socket.serve() as ws_url:
        env = {"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "WECOM_BOT_ID": BOT_ID,
               "WECOM_BOT_SECRET": "a-wrong-secret-4711", "WECOM_WS_URL": ws_url}
        app = build_server(Settings.from_env(env), redis.Redis.from_url(redis_url))
        with serve(app, lifespan="on"):
            import time

            deadline = time.monotonic() + 10
            while socket.refused < 2:
                assert time.monotonic() < deadline, "the bot did not try again"
                time.sleep(0.05)
    assert "subscribe refused" in caplog.text
    assert "a-wrong-secret-4711" not in caplog.text


@pytest.mark.slow
def test_two_people_in_a_group_each_get_their_own_portrait(platform: Platform, tmp_path: Path) -> None:
    socket = platform.socket
    ann, bob = Chat("ann", GROUP), Chat("bob", GROUP)
    ann_rid = socket.send(socket.mixed(ann, "把我变成动漫", tinted(FACE, (255, 40, 40))))
    bob_rid = socket.send(socket.mixed(bob, "make me an oil painting", tinted(FACE, (40, 40, 255))))
    assert not socket.until(ann_rid, "动漫")["stream"]["finish"]
    assert not socket.until(bob_rid, "Oil")["stream"]["finish"]
    assert queued(platform.redis) == 2

    platform.run_worker(tmp_path / "worker.log")

    ann_done = socket.until(ann_rid, finished=True, timeout=60)
    bob_done = socket.until(bob_rid, finished=True, timeout=60)
    (ann_image,) = images_of(ann_done)
    (bob_image,) = images_of(bob_done)
    assert "动漫" in ann_done["stream"]["content"] and "Oil" in bob_done["stream"]["content"]
    red, _, blue = mean_colour(ann_image)
    assert red > blue, "Ann's portrait, in the reply to Ann's message, is made from Ann's photo"
    red, _, blue = mean_colour(bob_image)
    assert blue > red, "Bob's portrait, in the reply to Bob's message, is made from Bob's photo"
    ids = {body["stream"]["id"] for body in socket.replies[ann_rid]}
    assert len(ids) == 1 and ids != {body["stream"]["id"] for body in socket.replies[bob_rid]}
    assert not socket.errors, socket.errors
