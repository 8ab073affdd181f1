"""The style catalogue as data: every preset of seed 000 §5, its names and its prompt.

The presets themselves live one module per category (``presets_identity``, ``presets_showcase``,
``presets_themed``, ``presets_avatars``, ``presets_family``, ``presets_id``); ``PRESETS`` joins
them in display order. To add a preset, append a ``Style(...)`` to its category's module (the
key must be new, lowercase letters, digits and ``_``). Each prompt follows seed 000 §8's seven
elements, in order: subject, attire, pose, expression, background, lighting, quality anchors.
Edit-mode requests get the likeness instruction in front (``core.prompts``) unless
``likeness=False``. Operators can override or add styles without touching these files
(``examples/styles.toml``).
"""

from __future__ import annotations

from core.styles.presets_avatars import AVATARS
from core.styles.presets_family import FAMILY
from core.styles.presets_id import ID_PHOTOS
from core.styles.presets_identity import IDENTITY
from core.styles.presets_showcase import SHOWCASE
from core.styles.presets_themed import THEMED
from core.styles.style import Category, Style

CATEGORIES: tuple[Category, ...] = (
    Category("A", "Identity styles", "人像风格"),
    Category("B", "Showcase, dating & social", "个人展示 · 交友 · 社交"),
    Category("D", "Themed & scene portraits", "主题场景写真"),
    Category("O", "Digital avatars", "数字头像"),
    Category("T", "Children & family", "儿童与家庭"),
    Category("U", "ID & passport photos", "证件照"),
    Category("C", "Custom styles", "自定义风格"),
)
"""In display order. "C" holds operator styles that name no other category."""

BACKGROUND_WORDS: dict[str, str] = {
    "white": "plain uniform pure white (#FFFFFF)",
    "blue": "plain uniform light blue (#438EDB)",
    "red": "plain uniform red (#D9001B)",
    "gray": "plain uniform light gray (#E5E5E5)",
}
"""ID-photo backdrop colours, as the prompt words them. Chinese ID photos use white, blue
(RGB 67,142,219) and red; the hex codes help models that honour them."""

PRESETS: tuple[Style, ...] = (*IDENTITY, *SHOWCASE, *THEMED, *AVATARS, *FAMILY, *ID_PHOTOS)
"""Every preset, in display order: the categories' own order, each category's in its module."""
