"""Webhook mode: POST /telegram with Telegram's secret header, served by uvicorn on loopback in
the same event loop as the Application (as the one ASGI server runs it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from bot.telegram import TelegramRunner, telegram_routes
from core.settings import Secret, Settings
from tests.fakes import free_socket
from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_receive import RecordingConversation

SECRET = "s3cret_Webhook-token"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """uvicorn in this event loop on a free port; yields the base URL."""
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def webhook(fake: FakeBotApi) -> AsyncIterator[tuple[str, RecordingConversation]]:
    settings = Settings(
        telegram_bot_token=Secret(fake.token),
        telegram_api_url=fake.url,  # type: ignore[attr-defined]
        telegram_webhook_url="https://bot.example.com",
        telegram_webhook_secret=Secret(SECRET),
    )
    conversation = RecordingConversation()
    async with TelegramRunner(settings, conversation) as runner:
        assert runner.application.updater is None, "webhook mode does not poll"
        async with served(Starlette(routes=telegram_routes(runner.application, settings))) as url:
            yield url, conversation


async def post(url: str, update: dict, secret: str | None) -> httpx.Response:  # type: ignore[type-arg]
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with httpx.AsyncClient() as client:
        return await client.post(f"{url}/telegram", content=json.dumps(update), headers=headers)


async def test_setwebhook_is_called_with_the_route_and_the_secret(
    fake: FakeBotApi, webhook: tuple[str, RecordingConversation]
) -> None:
    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://bot.example.com/telegram"
    assert fake.webhook["secret_token"] == SECRET
    assert fake.webhook["allowed_updates"] == ["message", "edited_message", "callback_query", "my_chat_member", "pre_checkout_query"]


async def test_a_wrong_or_missing_secret_is_refused_with_403(
    fake: FakeBotApi, webhook: tuple[str, RecordingConversation]
) -> None:
    url, conversation = webhook
    update = fake.push(fake.message(fake.user(), text="make me anime"))
    for wrong in (None, "", SECRET[:-1], SECRET[:-1] + "X", SECRET + "x", "x" * len(SECRET)):
        response = await post(url, update, wrong)
        assert response.status_code == 403, wrong
    await asyncio.sleep(0.1)
    assert conversation.incoming == [] and fake.sent_to(1001) == []


async def test_the_right_secret_is_accepted_and_the_update_answered(
    fake: FakeBotApi, webhook: tuple[str, RecordingConversation]
) -> None:
    url, conversation = webhook
    update = fake.push(fake.message(fake.user(), text="make me anime"))
    response = await post(url, update, SECRET)
    assert response.status_code == 200
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(1001))


async def test_a_redelivered_update_is_answered_once(
    fake: FakeBotApi, webhook: tuple[str, RecordingConversation]
) -> None:
    url, conversation = webhook
    update = fake.push(fake.message(fake.user(), text="make me anime"))
    assert (await post(url, update, SECRET)).status_code == 200
    assert (await post(url, update, SECRET)).status_code == 200  # Telegram retried: no 200 in time
    await fake.until(lambda: len(conversation.incoming) == 2)
    assert {i.message_key for i in conversation.incoming} == {f"telegram:update:{update['update_id']}"}
    await asyncio.sleep(0.1)
    assert fake.texts_to(1001) == ["Anime · NanoPro · ~25 s"]


async def test_a_body_that_is_not_an_update_is_a_400(webhook: tuple[str, RecordingConversation]) -> None:
    url, _ = webhook
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{url}/telegram", content=b"not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 400
