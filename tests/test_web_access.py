"""The web chat for people on a keyboard or a screen reader, in real headless Chromium.

axe-core (the copy bundled by the axe-playwright-python package) finds no serious or critical
violation on the empty chat, after a result and with the style gallery open, in English and
Chinese, on a desktop and on a 390x844 phone; and the whole flow (upload, request, choose a
style, download, /forget) is done with the keyboard alone. Screenshots of each state go to
``artifacts/web-chat/`` (or ``$PB_SCREENSHOTS``) for review.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests import test_web_chat as web_chat
from tests.test_web_chat import CHROMIUM, FACE, ROOT

# The real server, worker process and Chromium, started as the web chat's own tests start them.
env = web_chat.env
site = web_chat.site
browser = web_chat.browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)"
    ),
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u3400-\u9fff]")
SHOTS = Path(os.environ.get("PB_SCREENSHOTS") or ROOT / "artifacts" / "web-chat")


def axe_script() -> Path:
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


def serious_violations(page: Any) -> list[str]:
    """What axe-core calls serious or critical on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's own CSP (script-src 'self') stays on.
        page.evaluate(axe_script().read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v.get("impact") in ("serious", "critical")
    ]


def check_both_viewports(page: Any, state: str, language: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        page.screenshot(path=str(SHOTS / f"{state}-{language}-{name}.png"))
        problems = serious_violations(page)
        assert not problems, f"{state}, {language}, {name}: {problems}"


@pytest.mark.parametrize("locale,language", [("en-US", "en"), ("zh-CN", "zh")])
def test_no_serious_accessibility_violation_in_the_main_states(site: str, browser, locale: str, language: str) -> None:
    context = browser.new_context(locale=locale, viewport=DESKTOP)
    page = context.new_page()
    page.goto(site)
    page.wait_for_selector(".msg.bot")
    check_both_viewports(page, "empty", language)

    page.set_input_files("#photo", str(FACE))
    page.wait_for_function("() => document.querySelectorAll('.msg.bot').length >= 2")
    page.fill("#text", "make me anime" if language == "en" else "把我变成动漫风格")
    page.press("#text", "Enter")
    page.wait_for_selector("img.result", timeout=60_000)
    page.wait_for_function("() => [...document.querySelectorAll('img.result')].every((i) => i.naturalWidth > 0)",
                           timeout=20_000)
    check_both_viewports(page, "result", language)

    page.click("button.enlarge")
    page.wait_for_selector("#viewer:not([hidden])")
    check_both_viewports(page, "enlarged", language)
    page.keyboard.press("Escape")
    page.wait_for_selector("#viewer", state="hidden")

    page.click("#styles-button")
    page.wait_for_selector("#gallery:not([hidden]) button.tile")
    # The first styles' sample pictures are in before the screenshots (made once, on first ask).
    page.wait_for_function(
        "() => [...document.querySelectorAll('#gallery img.sample')].slice(0, 4).every((i) => i.complete && i.naturalWidth > 0)",
        timeout=30_000)
    check_both_viewports(page, "gallery", language)
    context.close()


def test_the_language_button_is_named_for_what_it_does_in_each_language(site: str, browser) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(site)
    page.wait_for_selector(".msg.bot")
    button = page.get_by_role("button", name="Switch the language to 中文")
    button.click()
    page.get_by_role("button", name="切换语言为 English").wait_for()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus (as a person would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_whole_flow_with_the_keyboard_alone(site: str, browser) -> None:
    page = browser.new_page(locale="en-US", accept_downloads=True)
    # Listen for the file chooser from the start: a subscription made at the key press can lose
    # the race with it.
    choosers: list[Any] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto(site)
    page.wait_for_selector("text=Send me a selfie")

    tab_to(page, "#upload-button")
    assert page.evaluate("document.activeElement.textContent.trim()").endswith("Upload a photo")
    page.keyboard.press("Enter")
    page.wait_for_timeout(100)
    for _ in range(100):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, "Enter on the upload button opened no file chooser"
    choosers[0].set_files(str(FACE))
    page.wait_for_selector("text=Got your photo")

    page.keyboard.type("make me anime")  # the focus went back to the text field
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.bot >> text=/On it: Anime/")
    page.wait_for_selector("img.result", timeout=60_000)

    # Choose a style in the gallery: it takes the focus, Escape closes it and gives it back.
    tab_to(page, "#styles-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#gallery:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "gallery-search"
    page.keyboard.press("Escape")
    page.wait_for_selector("#gallery", state="hidden")
    assert page.evaluate("document.activeElement.id") == "styles-button"
    page.keyboard.press("Space")
    page.wait_for_selector("#gallery:not([hidden])")
    page.keyboard.type("watercolor")
    tab_to(page, "button.tile[data-style='watercolor']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.bot >> text=/On it: Watercolor/")
    page.wait_for_function("() => document.querySelectorAll('img.result').length >= 2", timeout=60_000)

    tab_to(page, "a.dl", limit=80)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith((".png", ".jpg", ".jpeg", ".webp"))

    page.focus("#text")
    page.keyboard.type("/forget")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=I deleted your photos")


def last_bot_text(page: Any) -> str:
    return page.locator(".msg.bot").last.inner_text()


def test_the_language_switch_decides_the_reply_language(site: str, browser) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(site)
    page.wait_for_selector("text=Send me a selfie")
    # Writing Chinese on an English page: the answer is Chinese, and the page follows, visibly.
    page.fill("#text", "你好，我想要一张动漫头像")
    page.press("#text", "Enter")
    page.get_by_role("button", name="切换语言为 English").wait_for()
    assert CJK.search(last_bot_text(page)), last_bot_text(page)
    # The switch back to English wins over the remembered written Chinese.
    page.click("#lang-button")
    page.wait_for_selector(".msg.bot >> text=answer in English")
    count = page.locator(".msg.bot").count()
    page.fill("#text", "hi")
    page.press("#text", "Enter")
    page.wait_for_function("(n) => document.querySelectorAll('.msg.bot').length > n", arg=count)
    reply = last_bot_text(page)
    assert not CJK.search(reply), reply
    assert page.evaluate("document.documentElement.lang") == "en"


def test_a_result_enlarges_on_tap_and_the_phone_gets_a_hint_that_fits(site: str, browser) -> None:
    page = browser.new_page(locale="en-US", viewport=PHONE)
    page.goto(site)
    page.wait_for_selector("text=Send me a selfie")
    assert page.get_attribute("#text", "placeholder") == "What would you like?"
    assert page.evaluate("(() => { const e = document.getElementById('text'); return e.scrollWidth <= e.clientWidth; })()")
    page.set_input_files("#photo", str(FACE))
    page.wait_for_selector("text=Got your photo")
    page.fill("#text", "make me anime")
    page.press("#text", "Enter")
    page.wait_for_selector("img.result", timeout=60_000)
    zoom = page.get_by_role("button", name=re.compile("^Enlarge: "))
    zoom.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#viewer:not([hidden])")
    assert page.get_attribute("#viewer-img", "src") == page.get_attribute("img.result", "src")
    assert page.evaluate("document.activeElement.id") == "viewer-close"
    page.keyboard.press("Escape")
    page.wait_for_selector("#viewer", state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('enlarge')")
