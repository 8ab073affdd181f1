"""The Telegram adapter, driven by the real python-telegram-bot polling a fake Bot API.

The conversation here is a small recording double of ``Conversation.handle`` / ``attach_ack``
(the dialogue is tested on its own); what is specified is what the adapter hands it and what
the person sees in the chat.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace

import pytest
from PIL import Image

from bot.messages import Incoming, Reply
from bot.telegram import TelegramRunner
from core.chat import Button
from core.settings import Secret, Settings
from tests.fakes.telegram_api import FakeBotApi

GROUP_ID = -1001234567890


def jpeg(width: int = 64, height: int = 64, color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


@dataclass
class RecordingConversation:
    """Answers like the real one would, in miniature; remembers every Incoming and ack."""

    incoming: list[Incoming] = field(default_factory=list)
    acks: dict[str, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.incoming.append(incoming)
        if incoming.message_key in self.seen:  # the contract: a key seen twice is ignored
            return []
        if incoming.message_key:
            self.seen.add(incoming.message_key)
        if not incoming.addressed:
            return []
        if incoming.callback:
            return [Reply(f"chose {incoming.callback}")]
        text = incoming.text or ""
        if "anime" in text:
            ack = "Anime · NanoPro · ~25 s" if incoming.target.language == "en" else "动漫 · NanoPro · 约 25 秒"
            return [Reply(ack, generation_id=f"g{len(self.acks) + 1}")]
        if "dating" in text:
            return [Reply("Which vibe?", buttons=((Button("Cafe", "style:dating_cafe"),
                                                   Button("Beach", "style:dating_beach")),))]
        if incoming.photo:
            return [Reply("Got your photo.")]
        return [Reply("Hello!")]

    def attach_ack(self, generation_id: str, message_id: str) -> None:
        self.acks[generation_id] = message_id


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


def settings_for(fake: FakeBotApi, **changes: object) -> Settings:
    base = Settings(telegram_bot_token=Secret(fake.token), telegram_api_url=fake.url)  # type: ignore[attr-defined]
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def conversation() -> RecordingConversation:
    return RecordingConversation()


@pytest.fixture
async def bot(fake: FakeBotApi, conversation: RecordingConversation) -> AsyncIterator[TelegramRunner]:
    async with TelegramRunner(settings_for(fake), conversation, poll_timeout=1) as runner:
        yield runner


async def test_private_photo_then_make_me_anime_acknowledges_in_english_and_reports_the_ack(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    ann = fake.user(1001)
    big, thumb = jpeg(800, 600, "red"), jpeg(90, 68, "blue")
    fake.push(fake.message(ann, photo=fake.photo_sizes(big, thumbnail=thumb)))
    await fake.until(lambda: "Got your photo." in fake.texts_to(1001))
    fake.push(fake.message(ann, text="make me anime"))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(1001))

    first, second = conversation.incoming
    assert first.photo == big, "the largest PhotoSize is downloaded, not the thumbnail"
    assert first.photo_ref is not None and first.photo_ref.channel == "telegram"
    assert second.text == "make me anime" and second.photo is None
    assert second.target.channel == "telegram" and second.target.user_id == "1001"
    assert second.target.language == "en" and not second.target.is_group
    assert first.message_key and first.message_key.startswith("telegram:update:")
    ack = fake.sent_to(1001)[-1]
    await fake.until(lambda: conversation.acks)
    assert conversation.acks == {"g1": str(ack["message_id"])}, "progress can edit the ack later"


async def test_an_image_sent_as_a_document_becomes_the_reference_at_full_quality(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    original = jpeg(1200, 900)
    fake.push(fake.message(fake.user(), caption="make me anime", document=fake.document(original)))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(1001))
    (seen,) = conversation.incoming
    assert seen.photo == original and seen.text == "make me anime"


async def test_a_file_that_is_not_an_image_is_explained_not_downloaded(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    pdf = fake.document(b"%PDF-1.4 ...", mime_type="application/pdf", name="cv.pdf")
    fake.push(fake.message(fake.user(), document=pdf))
    await fake.until(lambda: any("isn't an image" in t for t in fake.texts_to(1001)))
    assert conversation.incoming == [] and fake.calls_of("getFile") == []


async def test_caption_command_on_a_photo_is_photo_and_request_in_one(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    ann, photo = fake.user(), jpeg(640, 480)
    fake.push(fake.message(ann, chat=fake.group(), caption="/anime@PortraitTestBot", photo=fake.photo_sizes(photo)))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(GROUP_ID))
    (seen,) = conversation.incoming
    assert seen.photo == photo and seen.text == "/anime@PortraitTestBot"
    assert seen.target.is_group and seen.target.chat_id == str(GROUP_ID) and seen.addressed
    answer = fake.sent_to(GROUP_ID)[-1]
    assert answer["reply_to_message"]["message_id"] == int(seen.target.reply_to or 0), "groups see who is answered"


async def test_group_command_replying_to_someones_photo_uses_that_photo(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    group, ann, bob = fake.group(), fake.user(1001), fake.user(1002, name="Bob")
    anns_photo = jpeg(500, 700, "green")
    posted = fake.message(ann, chat=group, photo=fake.photo_sizes(anns_photo))  # privacy mode: not delivered
    fake.push(fake.message(bob, chat=group, text="/anime@PortraitTestBot", reply_to=posted))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(GROUP_ID))
    (seen,) = conversation.incoming
    assert seen.photo == anns_photo and seen.target.user_id == "1002"


async def test_group_mention_is_addressed_and_the_mention_is_not_part_of_the_request(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    fake.push(fake.message(fake.user(), chat=fake.group(), text="@PortraitTestBot make me anime"))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(GROUP_ID))
    assert conversation.incoming[0].text == "make me anime"
    assert conversation.incoming[0].bot_username == "PortraitTestBot"


async def test_group_small_talk_and_other_bots_commands_get_no_answer(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    group, ann = fake.group(), fake.user()
    fake.push(fake.message(ann, chat=group, text="anime is great, right?"))
    fake.push(fake.message(ann, chat=group, text="/anime@SomeOtherBot"))
    fake.push(fake.message(ann, chat=group, photo=fake.photo_sizes(jpeg())))  # privacy mode off
    fake.push(fake.message(ann, chat=group, text="@PortraitTestBot hi"))
    await fake.until(lambda: "Hello!" in fake.texts_to(GROUP_ID))
    assert fake.texts_to(GROUP_ID) == ["Hello!"]
    silent_photo = [i for i in conversation.incoming if not i.addressed]
    assert len(silent_photo) == 1 and silent_photo[0].photo is None and silent_photo[0].photo_ref
    assert fake.calls_of("getFile") == [], "unaddressed photos are remembered by reference, not fetched"


async def test_replying_to_the_bots_own_message_addresses_it(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    group, ann = fake.group(), fake.user()
    fake.push(fake.message(ann, chat=group, text="/start"))
    await fake.until(lambda: fake.sent_to(GROUP_ID))
    bots_message = fake.sent_to(GROUP_ID)[0]
    fake.push(fake.message(ann, chat=group, text="make me anime please", reply_to=bots_message))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(GROUP_ID))


async def test_replying_to_the_bots_own_result_keeps_the_persons_reference_photo(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    ann = fake.user()
    chat = {"id": ann["id"], "type": "private", "first_name": ann["first_name"]}
    result = fake.message(fake.bot_user, chat=chat, photo=fake.photo_sizes(jpeg()))
    fake.push(fake.message(ann, text="make me anime", reply_to=result))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(1001))
    assert conversation.incoming[0].photo is None and fake.calls_of("getFile") == []


async def test_groups_outside_the_allow_list_are_ignored(
    fake: FakeBotApi, conversation: RecordingConversation
) -> None:
    settings = settings_for(fake, telegram_allowed_groups=frozenset({-1009999}))
    async with TelegramRunner(settings, conversation, poll_timeout=1):
        fake.push(fake.message(fake.user(), chat=fake.group(), text="/anime"))
        fake.push(fake.message(fake.user(), chat=fake.group(-1009999, "Allowed"), text="/anime"))
        await fake.until(lambda: fake.sent_to(-1009999))
    assert fake.sent_to(GROUP_ID) == [] and len(conversation.incoming) == 1


async def test_inline_keyboard_choice_goes_to_the_conversation_and_the_spinner_stops(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    ann = fake.user()
    fake.push(fake.message(ann, text="dating photo"))
    await fake.until(lambda: fake.sent_to(1001))
    question = fake.sent_to(1001)[0]
    keyboard = question["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in keyboard[0]] == ["Cafe", "Beach"]
    fake.push(fake.callback(ann, keyboard[0][1]["callback_data"], question))
    await fake.until(lambda: "chose style:dating_beach" in fake.texts_to(1001))
    assert conversation.incoming[-1].callback == "style:dating_beach"
    assert len(fake.calls_of("answerCallbackQuery")) == 1


async def test_chinese_speaking_person_gets_chinese_and_the_menu_is_registered_in_both(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    li = fake.user(2002, language_code="zh-hans", name="Li")
    fake.push(fake.message(li, text="/anime"))
    await fake.until(lambda: fake.sent_to(2002))
    assert conversation.incoming[0].target.language == "zh"
    assert fake.texts_to(2002) == ["动漫 · NanoPro · 约 25 秒"]
    default = json.dumps({"type": "default"})
    english = {c["command"]: c["description"] for c in fake.commands[(default, "")]}
    chinese = {c["command"]: c["description"] for c in fake.commands[(default, "zh")]}
    assert {"start", "anime", "headshot", "passport", "forget"} <= set(english) == set(chinese)
    assert english["anime"] == "Turn your photo into anime"
    assert chinese["anime"] == "把照片变成动漫风格"
    assert "stats" not in english, "/stats is only in admins' menus"


async def test_admins_see_stats_in_their_menu(fake: FakeBotApi, conversation: RecordingConversation) -> None:
    async with TelegramRunner(settings_for(fake, admin_ids=frozenset({"telegram:555"})), conversation, poll_timeout=1):
        pass
    admin_scope = json.dumps({"chat_id": 555, "type": "chat"}, sort_keys=True)
    assert "stats" in {c["command"] for c in fake.commands[(admin_scope, "")]}


async def test_the_token_never_appears_in_logs(
    fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(RecordingConversation):
        async def handle(self, incoming: Incoming) -> list[Reply]:
            raise RuntimeError(f"boom while calling {fake.url}/bot{fake.token}/sendMessage")  # type: ignore[attr-defined]

    caplog.set_level(logging.DEBUG)
    async with TelegramRunner(settings_for(fake), Broken(), poll_timeout=1):
        fake.push(fake.message(fake.user(), photo=fake.photo_sizes(jpeg())))
        await fake.until(lambda: fake.sent_to(1001))
    assert "Something went wrong" in fake.texts_to(1001)[0]
    assert "RuntimeError" in caplog.text, "the failure itself is logged"
    assert fake.token not in caplog.text
    assert fake.token.split(":")[1] not in caplog.text


UNUSABLE = {
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "uv1", "duration": 3, "mime_type": "audio/ogg"}},
    "sticker": {"sticker": {"file_id": "s1", "file_unique_id": "us1", "type": "regular", "width": 512,
                            "height": 512, "is_animated": False, "is_video": False}},
    "location": {"location": {"latitude": 48.8584, "longitude": 2.2945}},
    "video_note": {"video_note": {"file_id": "n1", "file_unique_id": "un1", "length": 240, "duration": 5}},
    "contact": {"contact": {"phone_number": "+15550100", "first_name": "Bob"}},
}


@pytest.mark.parametrize("kind", list(UNUSABLE))
async def test_a_voice_note_sticker_location_video_note_or_contact_gets_a_hint_in_the_persons_language(
    kind: str, fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    ana = fake.user(1002, language_code="es", name="Ana")
    fake.push(fake.message(ana, **UNUSABLE[kind]))
    (hint,) = await fake.until(lambda: fake.texts_to(1002))
    assert "foto" in hint, hint  # Spanish, and it says what to send instead
    assert conversation.incoming == [], "nothing reaches the conversation"
    assert fake.calls_of("getFile") == [], "nothing is downloaded"


async def test_a_sticker_in_a_group_that_is_not_for_the_bot_gets_no_answer(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    group = fake.group()
    fake.push(fake.message(fake.user(), chat=group, **UNUSABLE["sticker"]))
    fake.push(fake.message(fake.user(), chat=group, text="/help"))
    await fake.until(lambda: fake.texts_to(group["id"]))
    assert all("sticker" not in t.lower() for t in fake.texts_to(group["id"]))


async def test_a_429_on_the_acknowledgement_delays_it_and_tells_the_person_nothing_wrong(
    fake: FakeBotApi, conversation: RecordingConversation, bot: TelegramRunner
) -> None:
    import time as clock

    ann = fake.user()
    fake.push(fake.message(ann, photo=fake.photo_sizes(jpeg(640, 480))))
    await fake.until(lambda: "Got your photo." in fake.texts_to(1001))
    fake.fail("sendMessage", 429, retry_after=1)  # flood control on the acknowledgement
    asked = clock.monotonic()
    fake.push(fake.message(ann, text="make me anime"))
    await fake.until(lambda: "Anime · NanoPro · ~25 s" in fake.texts_to(1001), timeout=10)
    assert clock.monotonic() - asked >= 0.9, "it waited out retry_after"
    assert not any("wrong" in t.lower() or "try again" in t.lower() for t in fake.texts_to(1001))
    assert len(conversation.incoming) == 2, "the request was handled once"
