"""Operator templates (seed 001): styles from the operator's TOML file, checked on load.

The file holds ``[[style]]`` tables (see ``examples/styles.toml``). A table whose ``key``
names a preset overrides only the fields it gives; a new key adds a style, which needs at
least a ``prompt``. Every mistake is a ``ConfigError`` sentence naming the style and field.
This module parses text; the composition root reads the file (``engine.styles_file``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from typing import Any

from core.errors import ConfigError
from core.models import ALL_ASPECT_RATIOS, MODELS
from core.styles.presets import BACKGROUND_WORDS, CATEGORIES, PRESETS
from core.styles.style import BACKGROUND_PLACEHOLDER, Style

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
"""Style keys double as chat commands (/corp_blue): Telegram allows a-z, 0-9, _ and 32 chars."""
MAX_PROMPT_CHARS = 2000
"""An operator prompt longer than this is almost surely a paste error; models cap prompts too."""
MAX_NAME_CHARS = 40
"""Names go on buttons; Telegram cuts long button labels."""
MAX_BEST_FOR_CHARS = 120
"""A best-for line sits beside the name in the style list."""
MAX_SEED = 2**31 - 1
"""Seeds are passed as 32-bit signed integers by the fal and headshot APIs."""
DEFAULT_CATEGORY = "C"
"""Where a new operator style goes when it names no category."""

_TEXT_FIELDS = ("name_en", "name_zh", "prompt", "emoji", "best_for_en", "best_for_zh")
_FIELDS = (
    "key", "category", *_TEXT_FIELDS, "aspect_ratio", "likeness", "seed", "needs_photo",
    "background", "model", "keywords",
)


def parse_operator_styles(toml_text: str, base: dict[str, Style] | None = None) -> list[Style]:
    """The styles of an operator's TOML file; ``base`` (default: the presets) is what a key overrides."""
    presets = base if base is not None else {s.key: s for s in PRESETS}
    try:
        document = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"styles file: not valid TOML: {error}") from None
    extra = sorted(set(document) - {"style"})
    if extra:
        raise ConfigError(
            f"styles file: unknown top-level key {extra[0]!r}; write each style as a [[style]] table"
        )
    tables = document.get("style", [])
    if not isinstance(tables, list):
        raise ConfigError("styles file: 'style' must be an array of tables: write [[style]], not [style]")
    styles: list[Style] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        style = _parse_one(table, number, presets)
        if style.key in seen:
            raise ConfigError(f"styles file: style {style.key!r} is defined twice")
        seen.add(style.key)
        styles.append(style)
    return styles


def _parse_one(table: dict[str, Any], number: int, presets: dict[str, Style]) -> Style:
    key = table.get("key")
    if not isinstance(key, str) or not key:
        raise ConfigError(f"styles file: style number {number} has no key")
    if not KEY_PATTERN.match(key):
        raise ConfigError(
            f"styles file: style {key!r} has a bad key; use 2-32 lowercase letters, digits "
            "and _, starting with a letter"
        )
    check = _Checker(key)
    unknown = sorted(set(table) - set(_FIELDS))
    if unknown:
        raise ConfigError(
            f"styles file: style {key!r} has unknown field {unknown[0]!r} "
            f"(known fields: {', '.join(_FIELDS)})"
        )
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in table:
            values[name] = check.text(name, table[name])
    if "category" in table:
        values["category"] = check.choice("category", table["category"], [c.code for c in CATEGORIES])
    if "aspect_ratio" in table:
        values["aspect_ratio"] = check.choice("aspect_ratio", table["aspect_ratio"], ALL_ASPECT_RATIOS)
    for name in ("likeness", "needs_photo"):
        if name in table:
            values[name] = check.boolean(name, table[name])
    if "seed" in table:
        values["seed"] = check.seed(table["seed"])
    if "background" in table:
        values["background"] = check.choice("background", table["background"], list(BACKGROUND_WORDS))
    if "model" in table:
        values["model"] = check.choice("model", table["model"], list(MODELS))
    if "keywords" in table:
        values["keywords"] = check.keywords(table["keywords"])

    preset = presets.get(key)
    if preset is not None:
        style = replace(preset, source="operator", **values)
    else:
        if "prompt" not in values:
            raise ConfigError(f"styles file: style {key!r} has no prompt")
        name_en = values.pop("name_en", key.replace("_", " ").capitalize())
        style = Style(
            key=key,
            category=values.pop("category", DEFAULT_CATEGORY),
            name_en=name_en,
            name_zh=values.pop("name_zh", name_en),
            prompt=values.pop("prompt"),
            source="operator",
            **values,
        )
    if BACKGROUND_PLACEHOLDER in style.prompt and style.background is None:
        raise ConfigError(
            f"styles file: style {key!r} uses {BACKGROUND_PLACEHOLDER} in its prompt but sets no background"
        )
    return style


class _Checker:
    """Checks one field of one style and words the error."""

    def __init__(self, key: str) -> None:
        self.key = key

    def fail(self, sentence: str) -> ConfigError:
        return ConfigError(f"styles file: style {self.key!r} {sentence}")

    def text(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(f"has {name} = {value!r}; it must be text in quotes")
        cleaned = " ".join(value.split())
        if name == "prompt" and not cleaned:
            raise self.fail("has no prompt")
        if name.startswith("name") and not cleaned:
            raise self.fail(f"has an empty {name}")
        limit = {"prompt": MAX_PROMPT_CHARS, "best_for_en": MAX_BEST_FOR_CHARS,
                 "best_for_zh": MAX_BEST_FOR_CHARS}.get(name, MAX_NAME_CHARS)
        if len(cleaned) > limit:
            raise self.fail(f"has a {name} of {len(cleaned)} characters; the limit is {limit}")
        return cleaned

    def choice(self, name: str, value: Any, allowed: Any) -> str:
        allowed = list(allowed)
        if value not in allowed:
            raise self.fail(f"has {name} {value!r}; use one of {', '.join(allowed)}")
        return str(value)

    def boolean(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"has {name} = {value!r}; write true or false")
        return value

    def seed(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_SEED:
            raise self.fail(f"has seed {value!r}; it must be a positive whole number up to {MAX_SEED}")
        return value

    def keywords(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail("has keywords that are not a list of words in quotes")
        return tuple(v.strip().lower() for v in value)
