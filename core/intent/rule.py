"""``Rule``: one named decision of the recogniser, with its docstring and two examples.

A rule reads a message's ``Evidence`` and answers an ``Intent`` or declines (None). The
table that orders the rules is ``core.intent.rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.intent.evidence import Evidence
from core.request import Intent

Decide = Callable[[Evidence], Intent | None]
Adjust = Callable[[Evidence, Intent], Intent | None]
GUESSED = 0.4
"""Confidence of a picture read from words that never ask for one ("a knight in armor")."""


@dataclass(frozen=True)
class Rule:
    """A named decision: ``decide`` answers an ``Intent`` or declines with None; the two
    ``examples`` are messages this rule decides (checked by a test)."""

    name: str
    doc: str
    examples: tuple[str, str]
    decide: Decide


def rule(first: str, second: str) -> Callable[[Decide], Rule]:
    """Make the decorated function a ``Rule`` named after it, with two example messages."""
    def make(decide: Decide) -> Rule:
        doc = " ".join((decide.__doc__ or "").split())
        return Rule(decide.__name__, doc, (first, second), decide)
    return make


@dataclass(frozen=True)
class Adjustment:
    """A named change to the decided intent: ``adjust`` answers the changed intent or
    declines with None; the two ``examples`` are messages it changes (checked by a test)."""

    name: str
    doc: str
    examples: tuple[str, str]
    adjust: Adjust


def adjustment(first: str, second: str) -> Callable[[Adjust], Adjustment]:
    """Make the decorated function an ``Adjustment`` named after it, with two examples."""
    def make(adjust: Adjust) -> Adjustment:
        doc = " ".join((adjust.__doc__ or "").split())
        return Adjustment(adjust.__name__, doc, (first, second), adjust)
    return make
