"""Which style the words choose: a slash command's meaning, the dating vibe (a dating word and
a venue), a series of styles, two styles offered as alternatives, and a random face."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from core.intent import style_words, words
from core.intent.describe import hits_spans
from core.intent.matcher import Found, Hit
from core.intent.primary import distinct, joined, primary
from core.intent.series_items import listed_items
from core.request import Intent, SeriesItem

OR_JOINERS = re.compile(r"(?:\bor\b|\bvs\b|\bversus\b|还是|或者|或是|或|对比)")
"""Between two styles, these offer them as alternatives ("anime or oil painting", "动漫还是油画")."""
WHICH_ONE = re.compile(r"^[^。.!?]{0,14}?(?:\bwhich one\b|\bwhich is better\b|\bwhich would\b|"
                       r"选哪个|选哪一个|哪个好|哪一个好|哪个更好|选一个|挑一个)")
"""After two styles, these ask the bot to pick ("动漫和赛博朋克选哪个")."""
_OWNED = re.compile(r"(?:\b(?:my|our|for|for my|for our)|用于|用来)\s*$")
"""Before a style word, these make it what the pictures are for ("my instagram")."""
_WHICH = ("which", "what", "哪", "什么")
"""How a question about styles starts ("which style…"), as opposed to one about price."""
_RANDOM_TOKEN = re.compile(r"\brandom\b|随机|随便")
_FACE_TOKEN = re.compile(r"\b(?:face|faces|person|people|human|humans|stranger|guy|girl|man|"
                         r"woman|someone|headshot|portrait)\b|人脸|脸|人物|路人|陌生人|一个人|的人|人像|来个人")


def this_or_that(found: Found) -> bool:
    """Two styles offered as alternatives ("which style, anime or oil painting?"); a price
    question stays one ("how much is anime or cyberpunk?")."""
    if not all(h.phrase.startswith(_WHICH) for h in found.of("price")):
        return False
    strong = [h for h in found.of("style") if not h.weak]
    return len(distinct(strong)) >= 2 and (joined(found.text, strong, OR_JOINERS)
                                           or bool(WHICH_ONE.search(found.text[strong[-1].end:])))


def chosen_style(hits: list[Hit], forced: str | None, extra: Mapping[str, Sequence[str]],
                 found: Found) -> str:
    """A command's style, else the one the words ask for."""
    if forced and forced in all_style_keys(extra):
        return forced
    return primary(hits, found)


def all_style_keys(extra: Mapping[str, Sequence[str]]) -> set[str]:
    return set(style_words.STYLE_KEYS) | set(extra)


def command_meaning(command: str | None, extra: Mapping[str, Sequence[str]]) -> str | None:
    """A slash command as an action, style, family or expression name."""
    if command is None:
        return None
    if command in words.COMMANDS:
        return words.COMMANDS[command]
    if command in all_style_keys(extra):
        return command
    return None


def wants_random_face(found: Found) -> bool:
    """Seed 002: "random face", or "random" with a face word and no style ("随机来个人像")."""
    if found.has("random"):
        return True
    return bool(_RANDOM_TOKEN.search(found.text) and _FACE_TOKEN.search(found.text)
                and not found.of("style"))


def style_hits(found: Found, forced: str | None) -> list[Hit]:
    """Concrete style hits, with a dating word and a venue (or a setting style: "约会照，
    城市夜景风") combined into the dating vibe."""
    hits = found.of("style")
    dating = found.of("family")
    venues = found.of("venue")
    if (any(h.value == "dating" for h in dating) or forced == "dating") and venues:
        venue = venues[0]
        anchor = next((h for h in dating if h.value == "dating"), venue)
        venue_spans = hits_spans(venues)
        hits = [h for h in hits
                if not any(s < h.end and h.start < e for s, e in venue_spans)]
        combined = Hit(f"style:{venue.value}", min(anchor.start, venue.start),
                       max(anchor.end, venue.end), venue.phrase)
        others = [Hit(f"style:{v.value}", v.start, v.end, v.phrase) for v in venues[1:]
                  if v.value != venue.value]  # "one at a cafe and one at the beach"
        hits = sorted([*hits, combined, *others], key=lambda h: h.start)
    elif any(h.value == "dating" for h in dating) or forced == "dating":
        hits = [replace(h, label=f"style:{style_words.DATING_BY_SETTING[h.value]}")
                if h.value in style_words.DATING_BY_SETTING else h for h in hits]
    return hits


def series_of(found: Found, keys: list[str], count: int | None, base: Intent) -> Intent:
    """Seed 000 §9: the styles named, in order; a family's members; or the default set.

    One style and a "set" word is simply that style, several times.
    """
    variety = any(h.phrase in words.VARIETY_WORDS for h in found.of("series"))
    if len(keys) == 1 and variety:
        named = [h for h in found.of("style") if h.value == keys[0]]
        own = [] if named and _OWNED.search(found.text[:named[0].start]) else keys
        size = count or words.DEFAULT_SERIES_SIZE  # "different styles" are never one
        keys = list(dict.fromkeys([*own, *words.DEFAULT_SERIES]))[:size]
    if len(keys) == 1:
        return replace(base, action="generate", style=keys[0])
    if base.count == 1:
        base = replace(base, count=None)  # "one anime, one oil painting": one of each
    if not keys:
        families = found.of("family")
        if families:
            keys = list(style_words.FAMILY_CHOICES[families[0].value])
        else:
            size = count or words.DEFAULT_SERIES_SIZE
            keys = list(words.DEFAULT_SERIES[:size])
    items = listed_items(found, keys) or tuple(SeriesItem(style=key) for key in keys)
    return replace(base, action="series", series=items)
