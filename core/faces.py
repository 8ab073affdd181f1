"""Random face prompts (seed 002): made-up people described feature by feature.

Prompts come in pairs. Both prompts of a pair describe the same made-up person (shape,
structure, texture and colouring are drawn once per pair) with its own expression each, so a
pair shows one face two ways. By default each prompt has its own seed; with ``same_seed`` both
prompts of a pair share one, which keeps the rendered face closer between the two. Pure: the
caller passes the ``random.Random``, so a seeded one gives the same prompts every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.face_features import BASE_INSTRUCTION, FACE_FEATURES

MAX_SEED = 2**31 - 1
"""Seeds are 32-bit signed positive integers for the fal and headshot APIs."""
MAX_PAIRS = 8
"""Seed 000 §4 caps a request at 8 images; more pairs than that is a caller's mistake."""
EXPRESSION_CATEGORY = "Expression"
"""The one category drawn per prompt rather than per pair."""
EXPRESSION_REDRAWS = 5
"""Tries to give the second prompt of a pair an expression different from the first."""

_NOUNS = {
    "Eye": "eyes",
    "Eyebrow": "eyebrows",
    "Cheek": "cheeks",
    "Skin Features": "skin",
    "Skin Undertones": "undertones",
}
"""How a feature reads in a sentence when its lower-cased name does not ("large eyes")."""
_SINGULAR = frozenset({"face", "nose", "chin", "hairline", "jawline", "forehead"})
"""Nouns that take "a"/"an" ("an oval face")."""


@dataclass(frozen=True)
class FacePrompt:
    """One prompt to render, its seed, and which pair (same made-up person) it belongs to."""

    prompt: str
    seed: int
    pair: int = 0


def random_face_prompts(
    rng: random.Random, pairs: int = 1, same_seed: bool = False
) -> list[FacePrompt]:
    """``2 * pairs`` prompts, pair by pair; each pair is one made-up person, two expressions."""
    if not 1 <= pairs <= MAX_PAIRS:
        raise ValueError(f"pairs must be between 1 and {MAX_PAIRS}, got {pairs}")
    prompts: list[FacePrompt] = []
    for pair in range(pairs):
        identity = _identity(rng)
        first = _draw(rng, FACE_FEATURES[EXPRESSION_CATEGORY])
        second = first
        for _ in range(EXPRESSION_REDRAWS):
            second = _draw(rng, FACE_FEATURES[EXPRESSION_CATEGORY])
            if second != first:
                break
        seeds = _seeds(rng, same_seed)
        for expression, seed in zip((first, second), seeds, strict=True):
            text = f"{identity} Expression: {_phrases(expression)}. {BASE_INSTRUCTION}"
            prompts.append(FacePrompt(text, seed, pair))
    return prompts


def _identity(rng: random.Random) -> str:
    """One sentence of the person's looks, one clause per non-expression category."""
    clauses = [
        _phrases(_draw(rng, features))
        for category, features in FACE_FEATURES.items()
        if category != EXPRESSION_CATEGORY
    ]
    return "A portrait of a person with " + "; ".join(clauses) + "."


def _draw(rng: random.Random, features: dict[str, list[str]]) -> dict[str, str]:
    return {feature: rng.choice(words) for feature, words in features.items() if words}


def _phrases(picked: dict[str, str]) -> str:
    parts = []
    for feature, word in picked.items():
        noun = _NOUNS.get(feature, feature.lower())
        if word.startswith("with "):
            parts.append(f"{noun} {word}")
        elif noun in _SINGULAR:
            article = "an" if word[0].lower() in "aeiou" else "a"
            parts.append(f"{article} {word} {noun}")
        else:
            parts.append(f"{word} {noun}")
    return ", ".join(parts)


def _seeds(rng: random.Random, same_seed: bool) -> tuple[int, int]:
    first = rng.randint(1, MAX_SEED)
    if same_seed:
        return first, first
    second = rng.randint(1, MAX_SEED)
    while second == first:
        second = rng.randint(1, MAX_SEED)
    return first, second
