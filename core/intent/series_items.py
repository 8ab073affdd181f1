"""The pictures of a listed series, each a style, a style with a scene, or a custom prompt.

Seed 000 §9's example mixes them: "professional, casual at a rooftop bar at sunset, anime,
and me as a superhero" is four pictures, the last a prompt of its own.
"""

from __future__ import annotations

import re

from core.intent.describe import FILLER_KINDS, NOISE_KINDS, content_left, tidy
from core.intent.matcher import Found, Hit
from core.request import SeriesItem

_SEPARATORS = re.compile(r"\s*(?:[,，、;；]\s*(?:and\s+|plus\s+|和|及|以及|还有)?|\band\b|\bplus\b|&|\+|"
                         r"以及|还有|和|及)\s*")
_LIST_START = re.compile(r"[:：]")
_SCENE_AFTER = re.compile(r"^\s*(?:at|in|on|by|with|under|near|inside|beside|against)\b")
_CUSTOM_LEAD = re.compile(
    r"^(?:(?:a|an|the)\s+)?(?:(?:photo|picture|portrait|pic|one|shot)\s+)?(?:of\s+)?"
    r"(?:(?:me|myself)\s+(?:as|like|dressed as)\s+)?|^把?(?:我|自己)?\s*(?:变成|当|扮成)?\s*"
)
""""one of me as a superhero": what is left is the picture itself."""
_ITEM_KINDS = frozenset({"style", "family", "venue"})
_NOT_A_PICTURE = re.compile(r"^(?:each|one each|of each|all|both|them|these|those|it|that|"
                            r"one|ones|please|thanks|各一张|各来一张|都要|都来)$")


def listed_items(found: Found, keys: list[str]) -> tuple[SeriesItem, ...] | None:
    """Each listed picture, when the list holds a scene or a custom picture; None when it is
    plain styles (then the caller's keys say it all)."""
    text = found.text
    styles = [h for h in found.hits if h.kind == "style"]
    if not styles:
        return None
    colon = _LIST_START.search(text)
    start = colon.end() if colon and colon.start() < styles[0].start else styles[0].start
    pieces = _pieces(text, start)
    items: list[SeriesItem] = []
    special = False
    for piece_start, piece_end in pieces:
        inside = [h for h in found.hits if piece_start <= h.start < piece_end]
        style = next((h for h in inside if h.kind == "style" and h.value in keys), None)
        if style is not None:
            scene = _scene_after(found, style, piece_end)
            special = special or scene is not None
            if any(item.style == style.value and not scene for item in items):
                continue
            items.append(SeriesItem(style=style.value, scene=scene))
            continue
        if any(h.kind in _ITEM_KINDS for h in inside):
            continue
        piece = text[piece_start:piece_end].strip()
        consumed = [(h.start - piece_start, h.end - piece_start) for h in inside
                    if h.kind in FILLER_KINDS | NOISE_KINDS]
        if _NOT_A_PICTURE.match(piece) or not content_left(piece, consumed):
            continue
        prompt = tidy(_CUSTOM_LEAD.sub("", _blank(piece, consumed)).strip())
        if prompt and content_left(prompt, []):
            items.append(SeriesItem(prompt=prompt))
            special = True
    if not special or len(items) < 2 or not any(item.style for item in items):
        return None
    return tuple(items)


def _pieces(text: str, start: int) -> list[tuple[int, int]]:
    spans = []
    position = start
    for match in _SEPARATORS.finditer(text, start):
        if match.start() > position:
            spans.append((position, match.start()))
        position = match.end()
    if position < len(text):
        spans.append((position, len(text)))
    return spans


def _scene_after(found: Found, style: Hit, end: int) -> str | None:
    rest = found.text[style.end:end]
    if not _SCENE_AFTER.match(rest):
        return None
    scene = tidy(rest.strip())
    return scene if scene and content_left(scene, []) else None


def _blank(piece: str, spans: list[tuple[int, int]]) -> str:
    chars = list(piece)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(chars))):
            chars[i] = " "
    return " ".join("".join(chars).split())
