"""Background edits: "change the background to white", "换成白色背景", "白底换成蓝底".

The mapping (documented in id_words too):
* Chinese ID-photo jargon, a colour with 底 or 底色 ("换成蓝底", "底色换成红色"), is an ID photo
  with that backdrop, the same as "蓝底证件照";
* any other background change is a picture on the default (or named) style with the new
  background as its scene, in the person's words ("white background", "海边背景"); a named
  white, blue or red also travels in ``background``;
* removing the background ("remove the background", "抠图") means a plain white one, and
  blurring it ("blur the background", "背景虚化") a blurred one. Style words inside the new background
  ("change the background to a beach") describe the backdrop, not the style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.intent.matcher import Found

_STOP = r"[^,.;!?，。；！？]"
_EN_CHANGE = re.compile(
    r"\b(?:change|switch|swap|turn|set|make|replace|update|edit|put|use)\s+(?:the\s+|my\s+|its\s+"
    r"|this\s+|a\s+)?(?:photo\s+|picture\s+|image\s+)?(?:background|backdrop|bg)(?:\s+colou?rs?)?"
    r"\s+(?:to|into|with|as|for|be|in)\s+(?:a\s+|an\s+|the\s+|some\s+)?(?P<x>" + _STOP + r"+)")
_EN_MAKE = re.compile(
    r"\b(?:make|turn|set|paint|colou?r)\s+(?:the\s+|my\s+|its\s+)?(?:background|backdrop|bg)\s+"
    r"(?P<x>(?:light\s+|dark\s+|pale\s+)?(?:white|blue|red|grey|gray|black|green|pink|yellow|"
    r"purple|beige|cream|orange))\b")
_EN_COLOUR = re.compile(
    r"\b(?:with\s+|on\s+|against\s+|in\s+front\s+of\s+)?(?:a\s+|an\s+|the\s+)?(?:plain\s+|solid\s+"
    r"|pure\s+|clean\s+)?(?P<x>(?:light\s+|dark\s+|pale\s+)?(?:white|blue|red|grey|gray|black|green|"
    r"pink|yellow|purple|beige|cream|orange))\s+(?:background|backdrop|bg)\b")
_ZH_CHANGE = (
    re.compile(r"(?:背景色|背景颜色|背景|底色)(?:的颜色)?(?:换|改|变|调|弄|p|设置|设)(?:成|为|到)?"
               r"(?:一个|个)?(?P<x>[^，。,.!！?？]{1,15})"),
    re.compile(r"(?:换|改|变|弄|p|调)(?:成|为|到)?(?:一个|个|一下)?(?P<x>[^，。,.!！?？换改]{1,12}?)"
               r"(?:的)?(?P<kind>背景|底色|底)"),
)
_COLOURS: dict[str, tuple[str, ...]] = {
    "white": ("white", "白"), "blue": ("blue", "蓝"), "red": ("red", "红"),
}
"""Backdrops with a preset of their own (id_words.BACKGROUND_STYLE)."""
_ZH_TRAILING = re.compile(r"(?:的|背景|吧|呗|啊|一下)+$")
_ZH_LEADING = re.compile(r"^(?:一个|个|一下|成|为)+")
_EN_TRAILING = re.compile(r"\s+(?:please|pls|plz|instead|thanks?|for me|background|backdrop)$")


@dataclass(frozen=True)
class Backdrop:
    """A new background the person asked for."""

    words: str
    """Their words for it, as typed ("White", "海邊")."""
    colour: str | None
    """White, blue or red when they named one."""
    id_jargon: bool
    """"蓝底", "底色": the Chinese ID-photo backdrop service."""
    start: int
    end: int
    """Where the request sits in the normalized text."""
    chinese: bool


_TREATMENTS: tuple[tuple[re.Pattern[str], str, str | None, bool], ...] = (
    (re.compile(r"\b(?:remove|delete|erase|cut out|get rid of|take out)\s+(?:the\s+|my\s+|its\s+)?"
                r"(?:background|backdrop|bg)\b|\btransparent\s+(?:background|bg)\b"),
     "plain white", "white", False),
    (re.compile(r"\bblur(?:red|ry)?\s+(?:the\s+|my\s+)?(?:background|backdrop|bg)\b|"
                r"\b(?:background|bg)\s+blur(?:red)?\b|\bbokeh\b"), "blurred", None, False),
    (re.compile(r"(?:去掉|去除|删掉|删除|抠掉|不要)(?:照片的?|图片的?)?背景|抠图|透明背景"),
     "纯白", "white", True),
    (re.compile(r"背景虚化|虚化背景|背景模糊|模糊背景|背景糊"), "虚化", None, True),
)
"""Background treatments rather than a new one: removing a background leaves a plain white
one (the closest a photo can have to none), blurring keeps the place out of focus."""


def background_change(found: Found) -> Backdrop | None:
    """The new background a message asks for, if it asks for one."""
    text = found.text
    for pattern, words, colour, chinese in _TREATMENTS:
        treated = pattern.search(text)
        if treated:
            return Backdrop(words, colour, False, treated.start(), treated.end(), chinese)
    match = _EN_CHANGE.search(text) or _EN_MAKE.search(text) or _EN_COLOUR.search(text)
    if match:
        words = match.group("x").strip()
        while (shorter := _EN_TRAILING.sub("", words)) != words:
            words = shorter
        typed = _typed(found, match.start("x"), words)
        return Backdrop(typed, _colour(words), False, match.start(), match.end(), False)
    for pattern in _ZH_CHANGE:
        match = pattern.search(text)
        if match:
            words = _ZH_LEADING.sub("", _ZH_TRAILING.sub("", match.group("x").strip())).strip()
            jargon = "底" in match.group(0) and "背景" not in match.group(0)
            if words:
                typed = _typed(found, text.index(words, match.start("x")), words)
                return Backdrop(typed, _colour(words), jargon, match.start(), match.end(), True)
            if jargon:
                return Backdrop("", None, True, match.start(), match.end(), True)
    return None


def _typed(found: Found, start: int, words: str) -> str:
    return found.as_typed(start, start + len(words))


def _colour(words: str) -> str | None:
    """The preset colour named, when the backdrop is just a colour ("white", "蓝色")."""
    bare = re.sub(r"\b(?:plain|solid|pure|clean)\b|纯|颜色|色", "", words).strip()
    for colour, names in _COLOURS.items():
        if bare in names:
            return colour
    return None


def scene_words(backdrop: Backdrop) -> str:
    """The scene the backdrop makes ("white background", "海边背景")."""
    if backdrop.chinese:
        return backdrop.words + "背景"
    return backdrop.words + " background"
