"""Which styles are checked for likeness to the person, and how results are ranked by it.

Photographic styles (headshots, LinkedIn, dating, travel, themed scenes, ID photos …) must look
like the person: each result is scored against the reference photo(s) and one below the
operator's ``LIKENESS_MIN`` earns one more attempt. Stylised styles are not gated, because a
face model does not recognise a person in them reliably and nobody expects it to:
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from core.styles.style import Style

STYLISED_STYLES = frozenset({"anime", "artistic", "cyberpunk", "oil_painting", "watercolor", "vintage"})
"""Presets drawn, painted or heavily graded: anime, artistic, cyberpunk, oil painting,
watercolour, vintage. Besides these, every digital avatar (category O) and every style that
drops the likeness instruction (``Style.likeness`` False) is not gated."""
AVATAR_CATEGORY = "O"

T = TypeVar("T")


def is_gated(style: Style) -> bool:
    """True when results of ``style`` must pass the likeness check."""
    if not style.needs_photo or not style.likeness:
        return False
    return style.key not in STYLISED_STYLES and style.category != AVATAR_CATEGORY


def needs_retry(score: float | None, minimum: float) -> bool:
    """One more attempt when a face was scored under the minimum; no face found counts as 0.

    ``minimum`` 0 turns the check off."""
    if minimum <= 0:
        return False
    return (score or 0.0) < minimum


def best_first(items: Sequence[T], scores: Sequence[float | None]) -> list[T]:
    """``items`` ordered by their likeness score, best first; unscored ones keep their order last."""
    order = sorted(range(len(items)), key=lambda i: (scores[i] is None, -(scores[i] or 0.0), i))
    return [items[i] for i in order]
