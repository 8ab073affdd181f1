"""Category O, digital avatars: stylisation first, so no likeness prefix; in display order.

Part of the preset data; ``core.styles.presets`` assembles ``PRESETS`` from these.
"""

from __future__ import annotations

from core.styles.style import Style

AVATARS: tuple[Style, ...] = (
    Style(
        key="avatar_3d", category="O", emoji="🧸", aspect_ratio="1:1", likeness=False,
        name_en="3D cartoon avatar", name_zh="3D 卡通头像",
        best_for_en="Social avatar, Pixar style", best_for_zh="社交头像、皮克斯风",
        prompt=(
            "3D cartoon character avatar based on the person in the photo, "
            "wearing their everyday outfit simplified into clean shapes, "
            "close-up face, head and shoulders, slight friendly head tilt, "
            "big warm smile with expressive eyes, "
            "simple soft gradient background that matches the character style, "
            "soft global illumination with a gentle rim light, "
            "Pixar and Disney animation style, high quality 3D render, "
            "stylized but maintains individual features: hair, face shape and signature traits"
        ),
    ),
    Style(
        key="avatar_gaming", category="O", emoji="🎮", aspect_ratio="1:1", likeness=False,
        name_en="Gaming avatar", name_zh="游戏头像",
        best_for_en="Game profile, RPG", best_for_zh="游戏资料、RPG 角色",
        prompt=(
            "epic fantasy RPG hero avatar based on the person in the photo, "
            "wearing ornate battle armour with a flowing cloak, "
            "heroic three-quarter pose, weapon over the shoulder, "
            "fierce determined expression, "
            "dramatic battlefield background with glowing magic particles that matches the character style, "
            "dramatic rim lighting with volumetric light beams, "
            "League of Legends splash art style, highly detailed digital painting, "
            "stylized but maintains individual features"
        ),
    ),
    Style(
        key="avatar_vtuber", category="O", emoji="✨", aspect_ratio="1:1", likeness=False,
        name_en="VTuber avatar", name_zh="虚拟主播头像",
        best_for_en="Streaming, VTuber", best_for_zh="直播、虚拟主播",
        prompt=(
            "VTuber anime avatar based on the person in the photo, "
            "wearing a colourful idol-style outfit with cute accessories, "
            "close-up face, portrait orientation, front-facing pose ready for streaming, "
            "cheerful lively expression with big sparkling eyes, "
            "simple pastel gradient background with soft sparkles that matches the character style, "
            "bright soft anime lighting with glowing highlights, "
            "Live2D VTuber model art style, cel-shaded, clean line art, "
            "stylized but maintains individual features"
        ),
    ),
)
