"""What to wear on an ID photo: "穿正装", "in a suit", "with a blazer" (the most asked-for ID
photo wish). The words of all thirteen languages; Latin-script words are matched whole and
without accents ("habillé" as "habille"), the others as written.

``outfit_of`` gives "suit", "blazer" or "formal" (``core.prompts.OUTFIT_WORDS`` says what the
model is asked for), or None when nothing is said or it is refused ("without a blazer").
"""

from __future__ import annotations

import re
import unicodedata

OUTFIT_WORDS: dict[str, tuple[str, ...]] = {
    "suit": (
        # en, zh, zh_Hant, es, pt, fr, de, it, ru, ja, ko, vi, id
        "suit", "business suit", "suit and tie", "in a suit",
        "西装", "西服", "穿西装", "西裝", "西服套装",
        "traje", "de traje", "traje de chaqueta",
        "terno", "fato",
        "costume", "en costume", "costume cravate", "tailleur",
        "anzug", "im anzug", "hosenanzug",
        "giacca e cravatta", "in giacca e cravatta",
        "костюм", "в костюме", "деловом костюме",
        "スーツ", "背広",
        "양복", "슈트",
        "com le", "bo vest", "ao vest",
        "jas", "setelan jas", "pakai jas",
    ),
    "blazer": (
        "blazer", "jacket", "sport coat",
        "西装外套", "西服外套", "西裝外套",
        "americana", "chaqueta",
        "paleto",
        "veste",
        "sakko", "jackett",
        "giacca",
        "пиджак", "пиджаке", "блейзер", "жакет",
        "ジャケット", "ブレザー",
        "블레이저", "재킷", "자켓",
        "ao blazer",
        "jaket",
    ),
    "formal": (
        "formal", "formal wear", "formal attire", "formal clothes", "formally", "dressed up",
        "smart clothes",
        "正装", "穿正装", "正式服装", "正裝", "穿正裝", "正式服裝",
        "ropa formal", "vestido formal", "de etiqueta",
        "roupa formal", "traje social", "roupa social",
        "tenue formelle", "tenue habillee", "habille", "tenue de ville",
        "formelle kleidung", "festliche kleidung", "elegant gekleidet", "business kleidung",
        "abbigliamento formale", "vestito elegante", "elegante",
        "деловой одежде", "официальной одежде", "официальный стиль", "деловом стиле",
        "フォーマル", "礼服",
        "정장", "정장 차림",
        "trang phuc lich su", "trang phuc cong so", "lich su",
        "pakaian formal", "baju formal", "busana formal",
    ),
}
"""Outfit key -> phrases that ask for it (lower case; Latin script without accents)."""

NEGATIONS = ("without", "no", "not", "sin", "sem", "sans", "ohne", "senza", "без", "không",
             "tanpa", "不", "不要", "别", "別", "不用")
"""A word just before the phrase that turns the wish around ("without a blazer", "不穿西装")."""


def _fold(text: str) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFKC", text).lower():
        if ord(char) < 0x250 or 0x1E00 <= ord(char) <= 0x1EFF:
            out.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        else:
            out.append(char)
    return "".join(out).replace("đ", "d")


def _is_latin(phrase: str) -> bool:
    return all(ord(c) < 0x250 for c in phrase)


def _pattern(phrase: str) -> re.Pattern[str]:
    escaped = re.escape(phrase)
    if _is_latin(phrase):
        return re.compile(rf"(?<![\w]){escaped}(?![\w])")
    if all("\u0400" <= c <= "\u04ff" or c == " " for c in phrase):
        return re.compile(rf"(?<![\w]){escaped}")  # Russian endings: "костюм", "костюме"
    return re.compile(escaped)


_PATTERNS = [
    (key, phrase, _pattern(phrase))
    for key, phrases in OUTFIT_WORDS.items()
    for phrase in sorted(phrases, key=len, reverse=True)
]


def outfit_of(text: str) -> str | None:
    """The outfit the text asks for, the longest phrase winning; None when none (or refused)."""
    folded = _fold(text)
    best: tuple[int, str, int] | None = None
    for key, phrase, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            before = folded[max(0, match.start() - 12) : match.start()]
            words = re.findall(r"\w+", before)
            last = words[-1] if words else ""
            # "without a blazer": the word before, or the one before an article.
            previous = words[-2] if len(words) > 1 and last in ("a", "an", "the", "un", "una", "um", "uma", "ein", "einen", "einem") else last
            if previous in NEGATIONS or any(n in before[-3:] for n in NEGATIONS if not _is_latin(n)):
                continue
            if best is None or len(phrase) > best[2]:
                best = (match.start(), key, len(phrase))
    return best[1] if best else None
