"""The style catalogue: presets as data (``presets.py``), operator templates on top.

Import from here: ``from core.styles import Catalogue, Style``.
"""

from core.styles.catalogue import DEFAULT_STYLE, Catalogue
from core.styles.operator import parse_operator_styles
from core.styles.presets import BACKGROUND_WORDS, CATEGORIES, PRESETS
from core.styles.style import BACKGROUND_PLACEHOLDER, Category, Style

__all__ = [
    "BACKGROUND_PLACEHOLDER",
    "BACKGROUND_WORDS",
    "CATEGORIES",
    "DEFAULT_STYLE",
    "PRESETS",
    "Catalogue",
    "Category",
    "Style",
    "parse_operator_styles",
]
