"""The style gallery shows each style's look: a sample made once by the offline engine from
a bundled neutral face, replaced by the operator's own picture when there is one. Real server
and Chromium."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests import test_web_chat as web_chat
from tests.test_web_chat import CHROMIUM

env = web_chat.env
site = web_chat.site
browser = web_chat.browser


def picture(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image


def test_each_style_has_a_sample_made_once_and_the_operators_own_wins(site: str, data_dir: Path) -> None:
    anime = httpx.get(site + "/samples/anime.jpg")
    assert anime.status_code == 200 and anime.headers["content-type"] == "image/jpeg"
    assert picture(anime.content).size == (240, 320)
    made = data_dir / "samples" / "anime.offline.jpg"
    stamp = made.stat().st_mtime_ns
    assert httpx.get(site + "/samples/anime.jpg").content == anime.content
    assert made.stat().st_mtime_ns == stamp, "made once, then served from disk"
    assert httpx.get(site + "/samples/watercolor.jpg").content != anime.content, "each style looks its own"
    assert httpx.get(site + "/samples/no_such_style.jpg").status_code == 404
    assert httpx.get(site + "/samples/..%2Fsessions.jpg").status_code == 404

    own = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 30, 30)).save(own, "JPEG")
    (data_dir / "samples" / "anime.jpg").write_bytes(own.getvalue())
    assert httpx.get(site + "/samples/anime.jpg").content == own.getvalue(), "a real model's sample wins"


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)")
def test_the_gallery_shows_pictures_and_search_still_finds_by_name(site: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    page.goto(site)
    page.wait_for_selector("text=先发一张自拍")
    page.click("#styles-button")
    page.wait_for_selector("button.tile img.sample")
    page.wait_for_function(
        "() => { const i = document.querySelector('button.tile img.sample'); return i.complete && i.naturalWidth === 240; }",
        timeout=20_000)
    page.fill("#gallery-search", "水彩")
    shown = page.locator("button.tile:visible")
    assert shown.count() == 1 and shown.first.get_attribute("data-style") == "watercolor"
    tile = shown.first.locator("img.sample")
    assert tile.get_attribute("alt") == ""  # the tile's words name the style
    page.wait_for_function(
        "() => [...document.querySelectorAll('button.tile')].find((t) => !t.hidden).querySelector('img').naturalWidth > 0",
        timeout=20_000)
    page.screenshot(path=str(tmp_path / "gallery-zh.png"))
