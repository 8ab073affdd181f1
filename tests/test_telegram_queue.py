"""Webhook mode with the Redis update queue: real Redis, the real route served by uvicorn on
loopback, the real Application answering through the fake Bot API.

A full queue answers 429 with Retry-After (Telegram redelivers); an update a consumer took
but never finished is handled after that consumer is gone; a redelivered update is answered
once, whichever process handles each copy."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import redis
from starlette.applications import Starlette

from bot.messages import Incoming, Reply
from bot.telegram import TelegramRunner, telegram_routes
from bot.telegram import updates as updates_module
from bot.telegram.updates import GROUP, STREAM, Consumer, UpdateQueue
from core.settings import Secret, Settings
from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_receive import RecordingConversation
from tests.test_telegram_webhook import SECRET, served
from worker.store import first_time

ACK = "Anime · NanoPro · ~25 s"


@dataclass
class SharedDedupConversation(RecordingConversation):
    """Dedupes by message key in Redis, as ``Conversation`` does (``first_time``), so several
    processes' handlers share one memory of what was answered."""

    redis: redis.Redis | None = None

    async def handle(self, incoming: Incoming) -> list[Reply]:
        assert self.redis is not None
        if incoming.message_key and not first_time(self.redis, incoming.message_key):
            self.incoming.append(incoming)
            return []
        return await super().handle(incoming)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def clean(redis_client: redis.Redis) -> redis.Redis:
    redis_client.delete(STREAM)
    return redis_client


def settings_for(fake: FakeBotApi, queue_max: int = 100) -> Settings:
    return Settings(
        telegram_bot_token=Secret(fake.token),
        telegram_api_url=fake.url,  # type: ignore[attr-defined]
        telegram_webhook_url="https://bot.example.com",
        telegram_webhook_secret=Secret(SECRET),
        telegram_update_queue_max=queue_max,
    )


async def post(url: str, update: dict) -> httpx.Response:  # type: ignore[type-arg]
    async with httpx.AsyncClient() as client:
        return await client.post(f"{url}/telegram", content=json.dumps(update),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})


async def test_a_full_queue_answers_429_and_what_it_held_is_answered_after(
    fake: FakeBotApi, clean: redis.Redis
) -> None:
    settings = settings_for(fake, queue_max=2)
    conversation = SharedDedupConversation(redis=clean)
    async with TelegramRunner(settings, conversation) as runner:  # no Redis: no consumer of its own
        queue = UpdateQueue(clean, settings.telegram_update_queue_max)
        async with served(Starlette(routes=telegram_routes(runner.application, settings, queue))) as url:
            sent = [fake.push(fake.message(fake.user(1001 + n), text="make me anime")) for n in range(3)]
            answers = [await post(url, update) for update in sent]
            assert [a.status_code for a in answers] == [200, 200, 429]
            assert answers[2].headers["Retry-After"] == "5"
            await asyncio.sleep(0.2)
            assert fake.texts_to(1001) == [], "nothing handles updates on the request path"

            consumer = Consumer(queue, runner._handle)
            consumer.start()
            try:
                await fake.until(lambda: fake.texts_to(1001) == [ACK] and fake.texts_to(1002) == [ACK])
                await fake.until(lambda: queue.waiting() == 0)
                assert (await post(url, sent[2])).status_code == 200, "Telegram's redelivery fits now"
                await fake.until(lambda: fake.texts_to(1003) == [ACK])
            finally:
                await consumer.stop()


async def test_an_update_a_dead_consumer_took_is_answered_by_the_next_process(
    fake: FakeBotApi, clean: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(updates_module, "CLAIM_IDLE_S", 0.3)
    settings = settings_for(fake)
    queue = UpdateQueue(clean, settings.telegram_update_queue_max)
    queue.ensure_group()
    conversation = SharedDedupConversation(redis=clean)
    async with TelegramRunner(settings, conversation) as route_only:
        routes = telegram_routes(route_only.application, settings, queue)
        async with served(Starlette(routes=routes)) as url:
            update = fake.push(fake.message(fake.user(), text="make me anime"))
            assert (await post(url, update)).status_code == 200
    # A process read it and was killed before it handled it: read, never acknowledged.
    taken = clean.xreadgroup(GROUP, "killed-process", {STREAM: ">"}, count=10)
    assert taken and len(taken[0][1]) == 1
    await asyncio.sleep(0.1)
    assert fake.texts_to(1001) == []

    async with TelegramRunner(settings, conversation, redis=clean) as restarted:
        assert restarted.consumer is not None
        await fake.until(lambda: fake.texts_to(1001) == [ACK], timeout=10)
        await fake.until(lambda: queue.waiting() == 0)
    assert clean.xpending(STREAM, GROUP)["pending"] == 0


async def test_a_redelivered_update_is_answered_once_across_processes(
    fake: FakeBotApi, clean: redis.Redis
) -> None:
    settings = settings_for(fake)
    conversation = SharedDedupConversation(redis=clean)
    async with TelegramRunner(settings, conversation, redis=clean) as one, \
            TelegramRunner(settings, conversation) as two:
        assert one.updates is not None
        other = Consumer(one.updates, two._handle, name="second-process")
        other.start()
        try:
            async with served(Starlette(routes=telegram_routes(one.application, settings, one.updates))) as url:
                update = fake.push(fake.message(fake.user(), text="make me anime"))
                for _ in range(3):  # Telegram retried twice: no 200 in time
                    assert (await post(url, update)).status_code == 200
                await fake.until(lambda: len(conversation.incoming) == 3)
                await fake.until(lambda: one.updates is not None and one.updates.waiting() == 0)
                await asyncio.sleep(0.2)
                assert fake.texts_to(1001) == [ACK]
        finally:
            await other.stop()


async def test_a_body_without_an_update_id_is_a_400_and_not_queued(
    fake: FakeBotApi, clean: redis.Redis
) -> None:
    settings = settings_for(fake)
    async with TelegramRunner(settings, SharedDedupConversation(redis=clean)) as runner:
        queue = UpdateQueue(clean, 10)
        async with served(Starlette(routes=telegram_routes(runner.application, settings, queue))) as url:
            for body in ({"message": {}}, {"update_id": "7"}, [1, 2]):
                assert (await post(url, body)).status_code == 400  # type: ignore[arg-type]
            assert queue.waiting() == 0


async def test_the_consumer_starts_again_when_redis_lost_the_queue(
    fake: FakeBotApi, clean: redis.Redis
) -> None:
    settings = settings_for(fake)
    conversation = SharedDedupConversation(redis=clean)
    async with TelegramRunner(settings, conversation, redis=clean) as runner:
        assert runner.updates is not None
        await asyncio.sleep(0.2)
        clean.delete(STREAM)  # Redis emptied (a restart without its data): the group is gone too
        async with served(Starlette(routes=telegram_routes(runner.application, settings, runner.updates))) as url:
            update = fake.push(fake.message(fake.user(), text="make me anime"))
            assert (await post(url, update)).status_code == 200
            await fake.until(lambda: fake.texts_to(1001) == [ACK], timeout=10)
