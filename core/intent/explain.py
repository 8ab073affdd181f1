"""Why the recogniser read a message as it did: the rules that fired, with their docstrings,
the words matched (label, phrase as typed, the lexicons it belongs to), the language those
words are from and the confidence. Text only; ``portraitbot intent --explain`` prints it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.intent.language import language_of, languages_of
from core.intent.recognizer import Reading, read
from core.intent.rules import ADJUSTMENTS, RULES


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
    """``core.intent.language.language_of``: the script, else the matched words' vote."""

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
    language = language_of(found)
    return Explanation(reading, tuple((name, docs[name]) for name in reading.fired),
                       matched, language)
