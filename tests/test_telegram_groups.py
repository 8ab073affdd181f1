"""Telegram groups as people use them: the bot says hello once when it is added, and one
person's buttons are not another's. Real ``portraitbot server`` (or the adapter) and real Redis,
against the fake Bot API."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram import TelegramRunner
from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import env, fake, server  # noqa: F401  (fixtures)
from tests.test_telegram_receive import RecordingConversation, settings_for

GROUP = {"id": -1005550001, "type": "supergroup", "title": "Family"}


def intros(api: FakeBotApi) -> list[str]:
    return [t for t in api.texts_to(GROUP["id"]) if "mention" in t]


@pytest.mark.slow
async def test_added_to_a_group_the_bot_introduces_itself_once_however_often_telegram_says_so(
    fake: FakeBotApi, env: dict[str, str]  # noqa: F811
) -> None:
    ann = fake.user(1001)
    change, service = fake.bot_added(ann, GROUP)
    async with server(env):
        fake.push(change, kind="my_chat_member")
        fake.push(service)  # Telegram tells it twice: the member change and the service message
        fake.push(change, kind="my_chat_member")  # and may deliver an update again
        await fake.until(lambda: intros(fake), timeout=20)
        await asyncio.sleep(1.5)  # a second introduction, if one were coming, would be here
    async with server(env):  # another server process (a restart) sees the same record
        fake.push(change, kind="my_chat_member")
        await asyncio.sleep(1.5)
    (intro,) = intros(fake)
    assert "@PortraitTestBot" in intro and "reply" in intro, "how to reach it under privacy mode"
    assert "/styles" in intro


async def test_removed_then_added_again_it_introduces_itself_again_in_the_adders_language(
    fake: FakeBotApi, redis_url: str,  # noqa: F811
) -> None:
    import redis

    ana = fake.user(1002, language_code="es", name="Ana")
    change, _ = fake.bot_added(ana, GROUP)
    removed = {**change, "old_chat_member": change["new_chat_member"],
               "new_chat_member": {**change["new_chat_member"], "status": "left"}}
    client = redis.Redis.from_url(redis_url)
    async with TelegramRunner(settings_for(fake), RecordingConversation(), poll_timeout=1, redis=client):
        fake.push(change, kind="my_chat_member")
        await fake.until(lambda: fake.texts_to(GROUP["id"]))
        fake.push(removed, kind="my_chat_member")
        fake.push(change, kind="my_chat_member")
        await fake.until(lambda: len(fake.texts_to(GROUP["id"])) == 2)
    assert all("menciona" in t for t in fake.texts_to(GROUP["id"])), "Spanish, for Ana who added it"


async def test_someone_elses_button_in_a_group_says_whose_it_is_and_does_nothing(
    fake: FakeBotApi, redis_url: str,  # noqa: F811
) -> None:
    conversation = RecordingConversation()
    ann, bob = fake.user(1001, name="Ann"), fake.user(1003, name="Bob")
    async with TelegramRunner(settings_for(fake), conversation, poll_timeout=1):
        fake.push(fake.message(ann, chat=GROUP, text="@PortraitTestBot dating photo"))
        await fake.until(lambda: fake.sent_to(GROUP["id"]))
        question = fake.sent_to(GROUP["id"])[0]
        data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        fake.push(fake.callback(bob, data, question))
        await fake.until(lambda: fake.calls_of("answerCallbackQuery"))
        fake.push(fake.callback(ann, data, question))
        await fake.until(lambda: "chose style:dating_cafe" in fake.texts_to(GROUP["id"]))
    to_bob, to_ann = fake.calls_of("answerCallbackQuery")
    assert "Ann" in to_bob.params["text"] and "your own photo" in to_bob.params["text"]
    assert "text" not in to_ann.params, "the asker's own press just stops the spinner"
    assert [i.callback for i in conversation.incoming if i.callback] == [data], "Bob's press did nothing"
