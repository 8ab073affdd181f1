"""Which offline treatment each style gets: one table, data only.

A ``Treatment`` names a filter family (see ``engine.offline.families``) and the few colours
that make a style recognisable inside its family: the scene tint washed in from the edges,
a two-colour themed frame, the warmth of the grade, the placeholder's palette. Unknown styles
and custom prompts fall back to keywords in the prompt, then to the default treatment.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

FAMILIES = (
    "anime", "avatar_3d", "oil_painting", "watercolor", "vintage", "neon", "portrait",
    "dramatic", "scene", "id_photo", "default",
)
"""The filter families; every treatment uses one of them."""


@dataclass(frozen=True)
class Treatment:
    """How the offline engine renders one style."""

    family: str
    tint: RGB | None = None
    """Scene colour washed in from the edges (a café's brown, a beach's blue)."""
    frame: tuple[RGB, RGB] | None = None
    """Themed border: outer band and inner line colours."""
    warmth: float = 0.0
    """White balance shift, -1 (cool) to 1 (warm)."""
    palette: tuple[RGB, RGB] = ((60, 70, 90), (190, 185, 175))
    """Placeholder backdrop gradient (top, bottom) for text-to-image previews."""
    background: str | None = None
    """ID photos: the backdrop colour used when the request names none (the spec follows
    from it and the style: ``core.idspecs.default_spec_key``)."""


_T = Treatment
STYLE_TREATMENTS: dict[str, Treatment] = {
    # A: identity-consistent character styles
    "professional": _T("portrait", warmth=0.1, palette=((70, 80, 95), (160, 165, 170))),
    "artistic": _T("dramatic", warmth=0.3, palette=((20, 15, 10), (120, 90, 60))),
    "anime": _T("anime", palette=((120, 170, 230), (250, 220, 230))),
    "cyberpunk": _T("neon", palette=((20, 10, 40), (200, 30, 160))),
    "oil_painting": _T("oil_painting", warmth=0.3, palette=((60, 40, 25), (170, 130, 80))),
    "watercolor": _T("watercolor", palette=((150, 190, 220), (245, 235, 220))),
    "vintage": _T("vintage", palette=((90, 70, 50), (200, 180, 150))),
    "casual": _T("scene", warmth=0.35, palette=((150, 180, 200), (230, 215, 190))),
    # B: personal showcase / dating / social
    "dating_cafe": _T("scene", tint=(150, 95, 55), warmth=0.5,
                      palette=((110, 70, 40), (220, 180, 140))),
    "dating_beach": _T("scene", tint=(70, 170, 215), warmth=0.4,
                       palette=((90, 180, 230), (240, 215, 160))),
    "dating_city": _T("scene", tint=(85, 95, 130), warmth=0.1,
                      palette=((60, 70, 100), (180, 170, 160))),
    "dating_restaurant": _T("scene", tint=(120, 40, 35), warmth=0.5,
                            palette=((60, 20, 20), (200, 150, 100))),
    "travel_europe": _T("scene", tint=(200, 165, 115), warmth=0.3,
                        palette=((140, 170, 210), (220, 200, 160))),
    "travel_japan": _T("scene", tint=(235, 160, 185), warmth=0.1,
                       palette=((240, 190, 205), (200, 220, 235))),
    "travel_tropical": _T("scene", tint=(30, 185, 160), warmth=0.4,
                          palette=((40, 170, 200), (250, 220, 150))),
    "sports_gym": _T("scene", tint=(40, 40, 55), warmth=-0.2,
                     palette=((30, 30, 40), (120, 120, 130))),
    "sports_running": _T("scene", tint=(245, 145, 45), warmth=0.4,
                         palette=((250, 170, 80), (120, 170, 210))),
    "social_media": _T("scene", tint=(245, 115, 175), warmth=0.2,
                       palette=((250, 140, 190), (255, 210, 150))),
    "linkedin": _T("portrait", warmth=0.05, palette=((40, 80, 130), (170, 185, 200))),
    "personal_brand": _T("portrait", warmth=0.25, palette=((50, 50, 60), (210, 190, 160))),
    # D: themed / scene portraits
    "christmas": _T("scene", tint=(175, 30, 40), frame=((185, 20, 30), (20, 125, 55)),
                    warmth=0.4, palette=((20, 90, 50), (190, 30, 40))),
    "halloween": _T("scene", tint=(105, 40, 140), frame=((240, 120, 20), (90, 30, 120)),
                    warmth=0.2, palette=((40, 10, 60), (240, 120, 20))),
    "graduation": _T("scene", tint=(30, 45, 95), frame=((25, 35, 85), (215, 175, 60)),
                     warmth=0.2, palette=((30, 40, 90), (200, 180, 120))),
    "wedding": _T("scene", tint=(255, 242, 232), frame=((250, 248, 240), (215, 185, 120)),
                  warmth=0.2, palette=((250, 240, 235), (220, 200, 190))),
    "business_speech": _T("portrait", tint=(25, 35, 70), warmth=0.1,
                          palette=((15, 20, 45), (90, 110, 160))),
    "musician": _T("scene", tint=(150, 40, 200), warmth=-0.1,
                   palette=((30, 10, 50), (200, 60, 180))),
    "chef": _T("scene", tint=(235, 225, 205), warmth=0.4, palette=((200, 190, 170), (120, 90, 60))),
    "outdoor_adventure": _T("scene", tint=(70, 120, 60), warmth=0.3,
                            palette=((120, 170, 210), (80, 120, 70))),
    "pet_together": _T("scene", tint=(200, 150, 90), warmth=0.4,
                       palette=((170, 200, 140), (230, 200, 160))),
    "reading": _T("scene", tint=(130, 90, 55), warmth=0.5, palette=((90, 60, 40), (210, 180, 140))),
    "night_city": _T("neon", tint=(40, 60, 160), palette=((10, 15, 50), (90, 40, 150))),
    "hanfu": _T("scene", tint=(165, 35, 35), frame=((150, 25, 25), (215, 170, 70)),
                warmth=0.4, palette=((150, 30, 30), (235, 210, 170))),
    # O: digital avatars
    "avatar_3d": _T("avatar_3d", palette=((120, 190, 250), (255, 220, 180))),
    "avatar_gaming": _T("avatar_3d", tint=(110, 50, 190), warmth=-0.2,
                        palette=((30, 20, 70), (120, 60, 200))),
    "avatar_vtuber": _T("anime", tint=(250, 170, 210), palette=((250, 190, 220), (190, 210, 255))),
    # T: children and family
    "child_portrait": _T("scene", tint=(250, 215, 180), warmth=0.3,
                         palette=((250, 220, 190), (200, 230, 250))),
    "family_photo": _T("scene", tint=(225, 195, 150), warmth=0.4,
                       palette=((200, 220, 180), (235, 210, 170))),
    # U: ID / passport photos
    "id_photo_white": _T("id_photo", background="white",
                         palette=((255, 255, 255), (235, 235, 235))),
    "id_photo_blue": _T("id_photo", background="blue",
                        palette=((67, 142, 219), (67, 142, 219))),
}
"""Every preset style (seed 000 §5) mapped to its offline treatment."""

DEFAULT_TREATMENT = Treatment("default", warmth=0.15)
"""For custom prompts and operator styles that name nothing we recognise."""

PROMPT_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("passport", "id photo", "visa photo", "证件照", "护照", "签证"), "id_photo_white"),
    (("anime", "manga", "ghibli", "cartoon", "cel-shaded", "动漫", "卡通", "二次元"), "anime"),
    (("oil painting", "impasto", "油画"), "oil_painting"),
    (("watercolor", "watercolour", "水彩"), "watercolor"),
    (("vintage", "retro", "sepia", "film grain", "复古", "老照片"), "vintage"),
    (("cyberpunk", "neon", "sci-fi", "赛博"), "cyberpunk"),
    (("pixar", "3d cartoon", "3d avatar", "disney", "3d"), "avatar_3d"),
    (("christmas", "圣诞"), "christmas"),
    (("halloween", "万圣"), "halloween"),
    (("wedding", "婚纱", "婚礼"), "wedding"),
    (("hanfu", "汉服"), "hanfu"),
    (("headshot", "linkedin", "corporate", "professional", "职业照", "商务"), "professional"),
    (("beach", "海边", "沙滩"), "dating_beach"),
    (("night city", "city at night", "urban night", "夜景"), "night_city"),
)
"""Words in a custom prompt that pick a style's treatment, tried in order."""


def treatment_for(style: str | None, prompt: str = "") -> tuple[str | None, Treatment]:
    """(style key used, treatment) for a style key, else for keywords in ``prompt``."""
    if style and style in STYLE_TREATMENTS:
        return style, STYLE_TREATMENTS[style]
    lowered = prompt.lower()
    for words, key in PROMPT_KEYWORDS:
        if any(word in lowered for word in words):
            return key, STYLE_TREATMENTS[key]
    return style, DEFAULT_TREATMENT
