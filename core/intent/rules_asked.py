"""Rules for what a message asks to happen before any look is chosen: commands, questions,
a random face, ID photos, calling it off, a new background, the person's own description,
series and choices, media and looks the catalogue lacks. Ordered in ``core.intent.rules``."""

from __future__ import annotations

import re
from dataclasses import replace

from core.intent import words
from core.intent.describe import fallback_prompt
from core.intent.evidence import Evidence
from core.intent.idphoto import id_photo
from core.intent.lang import every
from core.intent.own_scene import scene_or_prompt
from core.intent.primary import distinct, joined
from core.intent.rule import rule
from core.intent.style_choice import (
    OR_JOINERS,
    WHICH_ONE,
    series_of,
    this_or_that,
    wants_random_face,
)
from core.request import Intent

_HOWTO = re.compile("|".join(words.HOWTO_PATTERNS))
_ASKING_KINDS = ("style", "family", "medium", "expr", "series", "random", "id")
"""Hits that ask for a picture even beside "cancel" ("cancel that, do anime instead")."""
_LIST_JOINERS = re.compile(r"(?:,|、|，|;|；|\band\b|\bplus\b|&|\+|/|和|跟|与|及|以及|还有|\bthen\b|"
                           r"[一两二三四五六七八九十\d]\s*[张幅个份]|(?<!\w)(?:"
                           + "|".join(re.escape(j) for j in every("joiners")) + r")(?!\w))")
_BETWEEN = re.compile(r"\b(?:decide|deciding|choose|choosing|pick|picking|torn|undecided|"
                      r"unsure|stuck)\s+between\s*$|(?:纠结|犹豫|选不出|拿不定主意)[^，,。]*$")
"""Before two styles, these offer them as alternatives ("can't decide between A and B")."""
_BECOME_ZH = re.compile(r"(?:变成|变身成?|扮成|打扮成|装扮成|化身为?|成为|当成)(?:一个|一名|一位|一只)?$")
"""Chinese "turn into": what follows is who the person becomes, even "在森林里的巫师"."""


@rule("/help", "/start")
def help_command(ev: Evidence) -> Intent | None:
    """A slash command for help: help."""
    return Intent(action="help") if ev.forced == "help" else None


@rule("/cancel", "/cancel@PortraitBot")
def cancel_command(ev: Evidence) -> Intent | None:
    """The /cancel command (also addressed to the bot in a group): cancel."""
    return Intent(action="cancel") if ev.forced == "cancel" else None


@rule("how much does it cost?", "怎么用")
def price_or_howto(ev: Evidence) -> Intent | None:
    """A question about price or the service, or how to do something, unless two styles are
    offered as alternatives: help."""
    found = ev.found
    if (found.has("price") or (ev.forced is None and _HOWTO.search(found.text))) and not (
            this_or_that(found)):
        return Intent(action="help")
    return None


@rule("random face please", "随机来个人像")
def random_face(ev: Evidence) -> Intent | None:
    """A random face (/random, "random face", "random" beside a face word and no style)."""
    if ev.forced == "random_face" or wants_random_face(ev.found):
        return replace(ev.base, action="random_face")
    return None


@rule("passport photo for the US", "foto para visto americano")
def id_photo_words(ev: Evidence) -> Intent | None:
    """ID-photo words or command, or a visa beside a picture noun: an ID photo of the spec
    named (or a choice of specs)."""
    found = ev.found
    if ev.forced in ("id_photo_white", "id_photo_blue") or found.has("id") or (
            found.has("visa") and found.has("photo")):
        return id_photo(found, ev.forced, ev.base, ev.new_colour)
    return None


@rule("底色换成白的", "把底色改成蓝色")
def id_backdrop(ev: Evidence) -> Intent | None:
    """A backdrop change in ID-photo jargon ("底色换成白的"): an ID photo on that colour."""
    if ev.backdrop and ev.backdrop.id_jargon:
        return id_photo(ev.found, ev.forced, ev.base, ev.new_colour)
    return None


@rule("help", "i'm not sure what to pick")
def help_question(ev: Evidence) -> Intent | None:
    """A help question or "I'm unsure" with no request, series, style or family: help."""
    found = ev.found
    if (found.has("help") and not found.has("request") and not found.has("series")
            and not found.of("style") and not found.has("family")):
        return Intent(action="help")
    return None


@rule("stop, cancel that", "отмена")
def cancel_words(ev: Evidence) -> Intent | None:
    """Calling it off ("cancel", "отмена", "batal") with no backdrop and nothing asked for
    beside it: cancel."""
    found = ev.found
    if found.has("cancel") and not ev.backdrop and not any(
            found.has(k) for k in _ASKING_KINDS):
        return Intent(action="cancel")
    return None


@rule("make the background grey", "anime, on a white background")
def new_background(ev: Evidence) -> Intent | None:
    """A new background outside a series: a picture (in the style named beside it) with the
    background as its scene."""
    if ev.backdrop and not ev.found.has("series") and ev.forced != "series":
        return ev.new_background(ev.backdrop)
    return None


@rule("on a rooftop at sunset, warm golden light", "职业头像，米色背景，白衬衫")
def crafted_description(ev: Evidence) -> Intent | None:
    """A picture the person describes in their own words (clothes, light, wishes): their
    words are the scene or the prompt."""
    if ev.written:
        described, is_scene = ev.written
        return replace(ev.base, action="generate", scene=described if is_scene else None,
                       prompt=None if is_scene else described)
    return None


@rule("a series of 4 photos", "/series")
def series(ev: Evidence) -> Intent | None:
    """A series asked for by word or command: one picture per style named."""
    if ev.forced == "series" or ev.found.has("series"):
        return series_of(ev.found, distinct(ev.styles), ev.count, ev.base)
    return None


@rule("anime or watercolor?", "can't decide between anime and cyberpunk")
def choose_between(ev: Evidence) -> Intent | None:
    """Two styles offered as alternatives ("A or B", "between A and B", "which one"): choose
    between them."""
    found, strong, named = ev.found, ev.strong, ev.named
    if len(named) >= 2 and (joined(found.text, strong, OR_JOINERS)
                            or _BETWEEN.search(found.text[:strong[0].start])
                            or WHICH_ONE.search(found.text[strong[-1].end:])):
        return replace(ev.base, action="choose", choices=tuple(named))
    return None


@rule("anime and cyberpunk", "油画、水彩")
def listed_styles(ev: Evidence) -> Intent | None:
    """Two styles listed as looks of their own with a joiner ("anime and cyberpunk"): a
    series of them."""
    listed = ev.listed
    if (len(distinct(listed)) >= 2 and any(not h.weak for h in listed)
            and joined(ev.found.text, listed, _LIST_JOINERS)):
        return series_of(ev.found, distinct(listed), ev.count, ev.base)
    return None


@rule("me as a claymation figure", "make me a stained glass window")
def custom_medium(ev: Evidence) -> Intent | None:
    """A medium the catalogue lacks (claymation, mosaic): a custom prompt."""
    if ev.found.has("medium"):
        chosen = ev.custom[0] if ev.custom else fallback_prompt(ev.found, ev.noise)
        return replace(ev.base, action="generate", prompt=chosen)
    return None


@rule("变成在森林里的巫师", "把我变成一个海盗船长")
def becomes_someone_zh(ev: Evidence) -> Intent | None:
    """Chinese "turn into" someone no preset covers ("变成在森林里的巫师"): who they become
    is the prompt."""
    if ev.own is not None and ev.custom and _BECOME_ZH.search(ev.found.text[:ev.custom[1]]):
        return replace(ev.base, action="generate", prompt=ev.own)
    return None


@rule("me as a knight in shining armor", "make me an astronaut on the moon")
def own_look(ev: Evidence) -> Intent | None:
    """ "me as ..." naming something no preset covers: the person's words are the scene or
    the prompt."""
    return scene_or_prompt(ev.base, ev.own) if ev.own is not None else None
