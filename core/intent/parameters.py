"""How to make the picture, as opposed to what is in it: model, aspect ratio, the spans of
count words, and expression-edit parameters."""

from __future__ import annotations

import re

from core import models
from core.intent import expression_words
from core.intent.describe import hits_spans
from core.intent.matcher import Found
from core.intent.numbers import UNIT_AFTER, zh_number

_RATIO = re.compile(r"(?<![\d.:])(\d{1,2})\s*[:/]\s*(\d{1,2})(?![\d:])")
_ZH_RATIO = re.compile(r"([一二三四五六七八九十\d]{1,3})\s*比\s*([一二三四五六七八九十\d]{1,3})")
"""A ratio said in Chinese: "三比四", "16比9"."""
_MODEL_FLAG = re.compile(r"(?:--model|-m|model|模型)\s*[=:]?\s*([a-z0-9][a-z0-9.\- ]{0,30})")
_MODEL_VERB = re.compile(r"(?:\buse|\busing|\bvia|用|使用)\s*([a-z0-9][a-z0-9.\- ]{0,30})")


def model_named(found: Found) -> tuple[str | None, list[tuple[int, int]]]:
    """Explicit model (flag, "use X", a model's name) > quality words > speed words > None."""
    text = found.text
    for pattern in (_MODEL_FLAG, _MODEL_VERB):
        for match in pattern.finditer(text):
            parts = match.group(1).split()
            for size in (3, 2, 1):
                if len(parts) >= size:
                    model = (models.lookup("-".join(parts[:size]))
                             or models.lookup("".join(parts[:size])))  # "nano pro"
                    if model is not None:
                        end = match.start(1)
                        for part in parts[:size]:
                            end = text.index(part, end) + len(part)
                        return model.key, [(match.start(), end)]
    named = found.of("model")
    if named:
        return named[0].value, hits_spans(named)
    if found.has("quality"):
        return "gpt", []
    if found.has("speed"):
        return "nano2", []
    return None, []


def aspect_ratio(found: Found, spans: list[tuple[int, int]]) -> str | None:
    """An explicit ratio ("3:4") or an orientation word ("vertical", "竖版")."""
    for match in _RATIO.finditer(found.text):
        ratio = f"{int(match.group(1))}:{int(match.group(2))}"
        if ratio in models.ALL_ASPECT_RATIOS:
            spans.append((match.start(), match.end()))
            return ratio
    for match in _ZH_RATIO.finditer(found.text):
        wide, tall = zh_number(match.group(1)), zh_number(match.group(2))
        ratio = f"{wide}:{tall}"
        if ratio in models.ALL_ASPECT_RATIOS:
            spans.append((match.start(), match.end()))
            return ratio
    named = found.of("ratio")
    if named:
        spans.extend(hits_spans(named))
        return named[0].value
    return None


def count_spans(found: Found, masked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Number words and measure words, so they stay out of scenes and prompts."""
    spans = []
    for match in re.finditer(r"(?<![\w:])(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|"
                             r"ten|couple|few|dozen|single|pair)\b(?![:/])", found.text):
        unit = re.match(r"\s*-?\s*([a-z]+)", found.text[match.end():])
        if unit and unit.group(1) in UNIT_AFTER:
            continue  # "10 years younger" keeps its number
        spans.append((match.start(), match.end()))
    for match in re.finditer(r"[一二两俩三四五六七八九十几\d]{1,3}\s*[张幅个份款种版副枚]",
                             found.text):
        spans.append((match.start(), match.end()))
    return [s for s in spans if not any(a <= s[0] < b for a, b in masked)]


def expression(found: Found) -> dict[str, float] | None:
    """Live-portrait parameters from expression words, softened or pushed by modifiers."""
    hits = found.of("expr")
    if not hits:
        return None
    params: dict[str, float] = {}
    factor = 1.3 if found.has("stronger") else 0.5 if found.has("weaker") else 1.0
    for hit in hits:
        _phrases, values = expression_words.EXPRESSION_WORDS[int(hit.value)]
        for name, value in values.items():
            low, high = expression_words.PARAM_RANGES[name]
            scaled = value if "big" in hit.phrase or "slight" in hit.phrase else value * factor
            params.setdefault(name, round(max(low, min(high, scaled)), 2))
    return params
