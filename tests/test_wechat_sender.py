"""Delivering results on WeChat: JPEG under the media limits, upload + customer-service push,
one token shared through Redis, refresh once on 40001/42001, hold results on 48001/45015."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from PIL import Image

from bot.wechat.media import MAX_SIDE_PX, MAX_UPLOAD_BYTES
from bot.wechat.sender import WeChatSender, build_photo_source, build_sender
from bot.wechat.store import HeldResults, is_passive_only
from core.chat import Button, ChatTarget, PhotoRef
from core.errors import PermanentUpstreamError, TransientUpstreamError, UserInputError
from core.sender import Deliverable
from core.settings import Secret, Settings
from tests.fakes.wechat_api import APP_ID, APP_SECRET, FakeWeChatApi, jpeg_bytes

OPENID = "oPerson_0123456789abcdefghij"
PERSON = ChatTarget("wechat", OPENID, OPENID, language="zh")


@pytest.fixture(scope="module")
def served_api() -> Iterator[tuple[FakeWeChatApi, str]]:
    api = FakeWeChatApi()
    with api.serve() as url:
        yield api, url


@pytest.fixture
def fake(served_api: tuple[FakeWeChatApi, str], redis_client: redis.Redis) -> tuple[FakeWeChatApi, str]:
    """The module's fake WeChat API, reset, with Redis (and so the shared token) flushed."""
    served_api[0].reset()
    return served_api


def settings_for(url: str, secret: str = APP_SECRET) -> Settings:
    return Settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=Secret(secret),
        wechat_token=Secret("callback-token"),
        wechat_api_url=url,
    )


def sender_for(url: str, client: redis.Redis) -> WeChatSender:
    sender = build_sender(settings_for(url), client)
    assert sender is not None
    return sender


def big_png(tmp_path: Path) -> Path:
    """A 3000x2000 noisy RGBA PNG, far over the upload limits as it stands."""
    import numpy as np

    pixels = np.random.default_rng(7).integers(0, 255, (2000, 3000, 4), dtype=np.uint8)
    path = tmp_path / "result.png"
    Image.fromarray(pixels, "RGBA").save(path)
    return path


def test_no_sender_without_wechat_settings(redis_client: redis.Redis) -> None:
    assert build_sender(Settings(), redis_client) is None
    assert build_photo_source(Settings(), redis_client) is None


async def test_result_goes_out_as_a_small_jpeg_then_the_style_caption_with_numbers(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis, tmp_path: Path
) -> None:
    api, url = fake
    sender = sender_for(url, redis_client)
    buttons = ((Button("再来一张", "regen:g1"), Button("高清", "hq:g1")),)

    await sender.send_images(PERSON, [Deliverable(big_png(tmp_path))], "动漫风格", buttons=buttons)

    (uploaded,) = api.uploads.values()
    image = Image.open(io.BytesIO(uploaded))
    assert image.format == "JPEG" and max(image.size) <= MAX_SIDE_PX
    assert len(uploaded) <= MAX_UPLOAD_BYTES
    (pushed_image,) = api.sent_of("image")
    assert pushed_image["touser"] == OPENID
    assert pushed_image["image"]["media_id"] in api.uploads
    (caption,) = api.sent_of("text")
    assert caption["text"]["content"].startswith("动漫风格")
    assert "1 再来一张" in caption["text"]["content"] and "2 高清" in caption["text"]["content"]


async def test_one_token_is_shared_by_every_process_through_redis(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis
) -> None:
    api, url = fake
    await sender_for(url, redis_client).send_text(PERSON, "一")
    await sender_for(url, redis_client).send_text(PERSON, "二")
    assert api.token_fetches == 1
    assert [m["text"]["content"] for m in api.sent] == ["一", "二"]


@pytest.mark.parametrize("errcode", [40001, 42001])
async def test_an_expired_token_is_refreshed_once_and_the_message_still_arrives(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis, errcode: int
) -> None:
    api, url = fake
    sender = sender_for(url, redis_client)
    await sender.send_text(PERSON, "first")
    if errcode == 42001:
        api.expire_tokens()
    else:
        api.fail("message/custom/send", 40001)

    await sender.send_text(PERSON, "second")

    assert api.token_fetches == 2
    assert [m["text"]["content"] for m in api.sent] == ["first", "second"]


async def test_a_token_refused_again_after_refreshing_is_retried_later_not_in_a_loop(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis
) -> None:
    api, url = fake
    api.fail("message/custom/send", 40001, times=10)
    with pytest.raises(TransientUpstreamError):
        await sender_for(url, redis_client).send_text(PERSON, "hello")
    assert api.token_fetches == 2
    assert api.calls.count("cgi-bin/message/custom/send") == 2


async def test_system_busy_is_retried_later(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis
) -> None:
    api, url = fake
    api.fail("message/custom/send", -1)
    with pytest.raises(TransientUpstreamError) as caught:
        await sender_for(url, redis_client).send_text(PERSON, "hello")
    assert caught.value.retry_after


async def test_unverified_account_48001_holds_the_result_and_stops_pushing(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis, tmp_path: Path
) -> None:
    api, url = fake
    api.fail("message/custom/send", 48001)
    sender = sender_for(url, redis_client)
    result = tmp_path / "r.jpg"
    result.write_bytes(jpeg_bytes((800, 1000)))

    await sender.send_images(PERSON, [Deliverable(result)], "油画风格")  # raises nothing

    held = HeldResults(redis_client).peek_all(OPENID)
    assert [h.kind for h in held] == ["image", "text"]
    assert held[0].media_id in api.uploads and held[1].text == "油画风格"
    assert is_passive_only(redis_client)
    pushes = api.calls.count("cgi-bin/message/custom/send")
    await sender.send_text(PERSON, "later")
    assert api.calls.count("cgi-bin/message/custom/send") == pushes, "no more doomed pushes"
    assert HeldResults(redis_client).peek_all(OPENID)[-1].text == "later"


async def test_closed_48_hour_window_45015_holds_the_rest_of_the_delivery(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis, tmp_path: Path
) -> None:
    api, url = fake
    first, second = tmp_path / "1.jpg", tmp_path / "2.jpg"
    first.write_bytes(jpeg_bytes())
    second.write_bytes(jpeg_bytes(colour=(10, 20, 30)))
    api.fail("message/custom/send", 45015, times=1)

    await sender_for(url, redis_client).send_images(
        PERSON, [Deliverable(first), Deliverable(second)], "海滩"
    )

    assert api.sent == []
    held = HeldResults(redis_client).peek_all(OPENID)
    assert [h.kind for h in held] == ["image", "image", "text"]
    assert not is_passive_only(redis_client), "45015 is about one person, not the account"


async def test_other_refusals_are_permanent_and_not_retried(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis
) -> None:
    api, url = fake
    api.fail("message/custom/send", 40003)
    with pytest.raises(PermanentUpstreamError):
        await sender_for(url, redis_client).send_text(PERSON, "hi")


async def test_photo_source_fetches_the_persons_photo_by_media_id(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis
) -> None:
    api, url = fake
    photo = jpeg_bytes((300, 400))
    media_id = api.add_media(photo)
    source = build_photo_source(settings_for(url), redis_client)
    assert source is not None
    assert await source.fetch(PhotoRef("wechat", media_id)) == photo
    with pytest.raises(UserInputError) as caught:
        await source.fetch(PhotoRef("wechat", "NO_SUCH_MEDIA"))
    assert caught.value.message_id == "wechat.media_expired"


async def test_app_secret_and_tokens_never_reach_logs_or_errors(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "SENTINEL-APP-SECRET-7f3a9c"
    api = FakeWeChatApi(app_secret=secret)
    with api.serve() as url:
        sender = build_sender(settings_for(url, secret), redis_client)
        assert sender is not None
        await sender.send_text(PERSON, "hello")
        token = redis_client.get(f"pb:wechat:token:{APP_ID}_access_token")
        assert token
        api.fail("message/custom/send", 45009)
        with pytest.raises(TransientUpstreamError) as busy:
            await sender.send_text(PERSON, "again")
    # The server is gone now: requests' connection errors quote the URL with the token.
    with pytest.raises(TransientUpstreamError) as offline:
        await sender.send_text(PERSON, "offline")
    text = caplog.text + str(busy.value) + repr(offline.value) + str(offline.value.__cause__)
    assert secret not in text
    assert token.decode().strip('"') not in text
    assert offline.value.__cause__ is None and offline.value.__suppress_context__


async def test_a_delivery_retried_after_a_busy_api_does_not_send_an_image_twice(
    fake: tuple[FakeWeChatApi, str], redis_client: redis.Redis, tmp_path: Path
) -> None:
    api, url = fake
    first, second = tmp_path / "1.jpg", tmp_path / "2.jpg"
    first.write_bytes(jpeg_bytes())
    second.write_bytes(jpeg_bytes(colour=(10, 20, 30)))
    sender = sender_for(url, redis_client)
    await sender.send_text(PERSON, "warm-up")  # the token is fetched
    api.sent.clear()
    api.fail("media/upload", -1, after=1)  # the second upload: "system busy"
    items = [Deliverable(first), Deliverable(second)]
    with pytest.raises(TransientUpstreamError):
        await sender.send_images(PERSON, items, "海滩")
    await sender.send_images(PERSON, items, "海滩")

    assert len(api.sent_of("image")) == 2, "the retry sent only the second image"
    assert len(api.uploads) == 2
