"""Which of the twelve languages a message is in, from what the recogniser already found:
a script that names its language (kana, Hangul, Cyrillic, Chinese characters), else a vote of
the matched phrases over the lexicons that hold them (a phrase five lexicons share is a fifth
of a vote for each). Cheap enough for ``portraitbot intent``'s ``language`` key; the reply
language uses the real detector (``engine.written``), which the intent command never loads.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import fields
from functools import cache
from typing import Any

from core.intent.lang import LEXICONS, Lexicon
from core.intent.matcher import Found
from core.written import script_language

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
)
"""Phrases of the older English and Chinese tables named by their script."""
_NOT_PHRASES = frozenset({"code", "become"})
_ACCENTED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


def language_of(found: Found) -> str | None:
    """The message's language, or None when neither its script nor a matched phrase says."""
    by_script = script_language(found.typed or found.text)
    if by_script:
        return by_script
    votes: Counter[str] = Counter()
    for hit in found.hits:
        codes = languages_of(hit.phrase)
        votes.update({code: 1 / len(codes) for code in codes})
    return votes.most_common(1)[0][0] if votes else None


@cache
def languages_of(phrase: str) -> tuple[str, ...]:
    """The languages whose lexicon holds this (normalized) phrase; for words of the older
    English and Chinese tables, the language of their script."""
    known = _phrase_languages().get(phrase)
    if known:
        return known
    return (next((code for code, script in _SCRIPTS if script.search(phrase)), "en"),)


def _fold(phrase: str) -> str:
    """Lower case, Latin accents dropped: as the matcher's phrases are, for Latin script."""
    return _ACCENTED.sub(lambda m: unicodedata.normalize("NFKD", m.group(0))[0], phrase.lower())


@cache
def _phrase_languages() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for lexicon in LEXICONS:
        for phrase in _phrases(lexicon):
            codes = table.setdefault(_fold(phrase), [])
            if lexicon.code not in codes:
                codes.append(lexicon.code)
    return {phrase: tuple(codes) for phrase, codes in table.items()}


def _phrases(lexicon: Lexicon) -> Iterable[str]:
    for field in fields(lexicon):
        if field.name in _NOT_PHRASES:
            continue
        value: Any = getattr(lexicon, field.name)
        if isinstance(value, tuple):
            yield from (p for p in value if isinstance(p, str))
        elif isinstance(value, Mapping):
            for key, phrases in value.items():
                if isinstance(phrases, tuple):
                    yield from phrases
                else:
                    yield key  # number words: the word is the key
