"""The language a message is written in, when its script or words say so outright."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_SCRIPTS = (("ja", re.compile(r"[\u3040-\u30ff]")), ("ko", re.compile(r"[\uac00-\ud7af]")),
            ("ru", re.compile(r"[\u0400-\u04ff]")))
"""Scripts that name their language outright (kana before Chinese characters: Japanese uses both)."""
LATIN_SCRIPT_LANGUAGES = frozenset({"es", "pt", "fr", "de", "it", "vi", "id"})
"""Client languages that Latin words alone cannot tell from English: those stay as they are."""
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def written_language(text: str | None) -> str | None:
    """"zh" for Chinese text, "en" for two or more Latin words; None for commands, numbers, "ok"
    or a lone style word like "anime" that a Chinese speaker may type too."""
    if not text or text.lstrip().startswith("/"):
        return None
    for language, script in _SCRIPTS:
        if script.search(text):
            return language
    if _CJK.search(text):
        return "zh"
    return "en" if len(_LATIN_WORD.findall(text)) >= 2 else None
