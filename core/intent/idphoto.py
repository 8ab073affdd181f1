"""ID and passport photos: specification, backdrop and preset, by the rule in id_words."""

from __future__ import annotations

from dataclasses import replace

from core.idspecs import SPECS, refused_background
from core.intent import id_words
from core.intent.matcher import Found
from core.intent.outfit_words import outfit_of
from core.request import Intent

VISA_CHOICES: tuple[str, ...] = (
    "us", "schengen", "uk", "cn_visa", "jp_visa", "ca", "au", "kr", "in", "icao",
)
"""Offered when a visa photo names no country: the visas asked for most, ICAO for the rest."""
PASSPORT_CHOICES: tuple[str, ...] = (
    "cn_passport", "us", "uk", "ca", "au", "de", "fr", "jp_passport", "in", "icao",
)
"""Offered when a passport photo names no country."""


def id_photo(found: Found, forced: str | None, base: Intent,
             new_colour: str | None = None) -> Intent:
    """ID photo: specification, backdrop and preset, following id_words' rule; a colour the
    person asks to change to ("白底换成蓝底") wins over one merely mentioned."""
    spec = _id_spec(found)
    base = replace(base, outfit=outfit_of(found.text))  # "穿正装", "in a suit"
    colours = found.of("bg")
    background = new_colour or (colours[0].value if colours else None) or next(
        (c for word, c in id_words.CUSTOM_BACKGROUND.items() if word in found.text), None)
    visa = forced == "id_photo_blue" or found.has("visa")
    refused = refused_background(spec, background)
    if refused:
        # "Canadian passport photo, blue background": Canada takes white; name what is made.
        style = id_words.BACKGROUND_STYLE.get(refused, "id_photo_white")
    elif background:
        style = id_words.BACKGROUND_STYLE[background]
    elif spec in id_words.SPEC_BACKGROUND:
        style = id_words.BACKGROUND_STYLE[id_words.SPEC_BACKGROUND[spec]]
    elif spec in SPECS and "blue" not in SPECS[spec].backgrounds:
        style = "id_photo_white"  # "UK visa photo": the office's light backdrop, never blue
    else:
        style = "id_photo_blue" if visa else "id_photo_white"
    if spec is None and background is None and not found.has("china"):
        # "签证照", "visa photo": sizes and backdrops differ by country, so ask, don't guess.
        if found.has("visa"):
            return replace(base, action="choose_id_spec", style=style, choices=VISA_CHOICES,
                           aspect_ratio=None)
        if "passport" in found.text or "护照" in found.text:
            return replace(base, action="choose_id_spec", style=style,
                           choices=PASSPORT_CHOICES, aspect_ratio=None)
    return replace(base, action="generate", style=style, id_spec=spec, background=background,
                   aspect_ratio=None)


def _id_spec(found: Found) -> str | None:
    named = found.of("spec")
    sizes = [h for h in named if h.value in ("cn_1inch", "cn_2inch") or "x" in h.phrase]
    if sizes:
        return sizes[0].value
    if named:
        spec = named[0].value
        if found.has("visa") and spec in _SCHENGEN_MEMBERS:
            return "schengen"  # a German visa is a Schengen visa
        if spec == "jp_visa" and not found.has("visa") and _says_passport(found):
            return "jp_passport"
        if spec == "cn_passport" and found.has("visa") and not _says_passport(found):
            return "cn_visa"  # a visa to China, not a Chinese passport
        if spec == "jp_passport" and found.has("visa") and not _says_passport(found):
            return "jp_visa"  # "visa japonesa": a visa to Japan
        return spec
    passport_or_visa = found.has("visa") or "passport" in found.text or "护照" in found.text
    if found.has("china") and passport_or_visa:
        return "cn_visa" if found.has("visa") and not _says_passport(found) else "cn_passport"
    if found.has("schengen"):
        return "schengen" if found.has("visa") else "icao"
    return None


_SCHENGEN_MEMBERS = frozenset({"de", "fr", "it", "es"})
"""Specs of Schengen countries: their visa photo follows the Schengen rule."""


def _says_passport(found: Found) -> bool:
    return any(w in found.text for w in ("passport", "护照", "パスポート", "여권", "паспорт",
                                         "pasaporte", "passaporte", "passeport", "reisepass",
                                         "passaporto", "ho chieu", "paspor"))
