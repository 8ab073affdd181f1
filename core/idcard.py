"""The compliance card that comes with an ID photo: what its delivered file measured (head
height, eye line, backdrop, pixels, DPI, KB) against the document's bands, in the person's
language, e.g. "Head 59% ✓ (50–69%) · Eyes 62% ✓ (56–69%) · Background even ✓ · 600×600 px ·
300 DPI · 59 KB". The numbers come from ``engine.idmeasure.measure_file`` (a card's dict)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

PASS, FAIL = "✓", "✗"


def _percent(value: float) -> str:
    return str(round(value * 100))


def _banded(text: Callable[..., str], language: str | None, message_id: str, value: float,
            band: tuple[float, float] | list[float]) -> str:
    low, high = band
    mark = PASS if low <= value <= high else FAIL
    return text(language, message_id, value=_percent(value), mark=mark, low=_percent(low),
                high=_percent(high))


def card_line(card: Mapping[str, Any], text: Callable[..., str], language: str | None) -> str:
    """One line of the card; ``text`` is ``Catalogues.text``."""
    parts = []
    if card.get("head") is None or card.get("eyes") is None:
        parts.append(text(language, "idphoto.card_no_face"))
    else:
        parts.append(_banded(text, language, "idphoto.card_head", card["head"], card["head_band"]))
        parts.append(_banded(text, language, "idphoto.card_eyes", card["eyes"], card["eye_band"]))
    even = "idphoto.card_background_even" if card.get("background_even") else "idphoto.card_background_uneven"
    parts.append(text(language, even))
    parts.append(text(language, "idphoto.card_file", width=card["width"], height=card["height"],
                      dpi=card["dpi"], kb=round(card["kb"])))
    return " · ".join(parts)


def card_lines(cards: list[Mapping[str, Any]], text: Callable[..., str], language: str | None) -> list[str]:
    """The card of each ID photo; numbered ("1: …") when there are several."""
    lines = [card_line(card, text, language) for card in cards]
    if len(lines) > 1:
        lines = [f"{n}: {line}" for n, line in enumerate(lines, start=1)]
    return lines
