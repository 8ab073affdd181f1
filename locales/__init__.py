"""The gettext catalogues (``<lang>/LC_MESSAGES/<domain>.po``), read with Babel.

Message ids are symbolic (``error.not_an_image``); every language, English included, carries
the text. Domains split the catalogue by the part of the product that owns the messages, so
that a channel's messages live beside each other; ids are unique across domains.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from core.i18n import SUPPORTED_LANGUAGES, Catalogues

LOCALES_DIR = Path(__file__).resolve().parent


def po_files(language: str) -> list[Path]:
    """The catalogue files of one language, one per domain."""
    return sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"))


def read_domain(path: Path) -> dict[str, str]:
    """One .po file as {message id: text}; untranslated entries are left out."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str) and m.string}


@lru_cache(maxsize=1)
def load() -> Catalogues:
    """All languages' messages, read once per process."""
    messages: dict[str, dict[str, str]] = {}
    for language in SUPPORTED_LANGUAGES:
        merged: dict[str, str] = {}
        for path in po_files(language):
            merged.update(read_domain(path))
        messages[language] = merged
    return Catalogues(messages)
