"""`portraitbot styles` — the style catalogue as a table by category, or as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata

from core.i18n import SUPPORTED_LANGUAGES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("--json", action="store_true", help="print a JSON list of style objects")
    parser.add_argument(
        "--lang", choices=SUPPORTED_LANGUAGES, default="en", help="language of names in the table"
    )


def main(args: argparse.Namespace) -> int:
    import locales
    from core.errors import ConfigError
    from core.settings import Settings
    from engine.styles_file import load_catalogue

    try:
        # Only STYLES_FILE matters here: a listing should not fail on an unrelated setting.
        settings = Settings.from_env({"STYLES_FILE": os.environ.get("STYLES_FILE", "")})
        catalogue = load_catalogue(settings)
    except ConfigError as error:
        print(f"portraitbot styles: {error}", file=sys.stderr)
        return 2

    if args.json:
        objects = []
        for category, styles in catalogue.by_category():
            for style in styles:
                objects.append(
                    {
                        **style.to_dict(),
                        "category_name_en": category.name_en,
                        "category_name_zh": category.name_zh,
                    }
                )
        print(json.dumps(objects, ensure_ascii=False, indent=2))
        return 0

    messages = locales.load()
    lang = args.lang
    rows = [
        (style.key, f"{style.emoji} {style.name(lang)}".strip(), style.best_for(lang), style.source)
        for style in catalogue
    ]
    key_width = max(_width(r[0]) for r in rows)
    name_width = max(_width(r[1]) for r in rows)
    mark = messages.text(lang, "styles.operator_mark")
    print(messages.text(lang, "styles.list_title", count=len(catalogue)))
    header = (
        _pad(messages.text(lang, "styles.column_key"), key_width)
        + "  "
        + _pad(messages.text(lang, "styles.column_name"), name_width)
        + "  "
        + messages.text(lang, "styles.column_best_for")
    )
    for category, styles in catalogue.by_category():
        print()
        print(f"{category.code} · {category.name(lang)}")
        print(header)
        for style in styles:
            name = f"{style.emoji} {style.name(lang)}".strip()
            best = style.best_for(lang)
            if style.source != "preset":
                best = f"{best} {mark}".strip()
            print(f"{_pad(style.key, key_width)}  {_pad(name, name_width)}  {best}".rstrip())
    return 0


def _width(text: str) -> int:
    """Terminal columns: CJK and emoji take two; marks, and glyphs joined by ZWJ, none."""
    width = 0
    joined = False
    for char in text:
        if char == "\ufe0f":
            width += 1  # emoji presentation turns a one-column symbol into a two-column emoji
        elif char == "\u200d":
            joined = True
        elif joined:
            joined = False
        elif not unicodedata.combining(char) and unicodedata.category(char) not in ("Mn", "Cf"):
            width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))
