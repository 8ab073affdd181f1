"""Message lookup: message ids in, text in the person's language out.

``core`` and the handlers speak in message ids (``"error.not_an_image"``); only the edge
turns them into words. Catalogues are plain dicts loaded by ``locales.load()``; this module
does no I/O. Placeholders use ``str.format`` names: ``"Resets in {hours} h"``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "zh")


def normalize_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a client language code ("zh-hans", "zh_CN", "en-GB") to a supported one."""
    if not code:
        return default
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else default


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in a message."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class Catalogues:
    """All messages, by language then message id."""

    messages: Mapping[str, Mapping[str, str]]

    def has(self, message_id: str, language: str = DEFAULT_LANGUAGE) -> bool:
        return message_id in self.messages.get(language, {})

    def text(self, language: str | None, message_id: str, /, **params: Any) -> str:
        """The message in ``language`` (falling back to English), placeholders filled."""
        lang = normalize_language(language)
        template = self.messages.get(lang, {}).get(message_id) or self.messages.get(
            DEFAULT_LANGUAGE, {}
        ).get(message_id)
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
