"""The person's own description beside the presets: whether it names something no preset
covers ("me as a wizard"), whether it is a scene or a whole prompt, and the setting left
beyond the chosen style's own words."""

from __future__ import annotations

import re
from dataclasses import replace

from core.intent import style_words
from core.intent.describe import content_left, hits_spans, leads_with_place, scene_for, tidy
from core.intent.matcher import Found, Hit
from core.intent.primary import SCENE_WORD
from core.request import Intent

_SCENE_FIRST = re.compile(r"(?:in|on|at|under|inside|near|by|riding|standing|sitting|walking|"
                          r"flying|swimming|surrounded|holding|wearing)\b")
BECOME = re.compile(r"(?:\b(?:as|into|be|like)|成|为|当)\s*$")
"""Words before a description of what the person becomes ("turn me into a cat")."""


def local_spans(spans: list[tuple[int, int]], offset: int) -> list[tuple[int, int]]:
    return [(max(0, a - offset), max(0, b - offset)) for a, b in spans]


def own_picture(found: Found, custom: tuple[str, int, int],
                consumed: list[tuple[int, int]]) -> str | None:
    """The person's own description when it names something no preset covers."""
    described, start, end = custom
    head_end = end
    if not _SCENE_FIRST.match(found.text[start:end]):
        scene_word = SCENE_WORD.search(found.text, start, end)
        head_end = scene_word.start() if scene_word else end
    return described if content_left(found.text[start:head_end], local_spans(consumed, start)) else None


def scene_or_prompt(base: Intent, described: str) -> Intent:
    """"me on the moon" is a scene for the default style; "me as a wizard" a whole prompt."""
    if leads_with_place(described):
        return replace(base, action="generate", scene=described)
    return replace(base, action="generate", prompt=described)


def style_in_description(found: Found, strong: list[Hit], start: int, end: int) -> bool:
    """Whether a named style is what the person described ("me as an anime character"),
    rather than a detail of a custom scene ("me as a wizard in a cherry blossom forest")."""
    head_end = end
    if not _SCENE_FIRST.match(found.text[start:end]):
        scene = SCENE_WORD.search(found.text, start, end)
        head_end = scene.start() if scene else end
    becomes = bool(BECOME.search(found.text[:start]))
    named = [h for h in strong
             if not (becomes and h.value in style_words.PET_STYLES and h.start >= start)]
    named += found.of("family")
    if _SCENE_FIRST.match(found.text[start:end]) and any(
            start <= h.start < end for h in found.of("style")):
        return True  # "me with a good book": a hint of a preset, not a custom scene
    return any(start <= h.start < head_end for h in named) or any(
        h.start < start for h in named)


def setting_of(found: Found, key: str, styles: list[Hit],
               noise: list[tuple[int, int]]) -> str | None:
    """The setting beyond what the chosen style's own words already say."""
    consumed = [(h.start, h.end) for h in styles if h.value == key]
    consumed += hits_spans(found.of("venue")) if key.startswith("dating_") else []
    consumed += hits_spans(found.of("family"))
    return scene_for(found, consumed + noise, 0)


def clause_of_other_style(found: Found, key: str, strong: list[Hit]) -> str | None:
    """A second style named in its own clause is the setting of the first ("婚纱照，海边")."""
    primary_end = max((h.end for h in strong if h.value == key), default=0)
    for hit in strong:
        if hit.value != key and hit.start >= primary_end:
            start = max(found.text.rfind(p, 0, hit.start) for p in ",，;；") + 1
            if start <= primary_end:
                continue  # same clause: "graduation headshot" is one picture, not a setting
            end = min([i for i in (found.text.find(p, hit.end) for p in ",，;；。.!！?？")
                       if i >= 0] or [len(found.text)])
            clause = tidy(found.text[start:end].strip())
            return clause or None
    return None
