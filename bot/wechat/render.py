"""Replies as WeChat text: buttons become a numbered list the person answers with a digit."""

from __future__ import annotations

import re
import unicodedata

from core.chat import Buttons

MAX_TEXT_CHARS = 600
"""WeChat text messages take about 2048 bytes; 600 CJK characters (3 bytes each) stay inside."""
CHOICE_SEPARATOR = " · "
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
"""A Latin word of three letters or more: "ok", "hi" or "ID" alone do not switch to English."""
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。!！]?\s*$")


def detect_language(text: str | None) -> str | None:
    """"zh" for text with Chinese characters, "en" for Latin words only, None when unclear."""
    if not text:
        return None
    if _CJK.search(text):
        return "zh"
    if _LATIN_WORD.search(text):
        return "en"
    return None


def choice_number(text: str | None) -> int | None:
    """The number a person typed to pick from a list ("2", "２", " 2. "), else None."""
    if not text:
        return None
    match = _NUMBER.match(unicodedata.normalize("NFKC", text))
    return int(match.group(1)) if match else None


def flatten(buttons: Buttons) -> list[tuple[str, str]]:
    """All buttons in reading order as (label, callback data)."""
    return [(button.label, button.data) for row in buttons for button in row]


def with_choices(text: str, prompt: str, buttons: Buttons) -> str:
    """``text`` followed by the numbered list: "回复 1 咖啡馆 · 2 海滩"."""
    items = flatten(buttons)
    if not items:
        return text
    listed = CHOICE_SEPARATOR.join(f"{n} {label}" for n, (label, _) in enumerate(items, 1))
    return f"{text}\n\n{prompt} {listed}"


def clip(text: str) -> str:
    """Keep a text inside WeChat's message size."""
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"
