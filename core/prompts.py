"""Prompt building (seed 000 §4, §8): the text the image model gets, and the seed.

Priority: custom prompt > style + scene > style > professional. A scene on its own lands on
the professional base. In edit mode (a reference photo) the likeness instruction goes first,
except for styles that skip it (avatars). Person-written text is only ever embedded as text,
cleaned and capped by ``clean_user_text``: it cannot reach count, model, endpoint or seed,
which live in ``GenerationRequest`` fields that only our code sets.
"""

from __future__ import annotations

import re
import unicodedata

from core.idspecs import refused_background
from core.request import GenerationRequest
from core.styles import BACKGROUND_PLACEHOLDER, BACKGROUND_WORDS, DEFAULT_STYLE, Catalogue, Style

MAX_USER_TEXT_CHARS = 600
"""Characters of a person's scene or prompt kept: room for a rich scene, not for a flood
that drowns the style or the likeness instruction."""

LIKENESS_PREFIX = (
    "Use the person in the reference photo as the subject and preserve their facial identity: "
    "the same face shape, eyes, nose, mouth, skin tone and hairline, so they are clearly "
    "recognizable. "
)
"""Seed 000 §8: prepended in edit mode so the portrait keeps the person's face."""

OUTFIT_WORDS = {
    "suit": "wearing a well-fitted dark navy or charcoal business suit jacket over a crisp white "
            "collared shirt, neat and pressed",
    "blazer": "wearing a tailored dark blazer over a plain light collared shirt, neat and pressed",
    "formal": "wearing formal business attire, a dark tailored jacket over a crisp white collared "
              "shirt, neat and pressed",
}
"""What the edit model is asked to dress the person in for an ID photo (``request.outfit``,
from "in a suit", "with a blazer", "穿正装"). The face, hair and head position stay as they are:
the measured crop and the likeness check come after."""
OUTFIT_KEEP = "change only the clothing; keep the face, hairstyle, head size and head position unchanged"
_PLAIN_CLOTHING = re.compile(r"wearing neat plain (?:dark )?clothing")
"""The ID presets' own clothing words, which an asked-for outfit replaces."""

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
"""Control, format (zero-width, bidi overrides, tags), surrogate and private-use characters:
invisible in a chat, useful only to smuggle or reorder text."""


def clean_user_text(text: str | None, limit: int = MAX_USER_TEXT_CHARS) -> str:
    """Text a person wrote, safe to embed: no control or invisible characters, one space
    between words, at most ``limit`` characters."""
    if not text:
        return ""
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            kept.append(char)
    cleaned = " ".join("".join(kept).split())
    if len(cleaned) > limit:
        cleaned = cleaned[:limit].rstrip()
    return cleaned


def build_prompt(request: GenerationRequest, catalogue: Catalogue, *, edit_mode: bool) -> str:
    """The prompt for ``request``; ``edit_mode`` is True when a reference photo goes along."""
    custom = clean_user_text(request.prompt)
    if custom:
        body, likeness = custom, True
    else:
        style = catalogue.require(request.style or DEFAULT_STYLE)
        # A colour the named document refuses is not asked of the model (it would be replaced).
        backdrop = refused_background(request.id_spec, request.background) or request.background
        body, likeness = style_text(style, "gray" if backdrop == "light_grey" else backdrop), style.likeness
        scene = clean_user_text(request.scene)
        if scene:
            body = f"{body}. Scene: {scene}"
        outfit = OUTFIT_WORDS.get(request.outfit or "")
        if outfit and style.is_id_photo:
            body = _PLAIN_CLOTHING.sub(f"{outfit},", body) if _PLAIN_CLOTHING.search(body) else f"{body}, {outfit}"
            body = f"{body}, {OUTFIT_KEEP}"
    return LIKENESS_PREFIX + body if edit_mode and likeness else body


def style_text(style: Style, background: str | None = None) -> str:
    """A style's prompt with its backdrop colour filled in (``background`` overrides, if known)."""
    if style.background is None:
        return style.prompt
    colour = background if background in BACKGROUND_WORDS else style.background
    words = BACKGROUND_WORDS.get(colour or "", colour or "")
    if BACKGROUND_PLACEHOLDER in style.prompt:
        return style.prompt.replace(BACKGROUND_PLACEHOLDER, words)
    return f"{style.prompt}, {words} background"


def pick_seed(request: GenerationRequest, catalogue: Catalogue) -> int | None:
    """The seed to send: the request's own, else the style's pinned one (seed 001).

    A custom prompt drops the style, and with it the style's seed.
    """
    if request.seed is not None:
        return request.seed
    if clean_user_text(request.prompt):
        return None
    style = catalogue.get(request.style or DEFAULT_STYLE)
    return style.seed if style else None
