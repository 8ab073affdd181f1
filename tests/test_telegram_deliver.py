"""Delivering results to Telegram: the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from PIL import Image

from bot.telegram.sender import TelegramPhotoSource, TelegramSender, build_sender
from core.chat import Button, ChatTarget, PhotoRef
from core.errors import PermanentUpstreamError, TransientUpstreamError, UserInputError
from core.sender import Deliverable
from core.settings import Secret, Settings
from tests.fakes.telegram_api import FakeBotApi

ANN = 1001
BUTTONS = ((Button("Again", "regen:g1"), Button("Another style", "styles")),)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    with api.serve() as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def sender(fake: FakeBotApi, redis_client: redis.Redis) -> TelegramSender:
    settings = Settings(telegram_bot_token=Secret(fake.token), telegram_api_url=fake.url)  # type: ignore[attr-defined]
    built = build_sender(settings, redis_client)
    assert built is not None
    return built


def image(path: Path, width: int, height: int, *, noisy: bool = False) -> Deliverable:
    if noisy:  # random pixels do not compress: a big file
        picture = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        picture = Image.new("RGB", (width, height), "teal")
    picture.save(path, "PNG" if noisy else "JPEG")
    return Deliverable(path)


def target(language: str = "en") -> ChatTarget:
    return ChatTarget("telegram", str(ANN), str(ANN), language=language, reply_to="77")


def received(fake: FakeBotApi) -> list[dict]:  # type: ignore[type-arg]
    return fake.sent_to(ANN)


async def test_one_image_is_a_photo_with_caption_and_buttons_replying_to_the_request(
    fake: FakeBotApi, sender: TelegramSender, tmp_path: Path
) -> None:
    await sender.send_images(target(), [image(tmp_path / "a.jpg", 768, 1024)], "Anime · NanoPro", buttons=BUTTONS)
    (message,) = received(fake)
    assert message["caption"] == "Anime · NanoPro" and message["photo"][0]["width"] == 768
    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "regen:g1"
    (call,) = fake.calls_of("sendPhoto")
    assert call.params["reply_parameters"] == {"message_id": 77, "allow_sending_without_reply": True}
    assert call.files["photo"].data == (tmp_path / "a.jpg").read_bytes()


async def test_several_images_are_one_album_with_the_buttons_on_a_short_message_after(
    fake: FakeBotApi, sender: TelegramSender, tmp_path: Path
) -> None:
    items = [image(tmp_path / f"{i}.jpg", 512, 512) for i in range(4)]
    await sender.send_images(target(), items, "Series · 4", buttons=BUTTONS)
    messages = received(fake)
    assert [("photo" in m) for m in messages] == [True, True, True, True, False]
    assert len({m["media_group_id"] for m in messages[:4]}) == 1
    assert messages[0]["caption"] == "Series · 4" and "caption" not in messages[1]
    assert messages[4]["text"] == "More options for these portraits:"
    assert messages[4]["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "styles"


async def test_more_than_ten_images_are_split_into_albums(
    fake: FakeBotApi, sender: TelegramSender, tmp_path: Path
) -> None:
    items = [image(tmp_path / f"{i}.jpg", 64, 64) for i in range(12)]
    await sender.send_images(target(), items, "12 portraits")
    assert [len(c.params["media"]) for c in fake.calls_of("sendMediaGroup")] == [10, 2]
    assert sum("photo" in m for m in received(fake)) == 12


async def test_an_oversized_result_goes_as_a_compressed_photo_plus_the_full_file(
    fake: FakeBotApi, sender: TelegramSender, tmp_path: Path
) -> None:
    huge = image(tmp_path / "huge.png", 2100, 2100, noisy=True)  # ~13 MB of noise
    assert huge.path.stat().st_size > 10 * 1024 * 1024
    await sender.send_images(target(), [huge], "Oil painting · GPT")
    photo, document = received(fake)
    assert photo["caption"] == "Oil painting · GPT" and photo["photo"][0]["file_size"] < 10 * 1024 * 1024
    assert document["document"]["file_name"] == "huge.png"
    assert document["document"]["file_size"] == huge.path.stat().st_size


async def test_a_panorama_telegram_would_refuse_still_arrives(
    fake: FakeBotApi, sender: TelegramSender, tmp_path: Path
) -> None:
    await sender.send_images(target(), [image(tmp_path / "wide.jpg", 4200, 150)], "Wide")
    photo, document = received(fake)
    width, height = photo["photo"][0]["width"], photo["photo"][0]["height"]
    assert width <= 20 * height and "document" in document


async def test_id_photos_come_as_documents(fake: FakeBotApi, sender: TelegramSender, tmp_path: Path) -> None:
    photo = image(tmp_path / "passport.jpg", 413, 531)
    sheet = image(tmp_path / "sheet.jpg", 1800, 1200)
    items = [Deliverable(photo.path, as_document=True), Deliverable(sheet.path, as_document=True)]
    await sender.send_images(target(), items, "ICAO 35×45 mm", buttons=BUTTONS)
    messages = received(fake)
    assert [m["document"]["file_name"] for m in messages[:2]] == ["passport.jpg", "sheet.jpg"]
    assert messages[0]["caption"] == "ICAO 35×45 mm"
    assert "reply_markup" in messages[2]


async def test_flood_control_raises_transient_with_retry_after_and_the_retry_sends_once(
    fake: FakeBotApi, sender: TelegramSender, tmp_path: Path
) -> None:
    items = [image(tmp_path / f"{i}.jpg", 64, 64) for i in range(3)]
    fake.fail("sendMessage", 429, retry_after=7)  # the album goes out, the buttons message hits 429
    with pytest.raises(TransientUpstreamError) as caught:
        await sender.send_images(target(), items, "Three", buttons=BUTTONS)
    assert caught.value.retry_after == 7
    assert len(received(fake)) == 3
    await sender.send_images(target(), items, "Three", buttons=BUTTONS)  # the rescheduled delivery
    messages = received(fake)
    assert sum("photo" in m for m in messages) == 3, "every photo exactly once"
    assert [m.get("text") for m in messages].count("More options for these portraits:") == 1


async def test_a_blocked_bot_stops_delivery_permanently(fake: FakeBotApi, sender: TelegramSender, tmp_path: Path) -> None:
    fake.block(ANN)
    with pytest.raises(PermanentUpstreamError) as caught:
        await sender.send_images(target(), [image(tmp_path / "a.jpg", 64, 64)], "x")
    assert caught.value.message_id == "delivery.blocked"


async def test_a_deleted_chat_stops_delivery_permanently(fake: FakeBotApi, sender: TelegramSender) -> None:
    fake.fail("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(PermanentUpstreamError) as caught:
        await sender.send_text(target(), "hello")
    assert caught.value.message_id == "delivery.blocked"


async def test_network_trouble_is_transient(sender: TelegramSender) -> None:
    broken = TelegramSender(
        Settings(telegram_bot_token=Secret("1:x"), telegram_api_url="http://127.0.0.1:9"), sender.catalogues
    )
    with pytest.raises(TransientUpstreamError):
        await broken.send_text(target(), "hello")


async def test_progress_edits_the_ack_and_keeps_upload_photo_alive(fake: FakeBotApi, sender: TelegramSender) -> None:
    ack = await sender.send_text(target(), "Anime · NanoPro · ~25 s")
    await sender.show_progress(target(), ack, "Anime · NanoPro · generating…")
    await sender.show_progress(target(), ack, "Anime · NanoPro · generating…")  # not modified: fine
    fake.fail("sendChatAction", 429, retry_after=3)
    await sender.show_progress(target(), ack, "Anime · NanoPro · sending…")  # cosmetic: no raise
    assert fake.texts_to(ANN) == ["Anime · NanoPro · sending…"]
    actions = [c.params["action"] for c in fake.calls_of("sendChatAction")]
    assert actions[:2] == ["upload_photo", "upload_photo"]


async def test_photo_source_fetches_a_file_id_and_explains_a_lost_one(fake: FakeBotApi, sender: TelegramSender) -> None:
    source = TelegramPhotoSource(sender.settings)
    data = b"\xff\xd8 not really a jpeg"
    assert await source.fetch(PhotoRef("telegram", fake.add_file(data))) == data
    with pytest.raises(UserInputError) as caught:
        await source.fetch(PhotoRef("telegram", "no-such-file"))
    assert caught.value.message_id == "telegram.photo_unavailable"


def test_no_token_means_no_telegram_sender() -> None:
    assert build_sender(Settings(), None) is None

