"""Negation: "not anime, cyberpunk please" / "不要动漫，要赛博朋克" rule a style out.

A negation word reaches to the end of its clause (punctuation) or to a word that asks again
("but", "just", "要"); style-like hits inside that reach are dropped, and the words from the
negation to the last dropped hit become noise so they do not turn into a scene or prompt. A
negated smile ("don't smile") is the serious face. Languages that negate after the noun
("애니메이션 말고", "証明写真じゃなくて") rule out what sits before the word in its clause; and
"X instead" keeps only the style of its own clause when several are named.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.intent import expression_words, words
from core.intent.lang import every
from core.intent.matcher import Found, Hit
from core.intent.text import normalize

_SERIOUS = next(i for i, (phrases, _) in enumerate(expression_words.EXPRESSION_WORDS)
                if expression_words.NOT_SMILING in phrases)
"""The expression a negated smile becomes ("don't smile" is "stop smiling")."""
NEGATABLE_KINDS = frozenset({"style", "family", "venue", "medium", "quality", "speed", "ratio",
                             "model", "id", "visa", "spec"})
"""Kinds of hit a negation rules out (not expressions: "不要笑" is its own expression)."""
_REPLACEABLE = frozenset({"style", "family", "medium", "id", "visa", "spec"})
"""Kinds an "instead" clause replaces."""


def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _bounded(phrases: tuple[str, ...], more: tuple[str, ...] = ()) -> re.Pattern[str]:
    """Latin phrases as whole words, Chinese ones anywhere; ``more`` (other languages' words)
    as whole words in any spaced script (Cyrillic too), and anywhere in Japanese or Korean."""
    spaced = tuple(p for p in more if re.search(r"[a-zа-я]", p))
    anywhere = tuple(p for p in more if p not in spaced)
    parts = [r"(?<!\w)(?:" + _alternation(spaced) + r")(?!\w)"] if spaced else []
    if phrases:  # after the other languages' longer phrases: "no quiero" before "no"
        parts.append(r"(?<![a-z0-9])(?:" + _alternation(phrases) + r")(?![a-z0-9])")
    if anywhere:
        parts.append("(?:" + _alternation(anywhere) + ")")
    return re.compile("|".join(parts))


def _normalized(name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize(p) for p in every(name) if normalize(p).strip()))


_ONE_WORDS = frozenset(_normalized("negations_one"))
_NEGATION = _bounded(words.NEGATIONS,
                     tuple(p for p in _normalized("negations") if p not in _ONE_WORDS))
_ONE = _bounded((), tuple(_ONE_WORDS)) if _ONE_WORDS else None
_REPLACED = _bounded((), _normalized("replaced")) if every("replaced") else None
_NOT_NEGATION = _bounded(words.NOT_NEGATIONS, _normalized("not_negations"))
_ENDS = re.compile(r"[,.;:!?，。；：！？、\n]|" + _bounded(words.NEGATION_ENDS,
                                                         _normalized("negation_ends")).pattern)
_PAIRED = _bounded((), _normalized("paired_negations")) if every("paired_negations") else None
_POST = _bounded((), _normalized("post_negations")) if every("post_negations") else None
_INSTEAD = _bounded((), _normalized("instead"))
_CLAUSE = re.compile(r"[,.;:!?，。；：！？、\n]")


def drop_negated(found: Found) -> Found:
    """``found`` without the hits a negation rules out, with their spans in ``negated``."""
    text = found.text
    excused = [m.span() for m in _NOT_NEGATION.finditer(text)]
    dropped: set[int] = set()
    smiles: set[int] = set()
    negated: list[tuple[int, int]] = []
    for start, end in _negation_spans(text):
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
    for pattern, alone in ((_ONE, True), (_REPLACED, False)):
        for match in pattern.finditer(text) if pattern else ():
            after = [i for i, h in enumerate(found.hits) if h.kind in _REPLACEABLE
                     and h.start >= match.end() and i not in dropped]
            if after and (alone or len(after) > 1):  # "вместо аниме акварель"
                dropped.add(after[0])
                negated.append((match.start(), found.hits[after[0]].end))
    for match in _POST.finditer(text) if _POST else ():
        clause = _clause_start(text, match.start())  # "水彩……算了": the clause before
        before = [i for i, h in enumerate(found.hits)
                  if h.kind in NEGATABLE_KINDS and clause <= h.start and h.end <= match.start()]
        if before:
            dropped.update(before)
            negated.append((min(found.hits[i].start for i in before), match.end()))
    dropped.update(_replaced(found, dropped))
    if not dropped and not smiles:
        return found
    hits = [replace(h, label=f"expr:{_SERIOUS}") if i in smiles else h
            for i, h in enumerate(found.hits) if i not in dropped]
    return Found(found.text, found.tokens, hits, negated=negated)


def _negation_spans(text: str) -> list[tuple[int, int]]:
    """Where negations start and end: each negation word, and the first of a paired word
    written twice in one clause ("ni anime ni manga, algo vintage")."""
    spans = [m.span() for m in _NEGATION.finditer(text)]
    if _PAIRED is None:
        return spans
    seen: dict[tuple[int, str], tuple[int, int]] = {}
    for match in _PAIRED.finditer(text):
        key = (_clause_start(text, match.start()), match.group())
        if key in seen:
            spans.append(seen.pop(key))
        else:
            seen[key] = match.span()
    return sorted(spans)


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding position ``at`` starts; a clause holding nothing before
    ``at`` (only dots: "水彩……算了", "Màu nước... thôi") reaches back to the one before."""
    start = max((m.end() for m in _CLAUSE.finditer(text, 0, max(at, 0))), default=0)
    while start > 0 and start < len(text) and not text[start:max(at, start)].strip(" .…"):
        start = max((m.end() for m in _CLAUSE.finditer(text, 0, start - 1)), default=0)
    return start


def _replaced(found: Found, dropped: set[int]) -> set[int]:
    """Hits an "instead" clause replaces: "never mind the anime, do vintage instead"."""
    text = found.text
    for match in _INSTEAD.finditer(text):
        clause = max((m.end() for m in _CLAUSE.finditer(text, 0, match.start())), default=0)
        stop = _CLAUSE.search(text, match.end())
        end = stop.start() if stop else len(text)
        live = [i for i, h in enumerate(found.hits) if h.kind in _REPLACEABLE and i not in dropped]
        following = {i for i in live if match.end() <= found.hits[i].start < end}
        kept = following or {i for i in live if clause <= found.hits[i].start < end}
        others = set(live) - kept  # "改成水彩", "대신 수채화": what follows the marker wins
        if kept and others and any(found.hits[i].kind == "style" for i in kept):
            return others
    return set()


def _smiles(hit: Hit) -> bool:
    _phrases, values = expression_words.EXPRESSION_WORDS[int(hit.value)]
    return values.get("smile", 0.0) > 0
