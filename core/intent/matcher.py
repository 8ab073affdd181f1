"""Find lexicon phrases in a message: whole English words (typos forgiven where allowed) and
Chinese phrases anywhere, each hit labelled ("style:anime", "spec:ca", "ratio:9:16")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from core.intent import expression_words, id_words, style_words, words
from core.intent.lang import every, every_map
from core.intent.text import Token, normalize, tokenize, unstretched, word_matches


@dataclass(frozen=True)
class Hit:
    """One phrase found in the text: its label, character span and phrase."""

    label: str
    start: int
    end: int
    phrase: str
    weak: bool = False

    @property
    def kind(self) -> str:
        return self.label.partition(":")[0]

    @property
    def value(self) -> str:
        return self.label.split(":", 1)[1] if ":" in self.label else ""


class _Phrase(NamedTuple):
    label: str
    text: str
    words: tuple[str, ...]
    weak: bool
    fuzzy: tuple[bool, ...] = ()
    """For each word, whether its typos are forgiven (``_FUZZY``)."""


CONTENT_KINDS = frozenset({"style", "family", "venue", "medium", "id", "random"})
"""Kinds that compete for the same words: a longer phrase hides the shorter ones inside it."""


_FUZZY: frozenset[str] = style_words.FUZZY_WORDS | frozenset(normalize(w) for w in every("fuzzy"))
"""Words whose small typos are forgiven: the English table's and every lexicon's."""
_WORD = re.compile(r"[a-z0-9]+")
"""A word of normalized text, as ``tokenize`` finds them."""


def _entries(label: str, phrases: Iterable[str], weak: frozenset[str] = frozenset()) -> list[
    _Phrase
]:
    out = []
    for phrase in phrases:
        text = normalize(phrase)
        words = tuple(_WORD.findall(text))
        out.append(_Phrase(label, text, words, phrase in weak,
                           tuple(word in _FUZZY for word in words)))
    return out


_SIZE = re.compile(r"^\d+ ?x ?\d+$")


def _build() -> list[_Phrase]:
    table: list[_Phrase] = []
    for key, phrases in style_words.STYLE_WORDS.items():
        table += _entries(f"style:{key}", (*phrases, key.replace("_", " ")),
                          style_words.WEAK_PHRASES)
    for family, phrases in style_words.FAMILY_WORDS.items():
        table += _entries(f"family:{family}", phrases)
    for key, phrases in style_words.DATING_VENUES.items():
        table += _entries(f"venue:{key}", phrases)
    table += _entries("medium:", style_words.CUSTOM_MEDIUMS)
    table += _entries("id:", id_words.ID_WORDS)
    table += _entries("visa:", id_words.VISA_WORDS)
    for spec, phrases in id_words.SPEC_WORDS.items():
        table += _entries(f"spec:{spec}", phrases)
        sized = [p + unit for p in phrases if _SIZE.match(p) for unit in id_words.SIZE_UNITS]
        table += _entries(f"spec:{spec}", sized) + _entries("id:", sized)
    table += _entries("china:", id_words.CHINA_WORDS)
    table += _entries("schengen:", id_words.SCHENGEN_COUNTRIES)
    for colour, phrases in id_words.BACKGROUND_WORDS.items():
        table += _entries(f"bg:{colour}", phrases)
    table += _entries("quality:", words.QUALITY_WORDS)
    table += _entries("speed:", words.SPEED_WORDS)
    for model, phrases in words.MODEL_NAMES.items():
        table += _entries(f"model:{model}", phrases)
    for ratio, phrases in words.ORIENTATION_WORDS.items():
        table += _entries(f"ratio:{ratio}", phrases)
    table += _entries("place:", words.NOT_ORIENTATION)
    table += _entries("anymodel:", words.ANY_MODEL)
    table += _entries("cancel:", words.CANCEL_WORDS)
    table += _entries("help:", words.UNSURE_WORDS)
    table += _entries("help:", words.HELP_WORDS)
    table += _entries("price:", words.PRICE_WORDS)
    table += _entries("price:", words.SERVICE_QUESTIONS)
    table += _entries("series:", words.SERIES_WORDS)
    table += _entries("random:", words.RANDOM_FACE_WORDS)
    table += _entries("go:", words.GO_ANYWAY_WORDS)
    table += _entries("photo:", words.PHOTO_NOUNS)
    table += _entries("request:", words.REQUEST_WORDS)
    table += _entries("talk:", words.SMALL_TALK)
    table += _entries("praise:", words.PRAISE_WORDS)
    for index, (phrases, _params) in enumerate(expression_words.EXPRESSION_WORDS):
        table += _entries(f"expr:{index}", _whose_face(phrases))
    table += _entries("chat:", expression_words.NOT_EXPRESSIONS)
    table += _entries("stronger:", expression_words.STRONGER)
    table += _entries("weaker:", expression_words.WEAKER)
    return [p for p in table if p.text.strip()] + _lexicon_entries()


_LEXICON_KINDS: tuple[tuple[str, str], ...] = (
    ("id_photo", "id:"), ("visa", "visa:"), ("cancel", "cancel:"), ("questions", "price:"),
    ("unsure", "help:"), ("greetings", "talk:"), ("thanks", "praise:"),
    ("requests", "request:"), ("pictures", "photo:"), ("series", "series:"),
    ("fillers", "filler:"), ("quality", "quality:"), ("speed", "speed:"),
    ("random_face", "random:"), ("not_expressions", "chat:"), ("mediums", "medium:"),
)
"""Lexicon fields (``core.intent.lang``) and the hit label each phrase gets."""
_LEXICON_MAPS: tuple[tuple[str, str], ...] = (
    ("styles", "style"), ("families", "family"), ("specs", "spec"), ("backgrounds", "bg"),
    ("ratios", "ratio"), ("venues", "venue"),
)


def _lexicon_entries() -> list[_Phrase]:
    """Every language module's phrases, labelled like the older tables' ones."""
    table: list[_Phrase] = []
    for name, label in _LEXICON_KINDS:
        table += _entries(label, every(name))
    weak = frozenset(every("weak"))
    for name, kind in _LEXICON_MAPS:
        for key, phrases in every_map(name).items():
            table += _entries(f"{kind}:{key}", phrases, weak)
    for anchor, phrases in every_map("expressions").items():
        index = next(i for i, (known, _) in enumerate(expression_words.EXPRESSION_WORDS)
                     if anchor in known)
        table += _entries(f"expr:{index}", phrases)
    return [p for p in table if p.text.strip()]


_OWNERS = ("my", "your", "her", "his", "their", "the")
"""Whose face an expression phrase names: "open my mouth" also reads "open her mouth"."""


def _whose_face(phrases: Iterable[str]) -> list[str]:
    """Each phrase, and with "my" or "your" swapped for the other owners."""
    out: list[str] = []
    for phrase in phrases:
        out.append(phrase)
        words = phrase.split()
        for owner in ("my", "your"):
            if owner in words:
                at = words.index(owner)
                out += [" ".join([*words[:at], other, *words[at + 1:]])
                        for other in _OWNERS if other != owner]
    return list(dict.fromkeys(out))


_TABLE: list[_Phrase] = _build()


@dataclass
class Found:
    """All hits in one message, with the normalized text and its tokens."""

    text: str
    tokens: list[Token]
    hits: list[Hit] = field(default_factory=list)
    negated: list[tuple[int, int]] = field(default_factory=list)
    """Spans of words a negation ruled out ("not anime"), see ``negation``."""
    typed: str = ""
    """The message as the person typed it (cleaned), when known."""
    origin: tuple[int, ...] = ()
    """For each character of ``text``, its index in ``typed``."""

    def as_typed(self, start: int, end: int) -> str:
        """``text[start:end]`` as the person typed it (their case, accents and script)."""
        if not self.typed or end <= start or end > len(self.origin):
            return self.text[start:end]
        return self.typed[self.origin[start]:self.origin[end - 1] + 1]

    def of(self, kind: str) -> list[Hit]:
        """Hits of one kind, in reading order."""
        return [h for h in self.hits if h.kind == kind]

    def has(self, kind: str) -> bool:
        return any(h.kind == kind for h in self.hits)


def _extra_entries(extra_styles: Mapping[str, Sequence[str]] | None) -> list[_Phrase]:
    if not extra_styles:
        return []
    table: list[_Phrase] = []
    for key, names in extra_styles.items():
        table += _entries(f"style:{key}", (*names, key.replace("_", " ")))
    return [p for p in table if p.text.strip()]


_LATIN_ONLY = re.compile(r"^[a-z0-9 ]+$")
"""Phrases matched word by word; any other script (or a mix: "3d аватар") is a substring."""


_MAX_CACHED_TOKENS = 50_000
"""Tokens whose candidate phrases are kept; past this the cache starts again."""


class _Index:
    """Phrases grouped so a message is only compared with the phrases that could match it:
    word phrases by their first word (and, for forgivable words, by first letter), the rest
    (Chinese, emoji) searched as substrings."""

    def __init__(self, phrases: Iterable[_Phrase]) -> None:
        self.by_first: dict[str, list[_Phrase]] = {}
        self.fuzzy_by_start: dict[tuple[str, int], dict[str, list[_Phrase]]] = {}
        """Forgivable word phrases by first letter and first word's length, then by that
        word: a token only matches a first word within two letters of its own length (plural,
        typo), and only phrases whose first word it does match are tried."""
        self.substrings: list[_Phrase] = []
        self.substrings_by_char: dict[str, list[tuple[int, _Phrase]]] = {}
        """Substring phrases by their first character: only those whose first character
        occurs in a message are searched for."""
        self._candidates: dict[str, tuple[_Phrase, ...]] = {}
        self._starting: dict[str, tuple[_Phrase, ...]] = {}
        for phrase in dict.fromkeys(phrases):  # one of each, as the sets of candidates were
            if phrase.words and _LATIN_ONLY.match(phrase.text):
                first = phrase.words[0]
                self.by_first.setdefault(first, []).append(phrase)
                if first in _FUZZY:
                    self.fuzzy_by_start.setdefault((first[0], len(first)), {}).setdefault(
                        first, []).append(phrase)
            else:
                self.substrings.append(phrase)
                self.substrings_by_char.setdefault(phrase.text[0], []).append(
                    (len(self.substrings), phrase))

    def starting(self, token: str) -> tuple[_Phrase, ...]:
        """The candidates whose first word this token is (kept per token, like them): a
        one-word one is then a hit wherever the token stands."""
        known = self._starting.get(token)
        if known is not None:
            return known
        out = tuple(p for p in self.candidates(token)
                    if word_matches(token, p.words[0], fuzzy=p.fuzzy[0]))
        if len(self._starting) > _MAX_CACHED_TOKENS:
            self._starting.clear()
        self._starting[token] = out
        return out

    def candidates(self, token: str) -> tuple[_Phrase, ...]:
        """Word phrases whose first word this token might be (kept per token: the same words
        come back in message after message)."""
        known = self._candidates.get(token)
        if known is not None:
            return known
        found: dict[int, _Phrase] = {}
        for form in sorted(_base_forms(token)):
            found.update((id(p), p) for p in self.by_first.get(form, ()))
        letter, size = token[:1], len(token)
        for length in range(size - 2, size + 3):
            for first, phrases in self.fuzzy_by_start.get((letter, length), {}).items():
                if word_matches(token, first, fuzzy=True):
                    found.update((id(p), p) for p in phrases)
        if len(self._candidates) > _MAX_CACHED_TOKENS:
            self._candidates.clear()
        self._candidates[token] = out = tuple(found.values())
        return out


def _base_forms(token: str) -> set[str]:
    """The token and the singular it may be the plural of (word_matches decides)."""
    forms = {token, *unstretched(token)}
    if token.endswith("s"):
        forms.add(token[:-1])
    if token.endswith("es"):
        forms.add(token[:-2])
    if token.endswith("ies"):
        forms.add(token[:-3] + "y")
    return forms


_INDEX = _Index(_TABLE)


def find(text: str, extra_styles: Mapping[str, Sequence[str]] | None = None) -> Found:
    """Every lexicon phrase in already-normalized ``text``; shorter hits inside longer ones of
    the same family of kinds are dropped."""
    tokens = tokenize(text)
    indexes = [_INDEX]
    extra = _extra_entries(extra_styles)
    if extra:
        indexes.append(_Index(extra))
    hits: list[Hit] = []
    for index in indexes:
        for i, token in enumerate(tokens):
            for phrase in index.starting(token.text):
                if len(phrase.words) == 1:
                    hits.append(Hit(phrase.label, token.start, token.end, phrase.text,
                                    phrase.weak))
                else:
                    hit = _match_rest(phrase, tokens, i)
                    if hit:
                        hits.append(hit)
        candidates = sorted(pair for char in set(text)
                            for pair in index.substrings_by_char.get(char, ()))
        joined = _Joined.of(text)
        for _order, phrase in candidates:  # in table order, as if all were searched
            if joined and _HANGUL.search(phrase.text):
                hits += joined.hits(phrase)
                continue
            start = text.find(phrase.text)
            cyrillic = _CYRILLIC.match(phrase.text) is not None
            while start >= 0:
                if not (cyrillic and start and _CYRILLIC.match(text, start - 1)):
                    hits.append(Hit(phrase.label, start, start + len(phrase.text), phrase.text,
                                    phrase.weak))
                start = text.find(phrase.text, start + 1)
    hits += _compound_hits(tokens)
    if _LAUGHS:
        hits += [Hit("talk:", m.start(), m.end(), m.group()) for m in _LAUGHS.finditer(text)]
    return Found(text, tokens, _drop_contained(_without_colours(hits, text)))


_COLOURED = re.compile(r"\s*(?:suit|blazer|jacket|coat|dress|sweater|shirt|hoodie|top|pants|trousers"
                       r"|skirt|tie|jumper|cardigan|turtleneck|gown|vest|tux|tuxedo|hair|background"
                       r"|backdrop|wall|grey|gray|blue|black)s?\b")
"""A look word right before one of these names a colour or a material ("a charcoal suit",
"a mosaic wall"), not how the picture is made."""


def _without_colours(hits: list[Hit], text: str) -> list[Hit]:
    return [h for h in hits if not (h.kind == "medium" and _COLOURED.match(text, h.end))]


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
"""Cyrillic phrases are stems matched at the start of a word, so one covers every case ending
("акварел" in "акварельный") but "сколько" is not read inside "несколько", nor "топ" in "стоп"."""
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_SPACE_IN_HANGUL = re.compile(r"(?<=[\uac00-\ud7a3])\s+(?=[\uac00-\ud7a3])")


@dataclass(frozen=True)
class _Joined:
    """Korean text with the spaces between its syllables left out, and where each of its
    characters sits in the text: people space Korean words as they like ("졸업사진",
    "가족 사진", "책읽는"), so a Korean phrase is looked for with its spaces left out too."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Joined | None:
        if not _HANGUL.search(text):
            return None
        keep = [i for i, char in enumerate(text)
                if not (char.isspace() and 0 < i < len(text) - 1
                        and _HANGUL.match(text[i - 1]) and _HANGUL.match(text[i + 1]))]
        return cls("".join(text[i] for i in keep), tuple(keep))

    def hits(self, phrase: _Phrase) -> list[Hit]:
        """The phrase's hits, spans in the text's own characters."""
        squeezed = _SPACE_IN_HANGUL.sub("", phrase.text)
        out = []
        start = self.text.find(squeezed)
        while start >= 0:
            end = start + len(squeezed)
            out.append(Hit(phrase.label, self.origin[start], self.origin[end - 1] + 1,
                           phrase.text, phrase.weak))
            start = self.text.find(squeezed, start + 1)
        return out


def _laughs() -> re.Pattern[str] | None:
    """One pattern for every laugh: the Latin ones share their word bounds (checked once at
    each character, not once per laugh), the others follow; no text starts a laugh of both
    kinds, so the order between the two groups changes no match."""
    latin: list[str] = []
    other: list[str] = []
    for pattern in every("laughs"):
        (latin if re.match(r"^[\x00-\x7f]+$", pattern) else other).append(f"(?:{pattern})")
    patterns = [rf"(?<![a-z0-9])(?:{'|'.join(latin)})(?![a-z0-9])"] if latin else []
    patterns += other
    return re.compile("|".join(patterns)) if patterns else None


_LAUGHS = _laughs()
"""Every lexicon's laughter, however long ("hahahaha", "wkwkwk", "ㅋㅋㅋㅋ")."""


_STEMS: tuple[tuple[str, str], ...] = tuple(sorted(
    ((normalize(stem), f"style:{key}") for key, stems in every_map("stems").items()
     for stem in stems), key=lambda pair: -len(pair[0])))
"""Compound beginnings, longest first ("weihnachts" before "weih")."""
_STEMS_BY_START: dict[str, tuple[tuple[str, str], ...]] = {
    start: tuple(pair for pair in _STEMS if pair[0][:3] == start)
    for start in {stem[:3] for stem, _ in _STEMS}}
"""The same, by their first three letters (every stem has at least three)."""


def _compound_hits(tokens: list[Token]) -> list[Hit]:
    """A style named at the start of a compound word ("Aquarellporträt", "Wanderfoto")."""
    hits = []
    for token in tokens:
        for stem, label in _STEMS_BY_START.get(token.text[:3], ()):
            if len(token.text) > len(stem) + 2 and token.text.startswith(stem):
                hits.append(Hit(label, token.start, token.end, token.text))
                break
    return hits


def _match_rest(phrase: _Phrase, tokens: list[Token], i: int) -> Hit | None:
    """``_match_at`` for a phrase of several words whose first word is known to match."""
    words = phrase.words
    size = len(words)
    if i + size > len(tokens):
        return None
    fuzzy = phrase.fuzzy
    if all(word_matches(tokens[i + j].text, words[j], fuzzy=fuzzy[j]) for j in range(1, size)):
        return Hit(phrase.label, tokens[i].start, tokens[i + size - 1].end, phrase.text,
                   phrase.weak)
    if phrase.label.startswith("expr:"):
        return _loose_match(phrase, tokens, i)
    return None


_SOFTENERS = frozenset({"slightly", "a", "bit", "little", "just", "gently", "more", "over",
                        "towards", "toward"})
"""Words that may sit inside an expression phrase ("turn my face slightly to the left")."""
_MAX_SOFTENERS = 3


def _loose_match(phrase: _Phrase, tokens: list[Token], i: int) -> Hit | None:
    """An expression phrase with a few softening words inside it (never before its first)."""
    j = i
    skipped = 0
    for n, word in enumerate(phrase.words):
        while (n and j < len(tokens) and not word_matches(tokens[j].text, word, fuzzy=False)
               and tokens[j].text in _SOFTENERS and skipped < _MAX_SOFTENERS):
            j += 1
            skipped += 1
        if j >= len(tokens) or not word_matches(tokens[j].text, word, fuzzy=False):
            return None
        j += 1
    return Hit(phrase.label, tokens[i].start, tokens[j - 1].end, phrase.text, phrase.weak)


def _group(kind: str) -> str:
    if kind in ("place", "filler"):
        return "ratio"  # "Times Square" hides the word "square", "long story but" the "story"
    if kind in ("praise", "talk"):
        return "request"  # "做得很好" hides the "做" in it, "はじめまして" the "して"
    if kind == "chat":
        return "expr"  # "笑死" hides the smile in it
    if kind == "anymodel":
        return "price"  # "随便哪个模型都行" is no question about models
    return "content" if kind in CONTENT_KINDS else kind


_PLATFORMS_IN_RATIO = frozenset({"style:social_media"})
"""An "Instagram story" is upright and for social media; other words inside an
orientation phrase ("portrait orientation") are only the orientation."""


def _drop_contained(hits: list[Hit]) -> list[Hit]:
    kept = []
    for hit in hits:
        inside_longer = any(
            other.start <= hit.start and hit.end <= other.end
            and (other.end - other.start) > (hit.end - hit.start)
            and (_group(other.kind) == _group(hit.kind)
                 or (other.kind == "ratio" and hit.kind in CONTENT_KINDS
                     and hit.label not in _PLATFORMS_IN_RATIO))
            for other in hits
        )
        if not inside_longer:
            kept.append(hit)
    kept.sort(key=lambda h: (h.start, -(h.end - h.start)))
    return kept
