"""The catalogue: the presets, with the operator's styles laid over them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from core.errors import UserInputError
from core.styles.presets import CATEGORIES, PRESETS
from core.styles.style import Category, Style

DEFAULT_STYLE = "professional"
"""Seed 000 §4: the style when none is named (also the base for a scene on its own)."""


class Catalogue:
    """Styles by key, in display order. Later styles with the same key replace earlier ones."""

    def __init__(self, styles: Iterable[Style], categories: Iterable[Category] = CATEGORIES):
        self._styles: dict[str, Style] = {}
        for style in styles:
            self._styles[style.key] = style
        self._categories = tuple(categories)

    @classmethod
    def presets(cls) -> Catalogue:
        """The built-in styles of seed 000 §5."""
        return cls(PRESETS)

    def merged(self, styles: Iterable[Style]) -> Catalogue:
        """A new catalogue with ``styles`` added, or replacing the same keys in place."""
        return Catalogue([*self._styles.values(), *styles], self._categories)

    def get(self, key: str | None) -> Style | None:
        """The style with this key, or None."""
        return self._styles.get(key) if key else None

    def require(self, key: str) -> Style:
        """The style with this key; ``UserInputError("styles.unknown")`` when there is none."""
        style = self._styles.get(key)
        if style is None:
            raise UserInputError("styles.unknown", style=key)
        return style

    def keys(self) -> list[str]:
        return list(self._styles)

    def all(self) -> list[Style]:
        """Every style, in display order."""
        return list(self._styles.values())

    def categories(self) -> tuple[Category, ...]:
        """The categories that hold at least one style, in display order."""
        return tuple(category for category, _ in self.by_category())

    def by_category(self) -> list[tuple[Category, list[Style]]]:
        """Non-empty categories in display order, each with its styles in catalogue order."""
        groups: list[tuple[Category, list[Style]]] = []
        for category in self._categories:
            members = [s for s in self._styles.values() if s.category == category.code]
            if members:
                groups.append((category, members))
        return groups

    def category(self, code: str) -> Category | None:
        return next((c for c in self._categories if c.code == code), None)

    def __getitem__(self, key: str) -> Style:
        return self._styles[key]

    def __contains__(self, key: object) -> bool:
        return key in self._styles

    def __iter__(self) -> Iterator[Style]:
        return iter(self._styles.values())

    def __len__(self) -> int:
        return len(self._styles)

    def __repr__(self) -> str:
        return f"Catalogue({len(self)} styles)"
