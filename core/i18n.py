"""Message lookup: message ids in, text in the person's language out.

``core`` and the handlers speak in message ids (``"error.not_an_image"``); only the edge
turns them into words. Catalogues are plain dicts loaded by ``locales.load()``; this module
does no I/O. Placeholders use ``str.format`` names: ``"Resets in {hours} h"``.

A language is a catalogue code: ``locales/<code>/``. ``zh`` is Simplified Chinese;
``zh_Hant`` is Traditional Chinese, for people whose client says zh-TW / zh-HK / zh-Hant
and for Cantonese writers. Adding a language: docs/languages.md.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "zh": "简体中文",
    "zh_Hant": "繁體中文",
    "es": "Español",
    "pt": "Português",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "ru": "Русский",
    "ja": "日本語",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia",
}
"""Every catalogue, in /lang menu order, with its name as its speakers write it."""
SUPPORTED_LANGUAGES = tuple(LANGUAGE_NAMES)
BABEL_LOCALES: Mapping[str, str] = {
    "en": "en", "zh": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW", "es": "es", "pt": "pt_BR",
    "fr": "fr", "de": "de", "it": "it", "ru": "ru", "ja": "ja", "ko": "ko", "vi": "vi", "id": "id",
}
"""The Babel locale that formats numbers and dates for each catalogue."""
FALLBACK: Mapping[str, str] = {"zh_Hant": "zh"}
"""Where a message missing from a catalogue is looked up before English."""
_ALIASES: Mapping[str, str] = {
    "zh-hant": "zh_Hant", "zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant",
    "zh-hant-tw": "zh_Hant", "zh-hant-hk": "zh_Hant", "yue": "zh_Hant", "zh-yue": "zh_Hant",
    "in": "id",  # Java's and old Android's code for Indonesian
}
"""Client codes whose first part alone would pick the wrong catalogue (or none)."""


def normalize_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a client language code to a catalogue: "pt-br" -> "pt", "zh-TW" -> "zh_Hant",
    "zh_CN" -> "zh", "en-GB" -> "en"; anything unknown -> ``default``."""
    if not code:
        return default
    if code in LANGUAGE_NAMES:
        return code
    lowered = code.strip().replace("_", "-").lower()
    parts = lowered.split("-")
    for prefix in (lowered, "-".join(parts[:2]), parts[0]):
        if prefix in _ALIASES:
            return _ALIASES[prefix]
    return parts[0] if parts[0] in LANGUAGE_NAMES else default


def babel_locale(language: str | None) -> str:
    """The Babel locale name for a language code (``"pt-BR"`` -> ``"pt_BR"``)."""
    return BABEL_LOCALES[normalize_language(language)]


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in a message."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class Catalogues:
    """All messages, by language then message id."""

    messages: Mapping[str, Mapping[str, str]]

    def has(self, message_id: str, language: str = DEFAULT_LANGUAGE) -> bool:
        return message_id in self.messages.get(language, {})

    def template(self, language: str | None, message_id: str) -> str | None:
        """The raw message: the language's own, else its fallback's, else English's."""
        lang = normalize_language(language)
        for candidate in (lang, FALLBACK.get(lang), DEFAULT_LANGUAGE):
            found = self.messages.get(candidate or "", {}).get(message_id)
            if found:
                return found
        return None

    def text(self, language: str | None, message_id: str, /, **params: Any) -> str:
        """The message in ``language`` (falling back to English), placeholders filled."""
        template = self.template(language, message_id)
        if template is None:
            # A missing id is a bug the catalogue test catches; never crash a reply on it.
            return message_id
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template

    def error_text(self, language: str | None, error: Any) -> str:
        """The text for a ``PortraitBotError`` (anything with message_id and params)."""
        return self.text(language, error.message_id, **error.params)
