"""The free-text part of a request: a scene to add to a style, or a whole custom prompt."""

from __future__ import annotations

import re

from core.intent import words
from core.intent.lang import every
from core.intent.matcher import Found, Hit, find
from core.intent.text import cjk_chars, normalize

MAX_DESCRIPTION_CHARS = 300
"""Longest scene or prompt taken from one message; user text is data and stays short."""

NOISE_KINDS = frozenset({"ratio", "model", "quality", "speed", "series", "filler"})
"""Hits that say how to make the picture, not what is in it; cut out of scenes and prompts."""

FILLER_KINDS = frozenset({"photo", "request", "talk", "help", "go", "stronger", "weaker"})
"""Hits that carry no content but stay inside a description ("a pixel art avatar")."""

_PREPOSITIONS = re.compile(
    r"\b(?:" + "|".join(sorted((re.escape(p) for p in (
        *words.SCENE_PREPOSITIONS, *(normalize(o) for o in every("scene_openers")))),
        key=len, reverse=True)) + r")\b"
)
_TRIGGERS_EN = (
    r"\blook(?:s|ed|ing)? like (?:as\s+)?(?P<x>(?:a|an|the)\s.+)",
    r"\b(?:turn|transform|change|convert|make|morph)\s+(?:me|myself|my photo|this photo|"
    r"this picture|this|it|my selfie|my picture|him|her)\s+into\s+(?P<x>.+)",
    r"\b(?:me|myself)\s+(?:dressed up|dressed|costumed)\s+(?:as|like)\s+(?P<x>.+)",
    r"\b(?:me|myself|i)\s+(?:as|like)\s+(?P<x>.+)",
    r"\b(?:i|me|myself)\s+(?:would\s+|will\s+|might\s+)?look\s+(?:as|like)\s+(?P<x>.+)",
    r"\b(?:i want to be|i wanna be|i d like to be|i would like to be|i want to look like|"
    r"make me look like|i want to look|make me look|let me be|imagine me|picture me|"
    r"draw me|paint me|render me|show me)\s+(?:as\s+)?(?P<x>.+)",
    r"\bmake me (?:into )?(?P<x>(?:a|an)\s.+)",
    r"\b(?:portrait|photo|picture|image|pic|shot|headshot) of me\s+(?P<x>.+)",
    r"\b(?:generate|create|draw|make|paint|render|give me|produce|design)\s+(?:me\s+)?(?:a|an)?"
    r"\s*(?:portrait|photo|picture|image|pic)\s+of\s+(?P<x>.+)",
    r"\bme\s+(?P<x>(?:in|on|at|riding|standing|sitting|walking|flying|swimming|under|inside|"
    r"surrounded by|holding|wearing|with)\s.+)",
)
_TRIGGERS_ZH = (
    r"(?:变成|变身成?|扮成|打扮成|装扮成|画成|化身为?|当成|成为|换成|改成|做成|p成|P成)(?P<x>.+)",
    r"(?:我|自己)(?:当|是|做)(?P<x>.+?)的(?:照片|图|样子|写真|形象)",
    r"(?:我|自己)[^，。,]{1,8}?(?:当|扮成?|扮演)(?P<x>.+?)的(?:照片|图|样子|写真|形象)",
    r"(?:我|自己)(?:想|想要|要|也想)(?:当|成为|扮演)(?:一回|一次|一下|个|一个)?(?P<x>.+)",
    r"把(?:我|我的照片|照片|我的自拍|自拍)(?:放|p|摆|弄|移|挪)(?P<x>[在到].+)",
    r"(?:看看|看一下|想看)(?:我|自己)在(?P<x>.+?)的(?:照片|图|样子|写真|形象)",
)
_CUT_AT = re.compile(
    r"\s*(?:[,;!?。！？，；]|\bplease\b|\bpls\b|\bthanks?\b|\bthank you\b|谢谢|好吗|行吗|可以吗)"
)
_TRAILING_EN = re.compile(
    r"(?:\s+|^)(?:in|with|using|at|on|for|as|and|the|a|an|of|style|photo|photos|picture|"
    r"pictures|image|images|pic|pics|version|versions|format|mode|please|me|portrait|"
    r"portraits|one|ones|shot|shots|orientation|quality|via|by)$"
)
_LEADING_EN = re.compile(
    r"^(?:(?:please|pls|hey|hi|ok|so|can|could|would|will|you|i|want|wanna|d|like|love|to|"
    r"need|give|make|create|generate|draw|paint|render|produce|show|me|a|an|the|photo|"
    r"photos|picture|pictures|image|images|portrait|portraits|pic|pics|selfie|selfies|shot|"
    r"shots|of|just|kindly|let|see|some|try)\s+)+"
)
_TRAILING_ZH = re.compile(r"(?:的照片|的样子|的图片|的写真|的形象|照片|图片|写真|样子|形象|风格|"
                          r"的风格|吧|呗|啊|呀|的|一下|看看|试试|。|！|!)+$")
_LEADING_ZH = re.compile(r"^(?:一个|一名|一位|一只|个|位|名)")
_PLACE_FIRST = re.compile(
    r"(?:in|on|at|under|inside|near|by|riding|standing|sitting|walking|flying|swimming|"
    r"surrounded|holding|wearing|in front of|next to|beside)\b|(?:我们?|自己)?(?:站|坐|走|躺|漫步|行走)?在|到")
_SCENE_BEFORE = tuple(re.compile(p) for p in every("scene_before"))
"""Wishes written before what they describe ("紺のスーツでLinkedIn用の写真")."""
_ZH_SCENE = re.compile(r"(?<![放用发挂贴传])在([^，。,.!！?？的]{1,30})")


def _strip_spans(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    chars = list(text[start:end])
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return " ".join("".join(chars).split())


def tidy(text: str) -> str:
    """A description without politeness, dangling words or punctuation, capped in length.

    It ends at the first stop, except that clauses after a comma that only describe
    ("standing on a beach at sunset, golden hour lighting") stay."""
    text = _described_clauses(text)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_EN.sub("", text).strip()
        text = _TRAILING_ZH.sub("", text).strip()
        text = _LEADING_ZH.sub("", text).strip()
    return text[:MAX_DESCRIPTION_CHARS].strip(" -:")


_CLAUSE_MARKS = frozenset({",", "，", ";", "；"})
_DESCRIBING_KINDS = frozenset({"photo", "stronger", "weaker"})
"""Hits a describing clause may hold; any other (a style, a count word, thanks) ends it."""


def _described_clauses(text: str) -> str:
    """Text up to its first stop, with the describing clauses that follow a comma."""
    match = _CUT_AT.search(text)
    if not match:
        return text.strip()
    kept = text[:match.start()].strip()
    while match and match.group().strip() in _CLAUSE_MARKS:
        rest = text[match.end():]
        following = _CUT_AT.search(rest)
        clause = (rest[:following.start()] if following else rest).strip()
        if not _only_describes(clause):
            break
        mark = match.group().strip()
        if cjk_chars(clause[:1]):
            kept += {",": "，", ";": "；"}.get(mark, mark) + clause  # NFKC made "，" a ","
        else:
            kept += mark + " " + clause
        text, match = rest, following
    return kept


def _only_describes(clause: str) -> bool:
    """Whether a clause adds detail and nothing else ("golden hour lighting")."""
    hits = find(clause).hits
    if any(h.kind not in _DESCRIBING_KINDS for h in hits):
        return False
    return content_left(clause, [(h.start, h.end) for h in hits])


def noise_spans(found: Found, extra: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of words that tune the request (ratio, model, count...) rather than describe it."""
    return [(h.start, h.end) for h in found.hits if h.kind in NOISE_KINDS] + extra


def filler_spans(found: Found) -> list[tuple[int, int]]:
    """Spans of request and picture words, which do not make a description by themselves."""
    return [(h.start, h.end) for h in found.hits if h.kind in FILLER_KINDS]


_OTHER_STOPWORDS = frozenset(normalize(w) for w in every("stopwords"))
"""The language modules' words without content ("una", "mich", "toi")."""
_OTHER_SCRIPT_WORD = re.compile(r"[\u0400-\u04ff]{3,}|[\u30a0-\u30ff\uac00-\ud7af]{2,}")
"""A Cyrillic word long enough to name something ("космонавта"), or a katakana or Hangul one
(two letters already do once long marks are folded away: "スーツ" is read "スツ"; "셔츠",
"정장")."""
_BECOME = tuple(every("become"))
_LEADING_X = re.compile(r"^\(\?P<x>\[\^[^\]]*\]\+\?\)")
"""A pattern that opens with what is described ("(?P<x>[^、。]+?)になりたい")."""


def _trigger(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """A "me as" pattern, and for one that opens with what is described the rest of it:
    the whole cannot match where the rest is nowhere, and the rest alone is found at once
    (the whole tries its open group at every character)."""
    lead = _LEADING_X.match(pattern)
    rest = pattern[lead.end():] if lead else ""
    return re.compile(pattern), re.compile(rest) if rest and "(?P=" not in rest else None


_TRIGGERS = tuple(_trigger(p) for p in (*_TRIGGERS_EN, *_TRIGGERS_ZH, *_BECOME))
"""Every "me as" pattern, compiled once, in the order they are tried."""


def content_left(text: str, consumed: list[tuple[int, int]]) -> bool:
    """Whether text still names something once consumed spans and filler words are gone."""
    rest = _strip_spans(text, 0, len(text), consumed)
    latin = [w for w in re.findall(r"[a-z]+", rest)
             if w not in words.STOPWORDS and w not in _OTHER_STOPWORDS and len(w) > 1]
    if any(w not in _OTHER_STOPWORDS for w in _OTHER_SCRIPT_WORD.findall(rest)):
        return True
    chinese = re.sub(r"[^\u3400-\u9fff]", "", rest)
    for filler in sorted(words.ZH_FILLERS, key=len, reverse=True):
        chinese = chinese.replace(filler, "")
    return bool(latin) or cjk_chars(chinese) >= 2


def custom_description(
    found: Found, noise: list[tuple[int, int]]
) -> tuple[str, int, int] | None:
    """What follows "me as" / "turn me into" / "把我变成": the person's own picture, and where."""
    text = found.text
    for pattern, rest in _TRIGGERS:
        if rest is not None and not rest.search(text):
            continue
        match = pattern.search(text)
        if match:
            start, end = match.span("x")
            described = tidy(_strip_spans(text, start, end, noise))
            if described:
                return described, start, end
    return None


def fallback_prompt(found: Found, noise: list[tuple[int, int]]) -> str | None:
    """The whole request as a prompt, minus the asking ("generate a knight in armor")."""
    text = _strip_spans(found.text, 0, len(found.text), noise)
    text = _LEADING_EN.sub("", text.lstrip(" ,.;:!?，。；：！？"))  # "love it! now a sketch"
    text = re.sub(r"^(?:请|帮我|给我|麻烦|我想要|我想|我要|想要|来一张|来张|生成|画|做)+", "", text)
    text = tidy(text)
    return text or None


def leads_with_place(text: str) -> bool:
    """Whether a description opens with a setting ("in front of the Taj Mahal")."""
    return bool(_PLACE_FIRST.match(text))


_ZH_PLACE_BEFORE = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:街头|街道|街|下|里|上|边|前|中|旁|园|馆|店|城|山|湖|海|林|场|厅|"
    r"室|院|宫|寺|庙|村|镇|岛|滩|桥))的$")
"""A place before "的" and the kind of picture ("雨夜街头的赛博朋克照")."""


def place_before(found: Found, hit: Hit) -> str | None:
    """The place named before a style word in Chinese ("雨夜街头" in "雨夜街头的赛博朋克照")."""
    match = _ZH_PLACE_BEFORE.search(found.text[:hit.start])
    if not match:
        return None
    place = re.sub(r"^(?:请|帮我|给我|麻烦|我想要|我想|我要|想要|来一张|来张|生成|画|做|一张|一个)+",
                   "", match.group(1))
    return place if cjk_chars(place) >= 2 else None


def scene_for(found: Found, consumed: list[tuple[int, int]], after: int) -> str | None:
    """The place or situation added to a style ("in a modern office"), when it adds anything."""
    text = found.text
    for match in _PREPOSITIONS.finditer(text, after):
        candidate_end = len(text)
        if not content_left(text[match.start():candidate_end],
                            [(max(0, s - match.start()), max(0, e - match.start()))
                             for s, e in consumed]):
            continue
        scene = tidy(_strip_spans(text, match.start(), candidate_end, _noise_only(found)))
        if scene and content_left(scene, []):
            return scene
        break
    zh = _ZH_SCENE.search(text, after) or _ZH_SCENE.search(text)
    if zh:
        body = zh.group(1)
        offset = zh.start(1)
        local = [(max(0, s - offset), max(0, e - offset)) for s, e in consumed]
        if content_left(body, local):
            return tidy("在" + body)
    for pattern in _SCENE_BEFORE:
        for start, end in _adjacent_spans(pattern, text, after):
            local = [(max(0, s - start), max(0, e - start)) for s, e in consumed]
            if content_left(text[start:end], local):
                scene = tidy(_strip_spans(text, start, end, consumed))
                if scene:
                    return scene
    return None


def _adjacent_spans(pattern: re.Pattern[str], text: str, after: int) -> list[tuple[int, int]]:
    """The pattern's ``x`` spans, wishes written one after another joined into one
    ("メガネをかけてグレーのジャケットで": the glasses and the jacket)."""
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text, after):
        start, end = match.span("x")
        if spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _noise_only(found: Found) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in found.hits if h.kind in NOISE_KINDS]


def hits_spans(hits: list[Hit]) -> list[tuple[int, int]]:
    """Character spans of some hits."""
    return [(h.start, h.end) for h in hits]
