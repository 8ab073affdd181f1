"""Per-language surface forms: one module per language, each a ``Lexicon`` of data.

The logic in ``core.intent`` reads words only through ``LEXICONS``; adding a language is one
module here (listed in ``CODES``), one catalogue and one corpus section (docs/intent.md).
English and Chinese still keep most of their older words in ``words``, ``style_words``,
``id_words`` and ``expression_words``; their modules here add to those.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace


def _none() -> dict[str, tuple[str, ...]]:
    return {}


@dataclass(frozen=True)
class Lexicon:
    """Every word of one language the recogniser needs. Phrases are matched after the text is
    lower-cased and accent-folded: Latin-script phrases as whole words, others anywhere."""

    code: str
    styles: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """Style key -> phrases naming it ("pintura al oleo" -> oil_painting)."""
    weak: tuple[str, ...] = ()
    """Style phrases that only decide the style when nothing stronger is named ("bosque"
    beside "reina elfa" is where, not which preset), like English's ``WEAK_PHRASES``."""
    stems: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """Style key -> word beginnings that name it inside a compound ("hochzeit" in
    "Hochzeitsporträt"), for languages that glue nouns together."""
    venues: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """Dating vibe (dating_cafe, dating_beach, dating_city, dating_restaurant) -> places."""
    quality: tuple[str, ...] = ()
    """Asking for the best model ("máxima calidad")."""
    speed: tuple[str, ...] = ()
    """Asking for the fastest model ("rápido")."""
    expressions: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """An English expression phrase of ``expression_words`` ("smile", "wink") -> phrases."""
    families: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """Family (dating, travel, sports, avatar) -> phrases naming only the family."""
    id_photo: tuple[str, ...] = ()
    """An ID or passport photo, country not named."""
    visa: tuple[str, ...] = ()
    specs: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """ID specification key -> document or country words ("dni" -> es)."""
    scene_openers: tuple[str, ...] = ()
    """Words opening a wish or a setting after a style ("con traje azul", "im Anzug")."""
    scene_before: tuple[str, ...] = ()
    """Regexes with a group ``x``: a wish written before what it describes, as languages that
    put modifiers first do ("紺のスーツで", "남색 정장 입은", "穿深蓝色西装的")."""
    backgrounds: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    """Backdrop colour (white, blue, red) -> words."""
    ratios: Mapping[str, tuple[str, ...]] = field(default_factory=_none)
    cancel: tuple[str, ...] = ()
    mediums: tuple[str, ...] = ()
    """Looks the catalogue lacks ("a lápis", "Bleistiftzeichnung", "карандашом"), like
    ``style_words.CUSTOM_MEDIUMS``: named, they make the request a custom prompt."""
    random_face: tuple[str, ...] = ()
    """A face of nobody in particular ("cara aleatoria", "someone who does not exist")."""
    questions: tuple[str, ...] = ()
    """A question about the bot, its price or privacy: always help, never a generation."""
    unsure: tuple[str, ...] = ()
    """"I don't know what to pick": help unless something is asked for."""
    greetings: tuple[str, ...] = ()
    laughs: tuple[str, ...] = ()
    """Regexes for laughter however long it is typed ("(?:ha){2,}", "ㅋ{2,}"): chat. Latin ones
    are matched as whole words of the normalized text."""
    not_expressions: tuple[str, ...] = ()
    """Chat holding an expression word: Japanese "いいじゃん笑" is "lol", not a smile."""
    thanks: tuple[str, ...] = ()
    """Thanks and praise: chat."""
    requests: tuple[str, ...] = ()
    """Words that ask for a picture ("hazme", "quero")."""
    pictures: tuple[str, ...] = ()
    """Picture nouns ("foto", "bild", "사진"); also what a number counts."""
    series: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()
    """Words ruling out what follows in their clause ("no quiero", "kein")."""
    not_negations: tuple[str, ...] = ()
    """Phrases that hold a negation word but rule nothing out ("не могли бы вы" is "could
    you", "nicht schlecht" praise), like English's "not sure"."""
    negations_one: tuple[str, ...] = ()
    """"Instead of": rules out only the first look after it, so the next one is the wish
    ("вместо аниме акварель", "anstatt Anime bitte Aquarell"); not also in ``negations``."""
    replaced: tuple[str, ...] = ()
    """"Replace X with Y" verbs: rule out the first look after them when another look follows
    ("cambia el anime por acuarela", "замени аниме на акварель"); one look alone is the wish."""
    paired_negations: tuple[str, ...] = ()
    """Words that rule out what follows only when their clause holds them twice: "ni anime ni
    manga", "né X né Y", "ни X, ни Y" (one "ne" alone is Italian "of it", "ni" alone "nor")."""
    post_negations: tuple[str, ...] = ()
    """Words ruling out what comes just before them ("아니고", "じゃなくて", "말고")."""
    negation_ends: tuple[str, ...] = ()
    """Words where a negation's reach ends ("sondern", "quiero")."""
    joiners: tuple[str, ...] = ()
    """Words listing pictures ("y", "und", "이랑"): two styles joined by one are a series."""
    numbers: Mapping[str, int] = field(default_factory=dict)
    """Number words that count pictures when a picture noun or style follows (never "a")."""
    owners: tuple[str, ...] = ()
    """Possessives before a number word that make it count people or things, not pictures
    ("mis tres hijos", "mes trois enfants"), like English's "my two kids"."""
    units: tuple[str, ...] = ()
    """Words after a number that make it a price, an age, a time or a size, not a count of
    pictures ("5 dólares", "ma fille de 5 ans", "5 лет")."""
    counters: tuple[str, ...] = ()
    """Counter words after a number ("枚", "장", "tấm")."""
    numbers_alone: Mapping[str, int] = field(default_factory=dict)
    """Number words of a counter language that also count without a counter, before a picture
    noun or style ("bốn ảnh"); never one that folds to a counter ("tám" 8 and "tấm" are both
    "tam")."""
    become: tuple[str, ...] = ()
    """Regexes with a group ``x``: what the person becomes ("yo como (?P<x>.+)")."""
    instead: tuple[str, ...] = ()
    """"X instead" / "rather X": the style in this clause replaces the others named."""
    fuzzy: tuple[str, ...] = ()
    """Distinctive single words whose small misspellings are forgiven ("acuarela" also reads
    "acurela"): the first letter must agree, see ``core.intent.text.typo_of``."""
    fillers: tuple[str, ...] = ()
    """Politeness and filler: never part of a scene ("por favor", "bitte")."""
    stopwords: tuple[str, ...] = ()
    """Words that carry no content when deciding whether a description is left."""
    again: tuple[str, ...] = ()
    higher_quality: tuple[str, ...] = ()
    other_style: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()
    """A whole message that only says stop (followups)."""
    go_on: tuple[str, ...] = ()
    """Answers meaning "go ahead" to a photo warning (followups)."""


def extended(base: Lexicon, **more: object) -> Lexicon:
    """``base`` with more phrases: tuple fields joined, mapping fields merged key by key
    (a language module can keep a block of words filled in later beside its first one)."""
    changes: dict[str, object] = {}
    for name, extra in more.items():
        old = getattr(base, name)
        if isinstance(old, tuple):
            changes[name] = tuple(dict.fromkeys((*old, *extra)))  # type: ignore[misc]
        elif isinstance(extra, Mapping) and all(isinstance(v, int) for v in extra.values()):
            changes[name] = {**old, **extra}
        else:
            merged = {key: tuple(phrases) for key, phrases in old.items()}
            for key, phrases in extra.items():  # type: ignore[attr-defined]
                merged[key] = tuple(dict.fromkeys((*merged.get(key, ()), *phrases)))
            changes[name] = merged
    return replace(base, **changes)  # type: ignore[arg-type]


CODES: tuple[str, ...] = ("en", "zh", "es", "pt", "fr", "de", "it", "ru", "ja", "ko", "vi", "id")
"""Languages understood, each ``core.intent.lang.<code>`` holding ``LEXICON``."""


def _load() -> tuple[Lexicon, ...]:
    loaded = []
    for code in CODES:
        module = importlib.import_module(f"core.intent.lang.{code}")
        loaded.append(module.LEXICON)
    return tuple(loaded)


LEXICONS: tuple[Lexicon, ...] = _load()


def every(name: str) -> tuple[str, ...]:
    """One tuple field of every lexicon, joined, duplicates dropped."""
    out: list[str] = []
    for lexicon in LEXICONS:
        out.extend(getattr(lexicon, name))
    return tuple(dict.fromkeys(out))


def every_map(name: str) -> dict[str, tuple[str, ...]]:
    """One mapping field of every lexicon, merged key by key."""
    out: dict[str, list[str]] = {}
    for lexicon in LEXICONS:
        for key, phrases in getattr(lexicon, name).items():
            out.setdefault(key, []).extend(phrases)
    return {key: tuple(dict.fromkeys(phrases)) for key, phrases in out.items()}


def numbers() -> dict[str, int]:
    """Number words of every lexicon."""
    out: dict[str, int] = {}
    for lexicon in LEXICONS:
        out.update(lexicon.numbers)
    return out
