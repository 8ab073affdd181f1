"""Refining one web result in real Chromium: under each picture, "More like this", "Vertical
version" and "Another style" make that picture's request again from the picture itself (a tall
frame, another style), and the person's selfie stays their photo. A stranger's browser cannot
use another person's picture. Real server, worker process (offline engine) and Redis."""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
import redis

from tests import test_web_chat as web_chat
from tests.test_web_chat import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)"
    ),
]

env = web_chat.env
site = web_chat.site
browser = web_chat.browser


def wait_for_results(page: Any, count: int) -> None:
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('img.result')].filter((i) => i.naturalWidth > 0).length >= n",
        arg=count, timeout=90_000)


def size(page: Any, index: int) -> tuple[int, int]:
    width, height = page.evaluate(
        "(n) => { const i = document.querySelectorAll('img.result')[n]; return [i.naturalWidth, i.naturalHeight]; }",
        index)
    return width, height


def _records(redis_url: str) -> list[dict[bytes, bytes]]:
    """The generation records, oldest first."""
    client = redis.Redis.from_url(redis_url)
    found = [client.hgetall(key) for key in client.scan_iter("*gen:*") if client.type(key) == b"hash"]
    return sorted((r for r in found if b"reference" in r), key=lambda r: float(r.get(b"created_at") or 0))


def references(redis_url: str) -> list[str]:
    return [r[b"reference"].decode() for r in _records(redis_url)]


def generations(redis_url: str) -> list[str]:
    return [r[b"id"].decode() for r in _records(redis_url)]


def test_a_result_is_refined_from_itself_by_keyboard_and_the_selfie_stays(
    site: str, browser, env: dict[str, str]
) -> None:
    page = web_chat.with_selfie(browser, site)
    page.fill("#text", "make me anime")
    page.press("#text", "Enter")
    wait_for_results(page, 1)
    group = page.locator(".refine").nth(0)
    assert group.get_attribute("role") == "group"

    # Vertical version, pressed with the keyboard.
    group.locator("button", has_text="Vertical version").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.me >> text=Vertical version")
    wait_for_results(page, 2)
    width, height = size(page, 1)
    assert height > width * 1.5, (width, height)  # 9:16, not the square it came from
    square = size(page, 0)
    assert abs(square[0] - square[1]) < 2, square

    # More like this: the same style again, made from the picture.
    group.locator("button", has_text="More like this").click()
    page.wait_for_selector(".msg.bot >> text=/On it: Anime/ >> nth=2")
    wait_for_results(page, 3)

    # Another style on that picture: the gallery says so, and the style is made from the picture.
    group.locator("button", has_text="This in another style").click()
    page.wait_for_selector("#gallery-title >> text=Another style for this picture")
    page.fill("#gallery-search", "watercolor")
    page.keyboard.press("Tab")  # the Close button
    page.keyboard.press("Tab")  # the one tile left
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.bot >> text=/On it: Watercolor/")
    wait_for_results(page, 4)

    made = references(env["REDIS_URL"])
    assert len(made) == 4, made
    selfie = made[0]
    assert "/photos/" in selfie or "photo" in selfie, selfie
    assert all(path and path != selfie for path in made[1:]), made  # each refine used the result
    # The selfie is still the photo for a new request.
    page.fill("#text", "make me an oil painting")
    page.press("#text", "Enter")
    page.wait_for_selector(".msg.bot >> text=/On it: Oil painting/")
    assert references(env["REDIS_URL"])[-1] == selfie

    # Another browser cannot refine this person's picture.
    with httpx.Client(base_url=site, timeout=10) as stranger:
        stranger.get("/")
        reply = stranger.post("/api/message", data={"callback": f"more:{generations(env['REDIS_URL'])[0]}.1",
                                                    "lang": "en"}).json()
        assert "expired" in reply["replies"][0]["text"], reply
