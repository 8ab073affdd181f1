"""End to end on Telegram: the real server (conversation, Redis queue, Telegram polling) and a
real ``portraitbot worker --burst`` process with the offline engine, against the fake Bot API.
A person sends a selfie, asks for anime, gets an acknowledgement within a second and, once the
worker has run, the portrait in the chat — exactly once, even when Telegram says "slow down"."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import uvicorn

from core.settings import Settings
from tests.fakes import free_socket
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.worker_process import FAST_TIMING

ROOT = Path(__file__).resolve().parent.parent
FACE = (ROOT / "tests" / "images" / "face.jpg").read_bytes()
ANN = 1001
ACK_WITHIN_S = 1.0
"""The issue: acknowledge within a second."""


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def env(fake: FakeBotApi, redis_url: str, data_dir: Path) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",  # type: ignore[attr-defined]
    }


@asynccontextmanager
async def server(env: dict[str, str]) -> AsyncIterator[str]:
    """``portraitbot server``'s app in this event loop; its lifespan starts Telegram polling."""
    from portraitbot.app import build_server

    settings = Settings.from_env(env)
    app = build_server(settings, redis.Redis.from_url(env["REDIS_URL"]))
    sock = free_socket()
    uv = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False))
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    while not uv.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        uv.should_exit = True
        await task
        sock.close()


def run_worker(env: dict[str, str], tmp_path: Path) -> None:
    args = [sys.executable, "-m", "portraitbot.cli", "worker", "--burst"]
    for name, value in FAST_TIMING.items():
        args += ["--timing", f"{name}={value}"]
    with open(tmp_path / "worker.log", "wb") as log:
        subprocess.run(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=120, check=True)


async def ask_for_anime(fake: FakeBotApi, env: dict[str, str], request: str = "make me anime") -> float:
    """Selfie, then "make me anime"; returns how long the acknowledgement took."""
    ann = fake.user(ANN)
    async with server(env):
        fake.push(fake.message(ann, photo=fake.photo_sizes(FACE)))
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)
        started = time.monotonic()
        fake.push(fake.message(ann, text=request))
        await fake.until(lambda: len(fake.sent_to(ANN)) >= 2, timeout=20)
        return time.monotonic() - started


def photos(fake: FakeBotApi) -> list[dict[str, Any]]:
    return [m for m in fake.sent_to(ANN) if "photo" in m]


@pytest.mark.slow
async def test_selfie_then_make_me_anime_brings_the_portrait_into_the_chat(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    took = await ask_for_anime(fake, env)
    assert took < ACK_WITHIN_S + 1.0, "polling granularity aside, the ack is immediate"  # 1 s poll
    ack = fake.sent_to(ANN)[1]
    assert "anime" in ack["text"].lower()
    await asyncio.to_thread(run_worker, env, tmp_path)
    (portrait,) = photos(fake)
    assert portrait["reply_to_message"]["text"] == "make me anime"
    assert "offline preview" in portrait["caption"].lower(), "no provider key: the mark says so"


@pytest.mark.slow
async def test_an_id_photo_arrives_as_two_documents_with_names_that_say_what_they_are(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    await ask_for_anime(fake, env, "US passport photo")
    await asyncio.to_thread(run_worker, env, tmp_path)
    documents = [m for m in fake.sent_to(ANN) if "document" in m]
    assert photos(fake) == [], "no recompressed photo of an ID picture"
    names = sorted(m["document"]["file_name"] for m in documents)
    assert len(names) == 2 and any("sheet" in n for n in names) and any("id-us" in n for n in names), names


@pytest.mark.slow
async def test_a_conversation_in_a_forum_topic_gets_every_answer_in_that_topic(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    forum = {"id": -1009876543210, "type": "supergroup", "title": "Studio", "is_forum": True}
    topic = {"message_thread_id": 7, "is_topic_message": True}
    ann = fake.user(ANN)
    async with server(env):
        fake.push(fake.message(ann, chat=forum, caption="/anime", photo=fake.photo_sizes(FACE), **topic))
        await fake.until(lambda: fake.sent_to(forum["id"]), timeout=20)
    await asyncio.to_thread(run_worker, env, tmp_path)
    calls = [c for c in fake.calls if c.method.startswith("send") and c.params.get("chat_id") == forum["id"]]
    assert {c.method for c in calls} >= {"sendMessage", "sendPhoto", "sendChatAction"}
    assert all(str(c.params.get("message_thread_id")) == "7" for c in calls), [
        (c.method, c.params.get("message_thread_id")) for c in calls]


@pytest.mark.slow
async def test_flood_control_during_delivery_delays_the_portrait_but_never_doubles_it(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    await ask_for_anime(fake, env)
    fake.fail("sendPhoto", 429, retry_after=1)
    await asyncio.to_thread(run_worker, env, tmp_path)
    assert len(fake.calls_of("sendPhoto")) == 2, "refused once, sent again after retry_after"
    assert len(photos(fake)) == 1


@pytest.mark.slow
async def test_a_redelivered_webhook_update_makes_one_job_and_one_reply(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    import httpx

    secret = "e2e-webhook-secret"
    env = {**env, "TELEGRAM_WEBHOOK_URL": "https://bot.example.com", "TELEGRAM_WEBHOOK_SECRET": secret,
           "HTTP_PORT": "8080"}
    ann = fake.user(ANN)
    selfie = fake.push(fake.message(ann, caption="make me anime", photo=fake.photo_sizes(FACE)))
    async with server(env) as url, httpx.AsyncClient() as client:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        for _ in range(2):  # Telegram retries a webhook call it thinks failed
            response = await client.post(f"{url}/telegram", json=selfie, headers=headers)
            assert response.status_code == 200
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)
        await asyncio.sleep(0.5)
    assert len(fake.sent_to(ANN)) == 1, "one acknowledgement"
    await asyncio.to_thread(run_worker, env, tmp_path)
    assert len(photos(fake)) == 1, "one job, one portrait"


@pytest.mark.slow
async def test_an_edited_caption_that_now_asks_for_a_style_starts_that_request_once(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    ann = fake.user(ANN)
    async with server(env):
        selfie = fake.message(ann, caption="here's me", photo=fake.photo_sizes(FACE))
        fake.push(selfie)
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)  # which style? (no request yet)
        asked = len(fake.sent_to(ANN))
        fake.push(fake.edit(selfie, caption="here's me!"), kind="edited_message")
        edited = fake.edit(selfie, caption="here's me — make me anime")
        fake.push(edited, kind="edited_message")
        fake.push(edited, kind="edited_message")  # the same edit delivered again
        await fake.until(lambda: any("anime" in m.get("text", "").lower() for m in fake.sent_to(ANN)), timeout=20)
        await asyncio.sleep(1.5)  # a second answer, if one were coming, would be here by now
    answers = fake.sent_to(ANN)[asked:]
    assert len(answers) == 1, [m.get("text") for m in answers]  # nothing for "here's me!", one ack
    await asyncio.to_thread(run_worker, env, tmp_path)
    (portrait,) = photos(fake)
    assert "offline preview" in portrait["caption"].lower()


@pytest.mark.slow
async def test_an_edit_before_the_request_starts_replaces_it_and_a_reworded_same_request_is_not_made_twice(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path
) -> None:
    ann = fake.user(ANN)
    async with server(env):  # no worker yet: the request waits in the queue
        fake.push(fake.message(ann, photo=fake.photo_sizes(FACE)))
        await fake.until(lambda: fake.sent_to(ANN), timeout=20)
        request = fake.message(ann, text="make me anime")
        fake.push(request)
        await fake.until(lambda: len(fake.sent_to(ANN)) >= 2, timeout=20)
        fake.push(fake.edit(request, text="make me anime please"), kind="edited_message")
        fake.push(fake.edit(request, text="make me an oil painting"), kind="edited_message")
        await fake.until(lambda: any("oil" in t.lower() for t in fake.texts_to(ANN)), timeout=20)
        fake.push(fake.message(ann, text="/quota"))
        await fake.until(lambda: any("used" in t for t in fake.texts_to(ANN)[3:]), timeout=20)
    texts = fake.texts_to(ANN)[2:]
    assert "replaces the request" in texts[0], texts  # the reworded anime got no answer of its own
    assert "oil" in texts[1].lower() and "used 1 of" in texts[-1], texts
    await asyncio.to_thread(run_worker, env, tmp_path)
    assert len(photos(fake)) == 1, "the anime portrait was never made, nor charged"
