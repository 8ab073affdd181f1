"""Category T, children & family portraits, in display order.

Part of the preset data; ``core.styles.presets`` assembles ``PRESETS`` from these.
"""

from __future__ import annotations

from core.styles.style import Style

FAMILY: tuple[Style, ...] = (
    Style(
        key="child_portrait", category="T", emoji="🧒", aspect_ratio="3:4",
        name_en="Child portrait", name_zh="儿童写真",
        best_for_en="Family keepsake", best_for_zh="家庭纪念",
        prompt=(
            "gentle portrait of the child in the photo, "
            "wearing soft comfortable clothes in light pastel colours, "
            "natural playful pose sitting on a blanket, "
            "innocent bright smile, curious happy eyes, "
            "airy sunlit nursery background with soft toys in gentle focus, "
            "soft diffused natural window light, "
            "heartwarming family photography quality, shallow depth of field, "
            "keep facial features recognizable"
        ),
    ),
    Style(
        key="family_photo", category="T", emoji="👪", aspect_ratio="4:3",
        name_en="Family photo", name_zh="全家福",
        best_for_en="Family portrait", best_for_zh="家庭合影",
        prompt=(
            "warm family portrait of the people in the photo together, "
            "wearing coordinated outfits in soft neutral colours, "
            "close relaxed group pose, arms around each other, "
            "natural joyful smiles, "
            "outdoor park background with autumn trees in soft focus, "
            "golden hour warm light with soft fill, "
            "professional family photography quality, sharp faces, "
            "keep every person's facial features recognizable"
        ),
    ),
)
