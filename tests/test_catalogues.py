"""The gettext catalogues are complete: every message id the code uses exists in English and
Chinese, and both languages use the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import locales
from core.i18n import SUPPORTED_LANGUAGES, placeholders

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("core", "engine", "worker", "bot", "portraitbot")
# A message id in code: a quoted dotted lowercase key passed where messages are looked up.
USED_ID = re.compile(
    r"""(?:message_id\s*=\s*|\b(?:text|tr|_t|msg|say|error_text)\(\s*(?:[\w.]+,\s*)?|Error\(\s*)"""
    r"""["']([a-z][a-z0-9_]*\.[a-z0-9_.]+)["']"""
)


def catalogue(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in locales.po_files(language):
        for key, value in locales.read_domain(path).items():
            assert key not in merged, f"{key} is defined twice for {language}"
            merged[key] = value
    return merged


def ids_used_in_code() -> set[str]:
    used: set[str] = set()
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            used.update(USED_ID.findall(path.read_text(encoding="utf-8")))
    return used


def test_every_language_has_the_same_message_ids() -> None:
    english = set(catalogue("en"))
    assert english, "the English catalogue is empty"
    for language in SUPPORTED_LANGUAGES:
        ids = set(catalogue(language))
        assert ids == english, (
            f"{language}: missing {sorted(english - ids)}, extra {sorted(ids - english)}"
        )


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_placeholders_match_english(language: str) -> None:
    english = catalogue("en")
    other = catalogue(language)
    wrong = {
        key: (placeholders(english[key]), placeholders(text))
        for key, text in other.items()
        if key in english and placeholders(english[key]) != placeholders(text)
    }
    assert not wrong, f"placeholders differ in {language}: {wrong}"


def test_every_message_id_used_in_code_is_in_the_catalogue() -> None:
    english = set(catalogue("en"))
    missing = sorted(ids_used_in_code() - english)
    assert not missing, f"message ids used in code but missing from locales/: {missing}"


def test_a_missing_translation_falls_back_to_english_not_to_a_crash() -> None:
    loaded = locales.load()
    assert loaded.text("zh", "error.quota") != loaded.text("en", "error.quota")
    assert loaded.text("fr", "error.quota") == loaded.text("en", "error.quota")
    assert loaded.text("en", "no.such.id") == "no.such.id"
