"""Category U, ID & passport photos, in display order (each prompt's ``{background}`` becomes
its backdrop colour's words).

Part of the preset data; ``core.styles.presets`` assembles ``PRESETS`` from these.
"""

from __future__ import annotations

from core.styles.style import Style

ID_PHOTOS: tuple[Style, ...] = (
    Style(
        key="id_photo_white", category="U", emoji="🪪", aspect_ratio="3:4", background="white",
        name_en="ID photo (white background)", name_zh="证件照（白底）",
        best_for_en="Passport, driver's license", best_for_zh="护照、驾照",
        prompt=(
            "official ID photo of the person, "
            "wearing neat plain dark clothing with no accessories, no glasses, no hat, "
            "head and shoulders, facing the camera squarely, head centred and upright, both ears visible, "
            "neutral calm expression with mouth closed, eyes open looking into the lens, "
            "{background} background with no texture or shadow, "
            "even flat lighting with no shadows on the face or background, "
            "true-to-life skin tones, sharp focus, passport photo standard, "
            "keep facial features exactly as in the reference"
        ),
    ),
    Style(
        key="id_photo_blue", category="U", emoji="🛂", aspect_ratio="3:4", background="blue",
        name_en="ID photo (blue background)", name_zh="证件照（蓝底）",
        best_for_en="Visa, work permit", best_for_zh="签证、工作证",
        prompt=(
            "official ID photo of the person, "
            "wearing neat plain clothing with no accessories, no glasses, no hat, "
            "head and shoulders, facing the camera squarely, head centred and upright, both ears visible, "
            "neutral calm expression with mouth closed, eyes open looking into the lens, "
            "{background} background with no texture or shadow, "
            "even flat lighting with no shadows on the face or background, "
            "true-to-life skin tones, sharp focus, visa photo standard, "
            "keep facial features exactly as in the reference"
        ),
    ),
)
