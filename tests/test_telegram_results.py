"""The buttons under a Telegram result, end to end: a reaction marks the request done; a single
portrait offers Again, Another style, Vertical / Square; a series offers "More like #n" for each picture, and pressing one
makes that picture's request again. The real server and worker, against the fake Bot API."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.fakes.telegram_api import FakeBotApi
from tests.test_telegram_end_to_end import ANN, FACE, env, fake, run_worker, server  # noqa: F401


def keyboard_of(message: dict[str, Any]) -> dict[str, str]:
    """Button label -> callback data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def size_of(api: FakeBotApi, photo: dict[str, Any]) -> tuple[int, int]:
    largest = photo["photo"][-1]
    with Image.open(io.BytesIO(api.files[largest["file_id"]][1])) as image:
        return image.size


async def ask(api: FakeBotApi, environment: dict[str, str], tmp: Path, text: str) -> dict[str, Any]:
    ann = api.user(ANN)
    request = api.message(ann, caption=text, photo=api.photo_sizes(FACE))
    async with server(environment):
        api.push(request)
        await api.until(lambda: api.sent_to(ANN), timeout=20)
    await asyncio.to_thread(run_worker, environment, tmp)
    return request


async def press(api: FakeBotApi, environment: dict[str, str], tmp: Path, message: dict[str, Any], data: str) -> None:
    before = len(api.sent_to(ANN))
    async with server(environment):
        api.push(api.callback(api.user(ANN), data, message))
        await api.until(lambda: len(api.sent_to(ANN)) > before, timeout=20)
    await asyncio.to_thread(run_worker, environment, tmp)


def photos(api: FakeBotApi) -> list[dict[str, Any]]:
    return [m for m in api.sent_to(ANN) if "photo" in m]


@pytest.mark.slow
async def test_a_single_portrait_offers_again_another_style_and_a_vertical_version_that_comes_tall(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    request = await ask(fake, env, tmp_path, "make me anime")
    (portrait,) = photos(fake)
    assert fake.reactions == {(ANN, request["message_id"]): ["🎉"]}, "the request is marked done"
    buttons = keyboard_of(portrait)
    assert {"🔁 Again", "🎨 Another style", "↕ Vertical"} <= set(buttons), buttons
    width, height = size_of(fake, portrait)
    assert ("◻ Square" in buttons) == (width != height), "no square version of a square picture"
    await press(fake, env, tmp_path, portrait, buttons["↕ Vertical"])
    tall = photos(fake)[-1]
    assert tall is not portrait and len(photos(fake)) == 2
    width, height = size_of(fake, tall)
    assert height > 1.5 * width, (width, height)


@pytest.mark.slow
async def test_a_series_offers_more_like_each_picture_and_one_press_makes_one_more_of_it(
    fake: FakeBotApi, env: dict[str, str], tmp_path: Path  # noqa: F811
) -> None:
    await ask(fake, env, tmp_path, "/series")
    album = photos(fake)
    assert len(album) >= 2 and len({m.get("media_group_id") for m in album}) == 1
    (options,) = [m for m in fake.sent_to(ANN) if keyboard_of(m) and "photo" not in m]
    buttons = keyboard_of(options)
    like = [label for label in buttons if label.startswith("✨ More like #")]
    assert like == [f"✨ More like #{n}" for n in range(1, len(album) + 1)], buttons
    await press(fake, env, tmp_path, options, buttons["✨ More like #2"])
    assert len(photos(fake)) == len(album) + 1, "one more picture, like the second"
