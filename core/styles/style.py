"""The shape of one style preset and of a style category."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

BACKGROUND_PLACEHOLDER = "{background}"
"""Where an ID-style prompt names its backdrop colour; filled by ``core.prompts``."""


@dataclass(frozen=True)
class Category:
    """A group of styles, shown under one heading (seed 000 §5: A, B, D, O, T, U)."""

    code: str
    name_en: str
    name_zh: str

    def name(self, language: str | None) -> str:
        """The heading in ``language`` ("zh" or anything else for English)."""
        return self.name_zh if (language or "").startswith("zh") else self.name_en


@dataclass(frozen=True)
class Style:
    """One style: the prompt the engine gets and how the chat shows it."""

    key: str
    """Stable id: style buttons, ``/anime`` commands, intent JSON, job data."""
    category: str
    """A ``Category.code``."""
    name_en: str
    name_zh: str
    prompt: str
    """The seven elements of seed 000 §8: subject, attire, pose, expression, background,
    lighting, quality anchors. ID styles hold ``{background}`` for the backdrop colour."""
    aspect_ratio: str = "1:1"
    """Default output ratio when the person does not ask for one."""
    likeness: bool = True
    """Prepend the likeness instruction in edit mode; avatars skip it (seed 000 §8)."""
    seed: int | None = None
    """A pinned seed: same prompt + seed gives the same look for every person (seed 001)."""
    needs_photo: bool = True
    """False for an operator's text-only style: no reference photo, no photo pre-flight."""
    background: str | None = None
    """ID styles: the default backdrop colour key ("white", "blue")."""
    emoji: str = ""
    best_for_en: str = ""
    best_for_zh: str = ""
    model: str | None = None
    """Operator styles may pin a model key (a seed only repeats a look on the same model)."""
    keywords: tuple[str, ...] = ()
    """Extra chat words that pick this style (operator styles; presets live in the intent table)."""
    source: str = "preset"
    """"preset" (seed 000 §5) or "operator" (the STYLES_FILE)."""

    def name(self, language: str | None) -> str:
        """The display name in ``language`` ("zh" or anything else for English)."""
        return self.name_zh if (language or "").startswith("zh") else self.name_en

    def best_for(self, language: str | None) -> str:
        """What the style is good for, in ``language``."""
        return (self.best_for_zh or self.best_for_en) if (language or "").startswith("zh") else self.best_for_en

    @property
    def is_id_photo(self) -> bool:
        return self.background is not None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly object (``portraitbot styles --json``)."""
        data = asdict(self)
        data["keywords"] = list(self.keywords)
        return data
