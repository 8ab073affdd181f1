"""The gettext catalogues are complete: every message id the code uses exists in English, every
language has every English id, and each translation uses the same placeholders as English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import locales
from core.i18n import (
    BABEL_LOCALES,
    SUPPORTED_LANGUAGES,
    Catalogues,
    normalize_language,
    placeholders,
)

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


PRINTF = re.compile(r"%(?:\([a-z_]+\))?[sdif]")


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_printf_placeholders_and_commands_match_english(language: str) -> None:
    """%s-style placeholders and the /commands a message tells people to send survive translation."""
    english = catalogue("en")
    for key, text in catalogue(language).items():
        assert sorted(PRINTF.findall(text)) == sorted(PRINTF.findall(english[key])), f"{language} {key}"
        wanted = set(re.findall(r"(?<![\w/])/[a-z]+\b", english[key]))
        assert wanted <= set(re.findall(r"(?<![\w/])/[a-z]+\b", text)), f"{language} {key} lost {wanted}"


def test_every_language_has_its_own_words_and_a_babel_locale() -> None:
    loaded = locales.load()
    for language in SUPPORTED_LANGUAGES:
        assert language in BABEL_LOCALES
        if language != "en":
            assert loaded.text(language, "conv.lang_set") != loaded.text("en", "conv.lang_set"), language


@pytest.mark.parametrize(("code", "language"), [
    ("pt-br", "pt"), ("pt_PT", "pt"), ("zh-hant", "zh_Hant"), ("zh-TW", "zh_Hant"), ("zh-hk", "zh_Hant"),
    ("yue", "zh_Hant"), ("zh-hans", "zh"), ("zh_CN", "zh"), ("es-419", "es"), ("ko", "ko"), ("ru-RU", "ru"),
    ("in", "id"), ("de-AT", "de"), ("xx", "en"), ("", "en"), (None, "en"),
])
def test_client_language_codes_map_to_a_catalogue(code: str | None, language: str) -> None:
    assert normalize_language(code) == language


def test_a_missing_translation_falls_back_not_to_a_crash() -> None:
    messages = Catalogues({"en": {"a.b": "Hi {name}"}, "zh": {"a.c": "你好"}, "zh_Hant": {}, "es": {}})
    assert messages.text("es", "a.b", name="Ana") == "Hi Ana"
    assert messages.text("zh-TW", "a.c") == "你好", "Traditional falls back to Simplified before English"
    assert messages.text("en", "no.such.id") == "no.such.id"
    assert messages.text("es", "a.b") == "Hi {name}", "a missing parameter shows the template, not a crash"
