"""Chat about a picture, not a request: "I'm laughing", "you made me smile", "it looks so
real". Expression and picture words used this way are dropped before deciding."""

from __future__ import annotations

import re

from core.intent import expression_words
from core.intent.matcher import Found


def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


_FEELING = re.compile(r"(?<![a-z0-9])(?:" + _alternation(expression_words.FEELING_OPENERS)
                      + r")\s+(?:(?:so|really|very|just|a bit|kinda|still|literally)\s+)*$")
_LOOK_VERB = re.compile(r"(?<![a-z0-9])(?:it|that|this|he|she|you|they|i|we|everything|which|"
                        r"doesn t|does not|don t|do not|didn t|did not|still|really|kinda)\s+"
                        r"(?:(?:so|really|very|just|a bit|kinda|still|totally)\s+)*$")
"""Before "look(s)", a subject or an auxiliary makes it a verb ("it looks so real")."""


def drop_chat(found: Found) -> Found:
    """``found`` without expression words that report a feeling ("I'm so sad") and without
    "look(s)" used as a verb ("that looks weird")."""
    kept = [h for h in found.hits if not _chat(found.text, h.kind, h.phrase, h.start)]
    if len(kept) == len(found.hits):
        return found
    return Found(found.text, found.tokens, kept, negated=found.negated)


def _chat(text: str, kind: str, phrase: str, start: int) -> bool:
    before = text[:start]
    if kind == "expr":
        return bool(_FEELING.search(before))
    if kind == "photo" and phrase in ("look", "looks"):
        return bool(_LOOK_VERB.search(before))
    return False
