"""Which style a message asks for when it names several: looks before settings, the more
specific of a pair, a named place before a generic one, the kind of picture after "的"."""

from __future__ import annotations

import re

from core.intent import style_words
from core.intent.matcher import Found, Hit

_NOT_A_LIST = re.compile(r"\b(?:me|my|our|his|her|their|but|instead|rather)\b|我|我们|他|她|但|不过")
_ZH_SCENE = re.compile(r"(?<![放用发挂贴传])在[^，。,.!！?？的]{1,30}")
_LOOK_MARK = re.compile(r"\s*-?\s*(?:style|styled|version|look|vibe|vibes|aesthetic|filter|"
                       r"风格|风|版|效果|感)")
SCENE_WORD = re.compile(r"\b(?:in|at|on|with|under|near|inside|surrounded|holding|wearing|"
                         r"riding|beside|against)\b")
"""Words after which a style word describes the setting ("wedding photo on the beach")."""


def distinct(hits: list[Hit]) -> list[str]:
    """Style keys in reading order, each once, the more specific of a pair kept."""
    keys: list[str] = []
    for hit in hits:
        if hit.value not in keys:
            keys.append(hit.value)
    for general, specifics in style_words.MORE_SPECIFIC.items():
        if general in keys and specifics & set(keys):
            keys.remove(general)
    return keys


def joined(text: str, hits: list[Hit], joiner: re.Pattern[str]) -> bool:
    """Whether two different styles are listed with a joiner between them ("anime and
    cyberpunk"), not a style and who is in it ("Christmas card of me and my dog")."""
    for first, second in zip(hits, hits[1:], strict=False):
        between = text[first.end:second.start]
        if _NOT_A_LIST.search(between):
            continue
        if second.value in style_words.SETTING_STYLES and first.value not in (
                style_words.SETTING_STYLES):
            continue  # "婚纱照，海边": the beach is where the wedding photo is taken
        if first.value != second.value and joiner.search(between):
            return True
    return False


def in_scene(found: Found, hit: Hit) -> bool:
    """Whether a style word only describes the setting ("wedding photo on the beach")."""
    if marked_as_look(found, hit) or hit.value in style_words.HOLIDAY_STYLES:
        return False
    before = found.text[:hit.start]
    if SCENE_WORD.search(before):
        return True
    return any(m.start() <= hit.start < m.end() for m in _ZH_SCENE.finditer(found.text))


def in_format(found: Found, hit: Hit) -> bool:
    """Whether a style word is part of an orientation phrase ("Instagram story photo, anime"):
    it names the style only when nothing else does."""
    return any(r.start <= hit.start and hit.end <= r.end for r in found.of("ratio"))


_PURPOSE = re.compile(r"(?:\bfor(?:\s+(?:my|our|a|an|the|his|her|their|your|use\s+on))?"
                      r"(?:\s+[a-z]+)?|用于|用来|用在|发到?|放到?|当作?)$")


def is_purpose(found: Found, hit: Hit) -> bool:
    """Whether a style word only says what the picture is for ("a pfp for twitch, gaming
    avatar style"): then it is not one of a list of styles."""
    return bool(_PURPOSE.search(found.text[:hit.start].rstrip()))


def marked_as_look(found: Found, hit: Hit) -> bool:
    """ "in anime style", "cyberpunk version", "油画风": the word names the look itself."""
    return bool(_LOOK_MARK.match(found.text, hit.end)) or hit.phrase.endswith(("style", "风格"))


def primary(hits: list[Hit], found: Found) -> str:
    """The style asked for: the first named outside the setting, the more specific of a pair
    ("headshot for LinkedIn" is linkedin)."""
    travel = style_words.FAMILY_CHOICES["travel"]
    named_places = {h.value for h in hits if h.value in travel
                    and h.phrase not in style_words.GENERIC_PLACES}
    hits = [h for h in hits if not (  # "a beach in Santorini": the named place decides
        h.value in travel and h.phrase in style_words.GENERIC_PLACES
        and named_places - {h.value})] or hits
    strong = [h for h in hits if not h.weak]
    head = [h for h in hits if not in_scene(found, h) and not in_format(found, h)]
    marked = [h for h in strong if marked_as_look(found, h)]
    tiers = (marked, [h for h in head if not h.weak], head, strong, hits)
    keys = distinct(next(tier for tier in tiers if tier))
    members = _family_members(found, strong)
    if members:
        return members[0]
    occasions = [k for k in keys if k not in style_words.WHO_STYLES]
    keys = occasions or keys
    placed = _kind_after_place(found, strong, keys)
    return placed[1].value if placed else keys[0]


def _kind_after_place(found: Found, strong: list[Hit], keys: list[str]) -> tuple[Hit, Hit] | None:
    """ "海边的婚纱照", "穿着旗袍的复古照", "beach wedding photo": a place or a look, then 的 (or
    nothing but a particle), then the kind of picture (the head of the phrase); the first is
    its setting."""
    for place in (h for h in strong if h.value not in style_words.WHO_STYLES
                  and (h.value in style_words.PLACE_STYLES
                       or h.value not in style_words.SETTING_STYLES)):
        for kind in strong:
            if (kind.value in keys and kind.value not in style_words.SETTING_STYLES
                    and place.end <= kind.start
                    and _modifies(found.text[place.end:kind.start],
                                  place.value in style_words.PLACE_STYLES)):
                return place, kind
    return None


def _modifies(between: str, is_place: bool) -> bool:
    """Whether the words between a place and a kind of picture make the place its setting:
    "的", or next to each other with at most a particle ("beach wedding photo",
    "ビーチでウェディング", "해변 웨딩", a place only), no clause mark."""
    return "的" in between or (is_place and len(between.strip()) <= 2
                               and not any(mark in between for mark in ",，、;；.。!！?？"))


def place_of(found: Found, strong: list[Hit], key: str) -> str | None:
    """What is named before the kind of picture ("海边" in "海边的婚纱照"), as typed."""
    placed = _kind_after_place(found, strong, [key])
    return found.as_typed(placed[0].start, placed[0].end) if placed else None


def _family_members(found: Found, strong: list[Hit]) -> list[str]:
    """A family word and a member's word together ("vacation in Japan") pick the member."""
    named = {h.value for h in found.of("family")}
    return [h.value for h in strong
            if any(h.value in style_words.FAMILY_CHOICES[f] for f in named)]
