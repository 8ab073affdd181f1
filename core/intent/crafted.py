"""A written-out prompt: comma-separated art direction after a subject (seed 000 §7/§8).

"portrait of a person as a medieval knight, full plate armor, castle background, dramatic
lighting, oil painting style" is one fully custom prompt (seed 000 §7): a style named in a
later clause is a detail of it, not the preset. "standing on a beach at sunset, golden hour
lighting" is a custom scene for the default style, not the tropical preset.
"""

from __future__ import annotations

import re

from core.intent.describe import FILLER_KINDS, MAX_DESCRIPTION_CHARS, content_left, leads_with_place
from core.intent.matcher import Found, find
from core.intent.style_words import GENERIC_PLACES

_CLAUSES = re.compile(r"[,，;；、]")
_LIGHT_OR_LENS = re.compile(
    r"\b(?:lighting|lit|light|lights|golden hour|blue hour|background|backdrop|bokeh|"
    r"depth of field|lens|\d+ ?mm|cinematic|highly detailed|ultra detailed|detailed|4k|8k|hdr|"
    r"photorealistic|hyperrealistic|composition|framing|close up|close-up|full body|"
    r"head and shoulders|soft focus|film grain|color palette|colour palette|volumetric|"
    r"rim light|studio light|shallow)\b"
    r"|光线|光影|灯光|打光|逆光|阳光|日光|暖光|柔光|自然光|背景|景深|虚化|电影感|构图|特写|全身|半身|高清|细节"
)
"""Photographer's terms: a clause holding one is art direction, not a request."""
_STYLE_SUFFIX = re.compile(r"(?:\b(?:style|art style|aesthetic|look|quality)|风格|画风|质感)\s*$")
"""A clause ending in "... style" qualifies the whole description."""
_SUBJECT_KINDS = frozenset({"style", "family", "venue", "id", "series", "random", "price",
                            "help", "expr"})
"""Hits in the first clause that make it an ordinary request, not a subject to describe."""
_ASKING = re.compile(
    r"^(?:(?:please|pls|can you|could you|would you|i want|i d like|i would like|i need|"
    r"make|create|generate|give me|draw|paint|render|produce|turn|transform)\s+)+"
    r"(?:(?:me|myself)\s+(?:as|like|into)?\s*)?|^(?:me|myself)\s+(?:as|like)\s+"
    r"|^(?:请|帮我|给我|麻烦|我想要|我想|我要|想要|生成|画|做)+"
)
"""Asking words before the description itself."""
_LOOSE_MARKS = re.compile(r"\s*([,，;；])(?:\s*[,，;；])+")
_AS_CHARACTER = re.compile(r"\b(?:as|into)\s+(?:a|an|the)\b|(?:当|扮成|变成|化身为?)")
"""Before the character a written-out prompt makes of the person ("a person as a knight")."""
_DETAIL_KINDS = frozenset({"photo", "stronger", "weaker", "bg", "filler"})
"""Hits a detail clause may hold besides weak style hints ("neon-lit alley")."""
_ME = re.compile(r"^(?:(?:a|an|the)\s+)?(?:(?:photo|picture|pic|image|shot|selfie|portrait)s?"
                 r"\s+of\s+)?(?:me|myself)\b\s*|^(?:我们|我|自己)")
"""Who is pictured, before a place ("me in a modern office, soft light")."""
MIN_CLAUSES = 3
"""Clauses that make a comma list a written prompt even without a photographer's term."""


def crafted(found: Found, noise: list[tuple[int, int]]) -> tuple[str, bool] | None:
    """The written-out description and whether it is a scene (it opens with a place), when
    the message is art direction around a subject no preset names; None otherwise."""
    text = found.text
    marks = [m.start() for m in _CLAUSES.finditer(text)]
    if not marks:
        return None
    first_end = marks[0]
    later = _CLAUSES.split(text[first_end + 1:])
    directed = any(_LIGHT_OR_LENS.search(c) for c in later)
    styled = any(_STYLE_SUFFIX.search(c.strip()) for c in later)
    if not (directed or (styled and len(later) + 1 >= MIN_CLAUSES)):
        return None
    bare_scene = directed and leads_with_place(text)  # the §7 scene: a place, then light
    medium = found.has("medium")  # "retro 16-bit pixel art portrait, ...": a look no preset has
    become = _AS_CHARACTER.search(text[:first_end])
    character = bool(become) and len(later) + 1 >= MIN_CLAUSES  # "a person as a jazz singer, …"
    if any(h.start < first_end and h.kind in _SUBJECT_KINDS and not h.weak
           and not (medium and h.kind in ("style", "venue"))
           and not (bare_scene and (h.kind == "venue" or h.phrase in GENERIC_PLACES))
           and not (character and become and h.kind == "style" and h.start >= become.end())
           for h in found.hits):
        return None
    if any(h.kind in ("id", "series", "random", "family", "expr") for h in found.hits):
        return None
    place_first = leads_with_place(_ME.sub("", text))
    if place_first and any(h.kind == "style" and h.start > first_end for h in found.hits):
        return None  # "me in a modern office, soft light, professional look": style and scene
    subject = [(h.start, h.end) for h in found.hits if h.kind in FILLER_KINDS]
    if not place_first and not content_left(text[:first_end], subject):
        return None  # "photo of me, cinematic lighting, cyberpunk style" names no subject
    chars = list(text)
    for start, end in noise:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    described = " ".join("".join(chars).split())
    described = _LOOSE_MARKS.sub(r"\1", described).strip(" ,，;；.。!！")
    described = _without_empty_clauses(described)
    described = _ASKING.sub("", described).strip()
    if len(_CLAUSES.split(described)[0].split()) < 2 and len(described.split(",")[0]) < 4:
        return None
    if place_first:
        described = _ME.sub("", described)
    return described[:MAX_DESCRIPTION_CHARS], place_first


def _without_empty_clauses(text: str) -> str:
    """The description without clauses left holding only picture words ("4 images")."""
    kept = []
    start = 0
    for mark in [*_CLAUSES.finditer(text), None]:
        end = mark.start() if mark else len(text)
        clause = text[start:end]
        fillers = [(h.start, h.end) for h in find(clause).hits if h.kind in FILLER_KINDS]
        if content_left(clause, fillers):
            kept.append(clause + (mark.group() if mark else ""))
        start = mark.end() if mark else end
    return "".join(kept).strip(" ,，;；")


def detail_clauses(found: Found, key: str) -> str | None:
    """Clauses after the chosen style's that only describe it ("cyberpunk portrait, neon-lit
    alley, rain reflections"): the scene, as one stretch of text."""
    text = found.text
    own = [h for h in found.of("style") if h.value == key]
    if not own:
        return None
    marks = [m for m in _CLAUSES.finditer(text) if m.start() >= own[0].end]
    if not marks:
        return None
    start = end = marks[0].end()
    for index, mark in enumerate(marks):
        stop = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        inside = [h for h in found.hits if mark.end() <= h.start < stop]
        if any(h.kind not in _DETAIL_KINDS and not (h.kind == "style" and (h.weak or h.value == key))
               for h in inside):
            break
        if not content_left(text[mark.end():stop], [(h.start - mark.end(), h.end - mark.end())
                                                    for h in inside
                                                    if h.kind in FILLER_KINDS or h.kind == "filler"]):
            break
        end = stop
    described = text[start:end].strip(" .。!！")
    return described or None
