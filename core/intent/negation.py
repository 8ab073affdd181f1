"""Negation: "not anime, cyberpunk please" / "不要动漫，要赛博朋克" rule a style out.

A negation word reaches to the end of its clause (punctuation) or to a word that asks again
("but", "just", "要"); style-like hits inside that reach are dropped, and the words from the
negation to the last dropped hit become noise so they do not turn into a scene or prompt. A
negated smile ("don't smile") is the serious face.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.intent import expression_words, words
from core.intent.matcher import Found, Hit

_SERIOUS = next(i for i, (phrases, _) in enumerate(expression_words.EXPRESSION_WORDS)
                if expression_words.NOT_SMILING in phrases)
"""The expression a negated smile becomes ("don't smile" is "stop smiling")."""

NEGATABLE_KINDS = frozenset({"style", "family", "venue", "medium", "quality", "speed", "ratio",
                             "model"})
"""Kinds of hit a negation rules out (not expressions: "不要笑" is its own expression)."""


def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _bounded(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Latin phrases as whole words; Chinese ones anywhere."""
    return re.compile(r"(?<![a-z0-9])(?:" + _alternation(phrases) + r")(?![a-z0-9])")


_NEGATION = _bounded(words.NEGATIONS)
_NOT_NEGATION = _bounded(words.NOT_NEGATIONS)
_ENDS = re.compile(r"[,.;:!?，。；：！？、\n]|(?<![a-z0-9])(?:" + _alternation(words.NEGATION_ENDS)
                   + r")(?![a-z0-9])")


def drop_negated(found: Found) -> Found:
    """``found`` without the hits a negation rules out, with their spans in ``negated``."""
    text = found.text
    excused = [m.span() for m in _NOT_NEGATION.finditer(text)]
    dropped: set[int] = set()
    smiles: set[int] = set()
    negated: list[tuple[int, int]] = []
    for match in _NEGATION.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in excused):
            continue
        stop = _ENDS.search(text, end)
        reach = stop.start() if stop else len(text)
        inside = [i for i, h in enumerate(found.hits)
                  if h.kind in NEGATABLE_KINDS and end <= h.start < reach]
        if inside:
            dropped.update(inside)
            negated.append((start, max(found.hits[i].end for i in inside)))
        smiles.update(i for i, h in enumerate(found.hits)
                      if h.kind == "expr" and end <= h.start < reach and _smiles(h))
    if not dropped and not smiles:
        return found
    hits = [replace(h, label=f"expr:{_SERIOUS}") if i in smiles else h
            for i, h in enumerate(found.hits) if i not in dropped]
    return Found(found.text, found.tokens, hits, negated=negated)


def _smiles(hit: Hit) -> bool:
    _phrases, values = expression_words.EXPRESSION_WORDS[int(hit.value)]
    return values.get("smile", 0.0) > 0
