"""The acknowledgement says how a request ended: edited to "Cancelled" after /cancel and to
"didn't work out" after a failure, so the chat never shows "Generating…" for something that
will never come. The real server and a real worker process, against the fake Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis

from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import ANN, FACE, env, fake, run_worker, server  # noqa: F401


async def acknowledged(api: FakeBotApi, environment: dict[str, str], *then: str) -> dict[str, object]:
    """Selfie + "make me anime" (+ ``then``); returns the acknowledgement as sent."""
    ann = api.user(ANN)
    async with server(environment):
        api.push(api.message(ann, caption="make me anime", photo=api.photo_sizes(FACE)))
        await api.until(lambda: api.sent_to(ANN), timeout=20)
        ack = api.sent_to(ANN)[0]
        for text in then:
            api.push(api.message(ann, text=text))
            await api.until(lambda: len(api.sent_to(ANN)) >= 2, timeout=20)
    return ack


def now_reads(api: FakeBotApi, message: dict[str, object]) -> str:
    (found,) = [m for m in api.sent_to(ANN) if m["message_id"] == message["message_id"]]
    return str(found.get("text"))


@pytest.mark.slow
async def test_after_cancel_the_acknowledgement_says_cancelled(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    ack = await acknowledged(fake, env, "/cancel")
    await asyncio.to_thread(run_worker, env, tmp_path)
    assert "cancelled" in now_reads(fake, ack).lower()
    assert not [m for m in fake.sent_to(ANN) if "photo" in m]


@pytest.mark.slow
async def test_after_a_failure_the_acknowledgement_says_it_did_not_work_out(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    ack = await acknowledged(fake, env)
    client = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
    for key in client.scan_iter("*gen:*"):
        if client.type(key) == "hash" and (reference := client.hget(key, "reference")):
            Path(reference).unlink(missing_ok=True)  # the stored photo is gone: the request fails
    await asyncio.to_thread(run_worker, env, tmp_path)
    assert "didn't work out" in now_reads(fake, ack)
    assert any("photo" in t for t in fake.texts_to(ANN)[1:]), "and the reason comes below it"
