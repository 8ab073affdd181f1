"""A reload of the web chat shows the same conversation, whole and in order: the person's own
messages and photos, the replies, and each acknowledgement saying how it ended (delivered,
cancelled), with no loose progress bubbles. Real server, worker process and Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from core.settings import Settings
from tests import test_web_chat as web_chat
from tests.fakes import serve
from tests.test_web_chat import CHROMIUM, FACE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)"
    ),
]

env = web_chat.env
site = web_chat.site
browser = web_chat.browser


@pytest.fixture
def site_without_worker(env: dict[str, str]) -> Iterator[str]:
    """The server alone: what is asked for waits in the queue until it is cancelled."""
    from portraitbot.app import build_server

    settings = Settings.from_env(env)
    with serve(build_server(settings, redis.Redis.from_url(env["REDIS_URL"]))) as url:
        yield url


def conversation(page: Any) -> list[tuple[str, str, int]]:
    """Each bubble as (who, text, pictures in it), top to bottom."""
    return page.evaluate("""() => [...document.querySelectorAll('#chat .msg')].map((m) => [
        m.classList.contains('me') ? 'me' : 'bot', m.innerText.trim(), m.querySelectorAll('img').length])""")


def wait_for_bubbles(page: Any, count: int) -> None:
    page.wait_for_function("(n) => document.querySelectorAll('#chat .msg').length >= n", arg=count)


def test_a_reload_shows_the_same_conversation_in_order(site: str, browser) -> None:
    page = web_chat.with_selfie(browser, site)
    page.fill("#text", "make me anime")
    page.press("#text", "Enter")
    page.wait_for_selector("img.result", timeout=60_000)
    page.wait_for_selector(".progress >> text=Delivered", timeout=20_000)
    before = conversation(page)

    page.reload()
    wait_for_bubbles(page, len(before))
    page.wait_for_selector(".progress >> text=Delivered", timeout=20_000)
    page.wait_for_timeout(1600)  # one more poll: nothing further may appear
    after = conversation(page)
    assert after == before
    whos = [who for who, _, _ in after]
    assert whos.count("me") == 2, after  # the photo and "make me anime"
    assert after[1] == ["me", "", 1]  # the photo itself, drawn again
    assert not [text for who, text, _ in after if who == "bot" and text.startswith(("Generating", "Sending your"))]


def test_an_acknowledgement_shows_the_queue_and_says_cancelled_after_a_cancel(site_without_worker: str, browser) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(site_without_worker)
    page.set_input_files("#photo", str(FACE))
    page.wait_for_selector("text=Got your photo")
    page.fill("#text", "make me anime")
    page.press("#text", "Enter")
    page.wait_for_selector(".progress >> text=/In the queue \\(0 ahead\\)/")
    page.fill("#text", "/cancel")
    page.press("#text", "Enter")
    page.wait_for_selector(".progress >> text=Cancelled")
    before = conversation(page)
    page.reload()
    wait_for_bubbles(page, len(before))
    page.wait_for_selector(".progress >> text=Cancelled")
    assert conversation(page) == before


def test_buttons_under_a_reply_are_in_view(site: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(locale="en-US", viewport={"width": 390, "height": 844})
    page.goto(site)
    for _ in range(3):  # enough bubbles that the chat scrolls
        page.fill("#text", "hello there friend")
        page.press("#text", "Enter")
    page.set_input_files("#photo", str(FACE))
    page.wait_for_selector("text=Got your photo")
    page.wait_for_timeout(300)
    last = page.locator("#chat .msg.bot").last.locator(".buttons button").last
    box = last.bounding_box()
    chat = page.locator("#chat").bounding_box()
    assert box is not None and chat is not None
    assert box["y"] + box["height"] <= chat["y"] + chat["height"] + 1, (box, chat)
