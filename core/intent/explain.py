"""Why the recogniser read a message as it did: the rules that fired, with their docstrings,
the words matched (label, phrase as typed, the lexicons it belongs to), the language those
words are from and the confidence. Text only; ``portraitbot intent --explain`` prints it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from core.intent.lang import LEXICONS, Lexicon
from core.intent.recognizer import Reading, read
from core.intent.rules import ADJUSTMENTS, RULES
from core.intent.text import normalize

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
)
"""Phrases of the older English and Chinese tables named by their script."""
_NOT_PHRASES = frozenset({"code", "become"})


@dataclass(frozen=True)
class Matched:
    """One word or phrase the rules read."""

    label: str
    phrase: str
    typed: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """A message's reading and why."""

    reading: Reading
    rules: tuple[tuple[str, str], ...]
    """(name, docstring) of each rule that fired, in order."""
    matched: tuple[Matched, ...]
    language: str | None
    """The language the matched words point to (a phrase several lexicons share counts
    for each a share); None when no word matched."""

    def lines(self) -> list[str]:
        """The explanation as lines of text."""
        intent = self.reading.intent
        out = ["rules fired:"]
        out += [f"  {n}. {name}: {doc}" for n, (name, doc) in enumerate(self.rules, 1)]
        if self.reading.command:
            out.append(f"command: /{self.reading.command}")
        out.append("words matched:" if self.matched else "words matched: none")
        out += [f"  {m.label:<16} {m.typed!r}  [{', '.join(m.languages) or '?'}]"
                for m in self.matched]
        out.append(f"language: {self.language or 'unknown'}")
        out.append(f"confidence: {intent.confidence:g}")
        out.append(f"action: {intent.action}")
        return out


def explain(text: str, *, bot_username: str | None = None,
            extra_styles: Mapping[str, Sequence[str]] | None = None) -> Explanation:
    """Read ``text`` and say which rules decided it and on what words."""
    reading = read(text, bot_username=bot_username, extra_styles=extra_styles)
    docs = {r.name: r.doc for r in RULES} | {a.name: a.doc for a in ADJUSTMENTS}
    found = reading.found
    matched = tuple(Matched(h.label, h.phrase, found.as_typed(h.start, h.end),
                            languages_of(h.phrase)) for h in found.hits)
    votes: Counter[str] = Counter()
    for m in matched:  # a phrase of five lexicons is a fifth of a vote for each
        votes.update({code: 1 / len(m.languages) for code in m.languages})
    language = votes.most_common(1)[0][0] if votes else None
    return Explanation(reading, tuple((name, docs[name]) for name in reading.fired),
                       matched, language)


def languages_of(phrase: str) -> tuple[str, ...]:
    """The languages whose lexicon holds this (normalized) phrase; for words of the older
    English and Chinese tables, the language of their script."""
    known = _phrase_languages().get(phrase)
    if known:
        return known
    return (next((code for code, script in _SCRIPTS if script.search(phrase)), "en"),)


@cache
def _phrase_languages() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for lexicon in LEXICONS:
        for phrase in _phrases(lexicon):
            codes = table.setdefault(normalize(phrase), [])
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
