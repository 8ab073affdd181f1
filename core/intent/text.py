"""Text handling for intent recognition: cleaning, tokens, and forgiving word comparison."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from core.intent.traditional import TO_SIMPLIFIED

MAX_TEXT_CHARS = 4096
"""Characters of one chat message we read: Telegram's whole message, so a wish at the end of a
long caption ("… make me anime") is read; scenes and prompts stay short (describe)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TOKEN = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def clean_text(text: str) -> str:
    """User text made safe to read: control characters gone, whitespace folded, length capped.

    A small private cleaner: core.prompts.clean_user_text is the one prompts use.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text[:MAX_TEXT_CHARS].strip()


_UNFOLDABLE = {"ß": "ss", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "ı": "i",
               "İ": "I", "ё": "е", "Ё": "Е"}
"""Letters NFKD leaves whole ("weiß" is read "weiss", "œil" "oeil", Vietnamese "đ" as "d"), and Russian "ё",
which most people type as "е"."""


def _fold_latin(text: str) -> str:
    """Accents off Latin letters ("café" -> "cafe"); other scripts untouched."""
    if text.isascii():
        return text
    out: list[str] = []
    for char in text:
        if char in _UNFOLDABLE:
            out.append(_UNFOLDABLE[char])
        elif ord(char) < 0x250 or 0x1E00 <= ord(char) <= 0x1EFF:
            out.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        else:
            out.append(char)
    return "".join(out)


_IS_CONTRACTIONS = frozenset({"what", "it", "that", "there", "here", "he", "she", "who", "where",
                              "how", "this", "everything", "nothing"})
"""Words whose 's means "is" ("what's this?"); elsewhere 's is possessive and dropped."""


def _expand_s(match: re.Match[str]) -> str:
    word = match.group(1)
    if word == "let":
        return "let us"
    return f"{word} is" if word in _IS_CONTRACTIONS else word


@dataclass(frozen=True)
class Mapped:
    """Text derived from a source string, and for each of its characters the index of the
    source character it came from (so words found in it can be quoted as the person typed)."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, source: str) -> Mapped:
        return cls(source, tuple(range(len(source))))

    def each_char(self, change: Callable[[str], str]) -> Mapped:
        """Each character replaced by ``change(char)`` (any length), origins kept."""
        outs = [change(char) for char in self.text]
        if all(len(out) == 1 for out in outs):
            return Mapped("".join(outs), self.origin)  # one for one: the origins stand
        chars: list[str] = []
        origin: list[int] = []
        for char, where in zip(self.text, self.origin, strict=True):
            out = change(char)
            chars.append(out)
            origin.extend([where] * len(out))
        return Mapped("".join(chars), tuple(origin))

    def sub(self, pattern: str | re.Pattern[str],
            repl: str | Callable[[re.Match[str]], str]) -> Mapped:
        """``re.sub`` that keeps origins: a replacement's characters take the origins of the
        characters they stand in for, in order."""
        matches = list(re.finditer(pattern, self.text))
        if not matches:
            return self
        literal = repl if isinstance(repl, str) and "\\" not in repl else None
        chars: list[str] = []
        origin: list[int] = []
        last = 0
        for match in matches:
            start, end = match.span()
            chars.append(self.text[last:start])
            origin.extend(self.origin[last:start])
            out = (literal if literal is not None
                   else repl(match) if callable(repl) else match.expand(repl))
            chars.append(out)
            if out:
                span = self.origin[start:end] or self.origin[max(0, start - 1):start] or (0,)
                origin.extend(span[min(i, len(span) - 1)] for i in range(len(out)))
            last = end
        chars.append(self.text[last:])
        origin.extend(self.origin[last:])
        return Mapped("".join(chars), tuple(origin))

    def cut(self, start: int, end: int | None = None) -> Mapped:
        """A slice, origins included."""
        return Mapped(self.text[start:end], self.origin[start:end])

    def folded(self) -> Mapped:
        """Runs of whitespace as one space, none at either end."""
        out = self.sub(r"\s+", " ")
        left = len(out.text) - len(out.text.lstrip())
        return out.cut(left, left + len(out.text.strip()))


_KANA = str.maketrans("ァィゥェォヵヶッャュョヮヴ", "アイウエオカケツヤユヨワブ", "ー")
"""Katakana as people spell it either way: small letters as big ones, ヴ as ブ and the long
mark dropped, so "サイバパンク" is "サイバーパンク" and "ウエディング" "ウェディング"."""


_SCRIPTS = {**TO_SIMPLIFIED, **_KANA}
"""Traditional Chinese as Simplified, and katakana folded, in one table."""


def _simplify(char: str) -> str:
    return char.translate(_SCRIPTS)


def normalize_mapped(text: str) -> Mapped:
    """``normalize`` with each character's index in ``clean_text(text)``."""
    source = clean_text(text)
    if source.isascii():  # nothing to fold or simplify, and lower() keeps every position
        out = Mapped(source.lower(), tuple(range(len(source))))
    else:
        out = Mapped.of(source).each_char(_fold_latin).each_char(str.lower)
        out = out.each_char(_simplify)
    out = out.sub(r"[’`´]", "'")
    out = out.sub(r"\b([a-z]+)'s\b", _expand_s)
    out = out.sub("'", " ")  # "i'd" must not become the word "id"
    return out.sub(_SPACE_BETWEEN_CJK, "")


def normalize(text: str) -> str:
    """Lower-cased, accent-folded, simplified-Chinese text; possessive 's dropped; spaces
    between Chinese characters removed. The text of ``normalize_mapped``, made without the
    character map (the phrase tables normalize some ten thousand phrases at start-up)."""
    if text.isascii() and text.isprintable():  # most phrases: no control, accent or script
        out = " ".join(text.split())[:MAX_TEXT_CHARS].strip().lower()
        if "'" in out or "`" in out:
            out = _APOSTROPHES.sub("'", out)
            out = _POSSESSIVE.sub(_expand_s, out)
            out = out.replace("'", " ")
        return out
    folded = _fold_latin(clean_text(text))
    out = folded.lower() if folded.isascii() else "".join(char.lower() for char in folded)
    out = out.translate(_SCRIPTS)
    out = _APOSTROPHES.sub("'", out)
    out = _POSSESSIVE.sub(_expand_s, out)
    out = out.replace("'", " ")
    return _SPACE_BETWEEN_CJK.sub("", out)


_APOSTROPHES = re.compile(r"[’`´]")
_POSSESSIVE = re.compile(r"\b([a-z]+)'s\b")


_CJK_COMMA = re.compile(r"(?<=[\u3400-\u9fff])[,;](?=[\u3400-\u9fff])")
_FULLWIDTH = {",": "，", ";": "；"}
"""NFKC turned the Chinese comma into a Latin one; between Chinese characters it goes back."""


def as_typed(phrase: str, mapped: Mapped, source: str) -> str:
    """``phrase`` (words of ``mapped.text`` in order) as the person typed it: original case,
    accents and script. Each word is looked for from the end, where descriptions sit; the
    phrase comes back unchanged if a word cannot be found."""
    pieces: list[str] = []
    limit = len(mapped.text)
    for word in reversed(phrase.split()):
        pattern = re.escape(word).replace("，", "[，,]").replace("；", "[；;]")
        if word[:1].isalnum() and word[:1].isascii():
            pattern = r"(?<![a-z0-9])" + pattern
        if word[-1:].isalnum() and word[-1:].isascii():
            pattern += r"(?![a-z0-9])"
        found = None
        for candidate in re.finditer(pattern, mapped.text[:limit]):
            found = candidate
        if found is None:
            return phrase
        start, end = found.span()
        piece = source[mapped.origin[start]:mapped.origin[end - 1] + 1]
        pieces.append(_CJK_COMMA.sub(lambda m: _FULLWIDTH[m.group()], piece))
        limit = start
    return " ".join(reversed(pieces))


@dataclass(frozen=True)
class Token:
    """One Latin/digit word and where it sits in the normalized text."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """The Latin-letter and digit words of normalized text, with their character spans."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def has_cjk(text: str) -> bool:
    """Whether the text holds any Chinese characters."""
    return bool(_CJK.search(text))


def cjk_chars(text: str) -> int:
    """How many Chinese characters the text holds."""
    return len(_CJK.findall(text))


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance between a and b, or limit + 1 when it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def _is_transposition(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and (
        a[diff[1]] == b[diff[0]]
    )


def _one_letter_doubled(longer: str, shorter: str) -> bool:
    """Whether longer is shorter with one letter typed twice."""
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[i] == longer[i - 1] and longer[:i] + longer[i + 1:] == shorter
               for i in range(1, len(longer)))


@lru_cache(maxsize=1 << 16)
def typo_of(token: str, word: str) -> bool:
    """Whether token is a plausible typo of keyword word (not an exact match).

    Callers only offer the distinctive keywords people misspell (lexicon.FUZZY_WORDS).

    Careful by design: the first letter must agree (people rarely mistype it, and it keeps
    "eating" from meaning "dating"); a letter typed twice is always forgiven ("animee");
    four- and five-letter words only forgive swapped neighbours ("anmie", "hepl"), six to
    eight letters one edit ("linkdin"), longer words two ("profesionnal").
    """
    if token == word or len(word) < 3 or token[0] != word[0]:
        return False
    if token.isdigit() or word.isdigit():
        return False
    if _one_letter_doubled(token, word) or _one_letter_doubled(word, token):
        return True  # "animee", "oill", "vissa"
    if len(word) < 5:
        return len(word) == 4 and _is_transposition(token, word)  # "hepl"
    if len(word) == 5:
        return _is_transposition(token, word)
    limit = 1 if len(word) <= 8 else 2
    return damerau(token, word, limit) <= limit


_RUN = re.compile(r"([a-z])\1{2,}")
"""A letter typed three or more times running ("thxxx", "pleaseee", "cooool")."""


@lru_cache(maxsize=1 << 14)
def unstretched(token: str) -> tuple[str, ...]:
    """The token with each stretched letter typed once and twice ("cooool" -> "col",
    "cool"); empty when no letter is stretched."""
    if not _RUN.search(token):
        return ()
    return tuple(dict.fromkeys((_RUN.sub(r"\1", token), _RUN.sub(r"\1\1", token))))


def word_matches(token: str, word: str, *, fuzzy: bool) -> bool:
    """Token equals the keyword word, its plural, a stretched spelling of it ("thanksss"), or
    (when fuzzy) a typo of it."""
    if token == word:
        return True
    if len(token) > len(word) and word in unstretched(token):
        return True
    if len(word) >= 3 and token in (word + "s", word + "es") and not word.endswith("s"):
        return True
    if word.endswith("y") and token == word[:-1] + "ies":
        return True
    return fuzzy and typo_of(token, word)
