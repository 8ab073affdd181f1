"""The web chat in real headless Chromium: upload a selfie, ask for anime, see the portrait
appear inline; a bad file gets its message; one browser never sees another's results."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from core.settings import Settings
from tests.fakes import serve
from tests.fakes.worker_process import FAST_TIMING, WorkerProcess

ROOT = Path(__file__).resolve().parent.parent
FACE = ROOT / "tests" / "images" / "face.jpg"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)"
    ),
]


@pytest.fixture
def env(redis_url: str, data_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FAL_", "TELEGRAM_", "WECHAT_", "BYTEPLUS_", "HEADSHOT_"))}
    return {**base, "REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def site(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The real server app on loopback and a real worker process (offline engine)."""
    from portraitbot.app import build_server

    settings = Settings.from_env(env)
    app = build_server(settings, redis.Redis.from_url(env["REDIS_URL"]))
    worker = WorkerProcess(env, timing=FAST_TIMING, log_path=tmp_path / "worker.log")
    try:
        with serve(app) as url:
            yield url
    finally:
        worker.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def with_selfie(browser, site: str) -> Any:
    """A new English page that has greeted the person and taken their selfie."""
    page = browser.new_page(locale="en-US")
    page.goto(site)
    page.wait_for_selector("text=Send me a selfie")
    page.set_input_files("#photo", str(FACE))
    page.wait_for_selector("text=Got your photo")
    return page


def test_upload_a_selfie_ask_for_anime_and_see_the_portrait_inline(site: str, browser, tmp_path: Path) -> None:
    page = with_selfie(browser, site)
    page.fill("#text", "make me anime")
    page.click("#send")
    ack = page.wait_for_selector(".msg.bot >> text=/On it: Anime/")
    assert "Offline preview" in ack.inner_text()
    image = page.wait_for_selector("img.result", timeout=60_000)
    page.wait_for_function("document.querySelector('img.result').naturalWidth > 0", timeout=20_000)
    assert ack is not None
    page.screenshot(path=str(tmp_path / "web-chat.png"))
    download = page.get_attribute("a.dl", "href")
    assert download and download.startswith("/media/")
    own = page.request.get(site + download)
    assert own.status == 200 and own.headers["content-type"].startswith("image/")
    # A second browser (no cookie of the first) cannot fetch the first one's result.
    stranger = httpx.get(site + download)
    assert stranger.status_code == 404
    assert image is not None


def test_a_file_that_is_not_an_image_gets_a_clear_message_in_chinese(site: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    page.goto(site)
    page.wait_for_selector("text=先发一张自拍")
    fake = tmp_path / "holiday.jpg"
    fake.write_text("this is a text file pretending to be a photo")
    page.set_input_files("#photo", str(fake))
    reply = page.wait_for_selector(".msg.bot.error, .msg.bot:has-text('图片'), .msg.bot:has-text('照片'):not(:first-child)")
    texts = page.locator(".msg.bot").all_inner_texts()
    assert len(texts) >= 2, texts
    last = texts[-1]
    assert "照片" in last or "图片" in last, last
    assert reply is not None


def test_the_style_gallery_starts_a_generation_with_the_stored_photo(site: str, browser) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(site)
    page.set_input_files("#photo", str(FACE))
    page.wait_for_selector("text=Got your photo")
    page.click("#styles-button")
    page.click("button.tile[data-style='watercolor']")
    page.wait_for_selector(".msg.bot >> text=/On it: Watercolor/")
    page.wait_for_selector("img.result", timeout=60_000)


def test_a_colour_the_country_refuses_is_not_in_the_caption_and_the_rule_is(site: str, browser) -> None:
    page = with_selfie(browser, site)
    page.fill("#text", "canadian passport photo with blue background")
    page.click("#send")
    ack = page.wait_for_selector(".msg.bot >> text=/On it: ID photo/")
    assert "requires a white background" in ack.inner_text()
    page.wait_for_selector("img.result", timeout=60_000)
    caption = page.locator(".msg.bot:has(img.result)").last.inner_text()
    assert "Canada passport photo requires a white background" in caption, caption
    assert "blue background" not in caption.lower(), caption


def test_a_series_names_each_picture_by_its_style_and_downloads_say_so(site: str, browser) -> None:
    page = with_selfie(browser, site)
    page.fill("#text", "make me anime and watercolor")
    page.click("#send")
    page.wait_for_selector(".msg.bot >> text=/On it/")
    page.wait_for_function("() => document.querySelectorAll('img.result').length >= 2", timeout=90_000)
    labels = page.locator(".results figcaption.label").all_inner_texts()
    assert labels == ["Anime", "Watercolor"], labels
    alts = [page.locator("img.result").nth(n).get_attribute("alt") for n in range(2)]
    assert alts == ["Anime 1", "Watercolor 2"], alts
    downloads = [page.locator("a.dl").nth(n).get_attribute("download") for n in range(2)]
    assert [d.rsplit(".", 1)[0] for d in downloads if d] == ["portrait-anime-1", "portrait-watercolor-2"], downloads
    assert page.request.get(page.url.rstrip("/") + "/favicon.ico").status == 200


def test_three_photos_picked_at_once_get_one_answer(site: str, browser, tmp_path: Path) -> None:
    from PIL import Image

    paths = []
    for n, scale in enumerate((1.0, 0.9, 0.8)):
        with Image.open(FACE) as image:
            path = tmp_path / f"me{n}.jpg"
            image.convert("RGB").resize((int(image.width * scale), int(image.height * scale))).save(path, quality=90)
        paths.append(str(path))
    page = browser.new_page(locale="en-US")
    page.goto(site)
    page.wait_for_selector("text=Send me a selfie")
    page.set_input_files("#photo", paths)
    page.wait_for_selector("text=/Got 3 photos — I'll use all 3 faces/")
    assert page.locator(".msg.me img.thumb").count() == 3
    page.fill("#text", "make me anime")
    page.click("#send")
    page.wait_for_selector(".msg.bot >> text=/On it: Anime/")
    answers = page.locator(".msg.bot").all_inner_texts()
    assert len([a for a in answers if a.startswith("Got ")]) == 1, answers
