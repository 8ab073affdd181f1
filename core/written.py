"""The language a message's script names outright (pure: no detector here; the detector for
Latin-script text is ``engine.written``)."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_SCRIPTS = (("ja", re.compile(r"[\u3040-\u30ff]")), ("ko", re.compile(r"[\uac00-\ud7af]")),
            ("ru", re.compile(r"[\u0400-\u04ff]")))
"""Scripts that name their language outright (kana before Chinese characters: Japanese uses both)."""
LATIN_SCRIPT_LANGUAGES = frozenset({"es", "pt", "fr", "de", "it", "vi", "id"})
"""Client languages that Latin words alone cannot tell from English: those stay as they are."""


def script_language(text: str) -> str | None:
    """"ja", "ko", "ru" or "zh" when the text is written (even partly) in that script."""
    for language, script in _SCRIPTS:
        if script.search(text):
            return language
    if _CJK.search(text):
        return "zh"
    return None
