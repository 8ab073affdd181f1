"""How many pictures: digits and number words in English and Chinese ("four", "4", "四张")."""

from __future__ import annotations

import re

from core.intent.lang import LEXICONS, every
from core.intent.text import Token, has_cjk, normalize
from core.request import MAX_COUNT

EN_NUMBERS: dict[str, int] = {
    "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "couple": 2,
    "pair": 2, "few": 3, "both": 2, "twenty": 20, "fifteen": 15,
}
"""English number words; "a couple" is two, "a few" three, "a dozen" twelve (then capped)."""

ZH_DIGITS: dict[str, int] = {
    "零": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "十": 10, "几": 3,
}
"""Chinese numerals; 几 ("a few") reads as three."""

ZH_MEASURES = "张幅个份款种版副枚"
"""Measure words that make a Chinese numeral a count of pictures (一寸/一组/一套 are not)."""

UNIT_AFTER: frozenset[str] = frozenset({
    "d", "k", "inch", "inches", "x", "mm", "cm", "px", "bit", "s", "min", "mins",
    "minute", "minutes", "sec", "secs", "second", "seconds", "hour", "hours", "pm", "am",
    "percent", "year", "years", "yo", "th", "st", "nd", "rd", "dpi", "mb", "kb", "by",
})
"""A digit followed by one of these is a size, a time or a ratio, not a count."""

_UNITS: frozenset[str] = frozenset(normalize(u) for u in every("units"))
_OWNERS: frozenset[str] = frozenset(normalize(o) for o in every("owners"))
_LAST_WORD = re.compile(r"([^\W\d_]+)\s*$")
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")


_GLUED_UNITS: tuple[str, ...] = tuple(u for u in _UNITS if has_cjk(u) or not u.isascii())


def _unit_follows(text: str, end: int) -> bool:
    """Whether the word after a number ending at ``end`` is a lexicon's unit ("5 ans"), or
    a unit of a script without spaces starts right after it ("2匹の犬", "5歳")."""
    match = _NEXT_WORD.match(text, end)
    if match and match.group(1) in _UNITS:
        return True
    return text[end:].lstrip().startswith(_GLUED_UNITS)


NOUNS_AFTER: frozenset[str] = frozenset({
    "photo", "photos", "picture", "pictures", "pic", "pics", "image", "images", "portrait",
    "portraits", "shot", "shots", "headshot", "headshots", "version", "versions",
    "variation", "variations", "option", "options", "selfie", "selfies", "look", "looks",
    "style", "styles", "take", "takes", "avatar", "avatars", "more", "different", "of",
    "copies", "renders", "ones", "outputs", "results", "pfps", "faces", "people", "draft",
    "drafts", "paintings", "drawings", "wallpapers",
})
"""Words that confirm a number word is a count ("four photos", "two versions")."""

_ZH_COUNT = re.compile(
    rf"(?<!第)(?<![一二三四五六七八九十两俩\d寸])([一二两俩三四五六七八九十几]{{1,3}}|\d{{1,2}})\s*[{ZH_MEASURES}]"
)
_ZH_PICTURE = re.compile(r"[^，。,.!！?？]{0,20}?(?:头像|照片|照|图|写真|肖像|画像|形象|大片|人脸|脸|人像|面孔|风格)")
_ZH_LIANG = re.compile(r"(?<=[来要做画整出给])俩(?![张幅个份款种版副枚人])")
_X_COUNT = re.compile(r"(?:^|\s)[x×*](\d{1,2})\b|\b(\d{1,2})\s*[x×]\s*(?:$|[^\d\s])")


def zh_number(text: str) -> int | None:
    """The value of a short Chinese numeral ("四" 4, "十二" 12, "二十" 20), else None."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in ZH_DIGITS for c in text):
        return None
    if "十" not in text:
        return ZH_DIGITS[text[-1]] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (ZH_DIGITS.get(ones, 0) if ones else 0)


def _zh_range(text: str) -> int | None:
    """ "三四张", "两三张": a few, read as the smaller number."""
    if len(text) == 2 and all(c in ZH_DIGITS for c in text):
        return ZH_DIGITS[text[0]] or None
    return None


def clamp_count(value: int) -> int:
    """Seed 000 §4: one to eight pictures per request."""
    return max(1, min(MAX_COUNT, value))


def _alternation(phrases: set[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _lexicon_counts() -> tuple[dict[str, int], re.Pattern[str] | None, re.Pattern[str] | None]:
    """Number words of the language modules, and two patterns: a number right before a
    counter ("세 장", "3枚", "ba tấm"), and a number word as a word of its own."""
    values: dict[str, int] = {}
    countered: set[str] = set()
    counters: set[str] = set()
    spaced: set[str] = set()
    for lexicon in LEXICONS:
        for word, value in lexicon.numbers.items():
            values[normalize(word)] = value
            (countered if lexicon.counters else spaced).add(normalize(word))
        for word, value in lexicon.numbers_alone.items():
            values[normalize(word)] = value
            spaced.add(normalize(word))
        counters.update(normalize(c) for c in lexicon.counters)
    before_counter = re.compile(rf"(?<![\w])({_alternation(countered)}|\d{{1,2}})\s*(?:"
                                rf"{_alternation(counters)})") if counters else None
    alone = re.compile(rf"(?<!\w)({_alternation(spaced)})(?!\w)") if spaced else None
    return values, before_counter, alone


_LEX_VALUES, _BEFORE_COUNTER, _NUMBER_WORD = _lexicon_counts()
_PICTURE_STEMS = tuple(dict.fromkeys(normalize(p) for lex in LEXICONS for p in lex.pictures))
_CLAUSE_END = re.compile(r"[,.;:!?，。；：！？]")
_SHORT_STEM = 3


def _picture_word(word: str) -> bool:
    """Whether a word is a picture noun: long stems anywhere in it ("Weihnachtsbilder"),
    short ones only as the word itself ("ảnh", not the "anh" in "bánh")."""
    return any(stem == word if len(stem) <= _SHORT_STEM else stem in word
               for stem in _PICTURE_STEMS)


def _owned(text: str, start: int) -> bool:
    """Whether a possessive of a lexicon comes right before ``start`` ("mis tres hijos")."""
    match = _LAST_WORD.search(text, max(0, start - 30), start)
    return bool(match and match.group(1) in _OWNERS)


def lexicon_count(text: str, masked: list[tuple[int, int]],
                  pictures: frozenset[int]) -> int | None:
    """A count in another language: a number before a counter word, or a number word followed
    (in its clause, within two words) by a picture noun ("drei Bilder", "zwei
    Weihnachtsbilder") or a style ("tre foto cyberpunk", "два новогодних фото")."""
    def is_masked(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in masked)

    for match in _BEFORE_COUNTER.finditer(text) if _BEFORE_COUNTER else ():
        value = _LEX_VALUES.get(match.group(1)) or (
            int(match.group(1)) if match.group(1).isdigit() else None)
        if value and value > 1 and not is_masked(*match.span(1)):
            return clamp_count(value)
    for match in _NUMBER_WORD.finditer(text) if _NUMBER_WORD else ():
        if is_masked(*match.span(1)) or _owned(text, match.start(1)):
            continue
        stop = _CLAUSE_END.search(text, match.end())
        window = text[match.end():stop.start() if stop else len(text)]
        following = window.split()[:2]
        if not following or following[0] in _UNITS:
            continue  # "hai con chó", "dua ekor kucing": a classifier counts something else
        nouns = any(_picture_word(word) for word in following)
        styled = any(match.end() < at <= match.end() + len(" ".join(following)) + 1
                     for at in pictures)
        if nouns or styled:
            return clamp_count(_LEX_VALUES[match.group(1)])
    return None


def find_count(text: str, tokens: list[Token], masked: list[tuple[int, int]],
               pictures: frozenset[int] = frozenset()) -> int | None:
    """The number of pictures the person asked for, or None when they named none.

    ``masked`` spans (model names, ratios, ID sizes) are skipped so "nano banana 2",
    "3:4" and "2 inch" are not counts; ``pictures`` are where style or picture words start,
    so a number word right before one counts ("one oil painting, best quality").
    """

    def is_masked(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in masked)

    if re.search(r"\bhalf a dozen\b", text):
        return 6
    first_one: int | None = None
    for match in _ZH_COUNT.finditer(text):
        if is_masked(match.start(1), match.end(1)):
            continue
        if match.group().endswith("个") and not _ZH_PICTURE.match(text, match.end()):
            continue  # "变成一个小丑" counts clowns; "一个动漫头像" counts pictures
        value = zh_number(match.group(1)) or _zh_range(match.group(1))
        if value == 1 and first_one is None:
            first_one = 1  # "一张" is often just "a": a later "两张" says how many
        elif value:
            return clamp_count(value)
    if first_one is not None:
        return first_one
    for match in _ZH_LIANG.finditer(text):  # "来俩动漫头像": 俩 holds its own measure word
        if _ZH_PICTURE.match(text, match.end()) and not is_masked(match.start(), match.end()):
            return 2
    for match in _X_COUNT.finditer(text):
        digits = match.group(1) or match.group(2)
        if digits and not is_masked(match.start(), match.end()):
            return clamp_count(int(digits))
    for index, token in enumerate(tokens):
        if is_masked(token.start, token.end):
            continue
        after = tokens[index + 1].text if index + 1 < len(tokens) else ""
        glued = text[token.end:token.end + 1]
        if token.text.isdigit() and len(token.text) <= 2:
            if glued == ":" and not re.match(r":\s*\d", text[token.end:]):
                glued = ""  # "series of 3: anime, ..." is a count before a list
            if after in UNIT_AFTER or glued in (":", "/", ".", "-", "寸", "%", "×", "*", "€", "$"):
                continue
            if _unit_follows(text, token.end):
                continue
            if text[max(0, token.start - 1):token.start] in (":", "/", "#", ".", "$", "€", "£"):
                continue
            return clamp_count(int(token.text))
        value = EN_NUMBERS.get(token.text)
        if value is None:
            continue
        if token.text == "one" and any(t.text in PRONOUN_ONE for t in tokens[max(0, index - 2):index]):
            continue  # "a watercolor one", "another one": one picture, but not a count asked
        following = [t.text for t in tokens[index + 1:index + 5]]
        if token.text in ("pair", "couple") and following and not (
                following[0] == "of" or following[0].endswith("s")):
            continue  # "a couple photo" is a photo of a couple
        if glued == ":":
            return clamp_count(value)  # "make two: one anime, one cyberpunk"
        if index and tokens[index - 1].text in OWNERS:
            continue  # "my two dogs" counts dogs, not pictures
        if index + 1 < len(tokens) and tokens[index + 1].start in pictures:
            return clamp_count(value)
        if any(word in NOUNS_AFTER for word in following) or _ends_request(following):
            if token.text in ("both", "pair", "couple") and not following:
                continue
            return clamp_count(value)
    return lexicon_count(text, masked, pictures)


PRONOUN_ONE = frozenset({"a", "an", "another", "the", "this", "that", "which", "each", "any"})
"""Before "one" these make it a pronoun ("do a watercolor one")."""

OWNERS = frozenset({"my", "our", "the", "his", "her", "their", "your", "these", "those"})
"""A number word after these counts something else ("my two kids")."""


def _ends_request(following: list[str]) -> bool:
    """A number word near the end of the message ("make me four", "one oil painting please")."""
    return len(following) <= 3 and all(word not in ("and", "my", "of", "with") for word in following)
