"""The group pacer: however many senders share it, no window holds more than the limit, a
slot a rescheduled delivery holds is found again, and private chats are never held up."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis

from bot.telegram.pacing import GroupPacer, PaceLater, paced

LIMIT, WINDOW_S = 5, 1.0
GROUP = -100123


async def test_a_dozen_concurrent_sends_never_put_more_than_the_limit_in_one_window(
    redis_client: redis.Redis,
) -> None:
    pacer = GroupPacer(redis_client, LIMIT, WINDOW_S)
    starts: list[float] = []

    async def send() -> None:
        async with paced(pacer, GROUP, 1, None, None):
            starts.append(time.monotonic())
            await asyncio.sleep(0.05)  # the upload

    began = time.monotonic()
    await asyncio.gather(*(send() for _ in range(12)))
    starts.sort()
    assert all(later - earlier >= WINDOW_S for earlier, later in zip(starts, starts[LIMIT:], strict=False))
    assert starts[LIMIT - 1] - began < 0.5, "the first window's worth goes at once"


async def test_a_sender_that_may_not_wait_keeps_its_slot_for_when_it_comes_back(
    redis_client: redis.Redis,
) -> None:
    pacer = GroupPacer(redis_client, LIMIT, WINDOW_S)
    for _ in range(LIMIT):
        async with paced(pacer, GROUP, 1, None, None):
            pass
    with pytest.raises(PaceLater) as later:
        async with paced(pacer, GROUP, 2, "delivery-1", 0.1):
            raise AssertionError("not sent yet")
    assert 0.5 < later.value.seconds <= WINDOW_S + 0.1
    _, delay = pacer.reserve(GROUP, 2, "delivery-1")
    assert delay <= later.value.seconds, "the same slot, not one behind it"


async def test_private_chats_are_not_paced(redis_client: redis.Redis) -> None:
    pacer = GroupPacer(redis_client, 1, 60.0)
    began = time.monotonic()
    for _ in range(5):
        async with paced(pacer, 1001, 1, None, None):
            pass
    assert time.monotonic() - began < 0.5


def test_the_fake_bot_api_refuses_a_group_message_over_its_limit_as_telegram_does() -> None:
    import httpx

    from tests.fakes.telegram_api import FakeBotApi

    fake = FakeBotApi(group_limit=(LIMIT, WINDOW_S))
    with fake.serve() as url:
        call = f"{url}/bot{fake.token}/sendMessage"
        answers = [httpx.post(call, json={"chat_id": GROUP, "text": f"hi {n}"}) for n in range(LIMIT + 1)]
        private = httpx.post(call, json={"chat_id": 1001, "text": "hi"})
        time.sleep(WINDOW_S)
        later = httpx.post(call, json={"chat_id": GROUP, "text": "hi again"})
    assert [a.status_code for a in answers] == [200] * LIMIT + [429]
    refused = answers[-1].json()
    assert refused["error_code"] == 429 and refused["parameters"]["retry_after"] >= 1
    assert private.status_code == 200 and later.status_code == 200
