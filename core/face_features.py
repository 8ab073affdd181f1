"""Face features for random face prompts (seed 002's ``face_features.json``), as data.

Five categories, each a mapping of feature to the words it may take. Add words freely;
a new feature inside a category is picked up too. Every word reads after its feature name
("oval" face, "hooded" eyes), so keep them adjectives or short adjective phrases.
"""

from __future__ import annotations

FACE_FEATURES: dict[str, dict[str, list[str]]] = {
    "Shape": {
        "Face": ["round", "oval", "square", "heart-shaped", "diamond-shaped", "oblong",
                 "triangular", "long", "rectangular", "pear-shaped"],
        "Eye": ["large", "medium-sized", "small", "almond-shaped", "round", "hooded",
                "monolid", "upturned", "downturned", "deep-set", "protruding", "narrow"],
        "Eyebrow": ["thin", "thick", "bushy", "sparse", "medium-thickness", "straight-cut",
                    "tapered", "feathered"],
        "Nose": ["button", "aquiline", "Roman", "Greek", "snub", "hawk", "wide", "narrow",
                 "upturned", "bulbous", "flat-bridged", "straight-bridged"],
        "Lips": ["thin", "full", "medium", "heart-shaped", "wide", "bow-shaped",
                 "downturned", "round", "thin upper and full lower"],
        "Cheek": ["slender", "rounded", "hollow", "chubby", "sculpted", "soft"],
        "Chin": ["pointed", "rounded", "square", "cleft", "receding", "prominent", "narrow",
                 "broad"],
        "Hairline": ["high", "low", "straight", "widow's peak", "M-shaped", "rounded",
                     "receding", "uneven"],
    },
    "Structure": {
        "Eye": ["wide-set", "close-set", "evenly spaced", "slightly asymmetric"],
        "Eyebrow": ["arched", "straight", "softly angled", "high-arched", "flat",
                    "rounded", "s-shaped"],
        "Nose": ["straight", "crooked", "slightly curved", "long", "short", "prominent",
                 "delicate"],
        "Jawline": ["strong", "soft", "angular", "rounded", "chiselled", "narrow", "wide",
                    "tapered"],
        "Cheekbones": ["high", "low", "prominent", "subtle", "wide"],
        "Forehead": ["broad", "narrow", "high", "low", "sloping", "rounded"],
    },
    "Texture & Features": {
        "Skin Texture": ["smooth", "textured", "porous", "fine-grained", "weathered",
                         "dewy", "matte", "slightly oily"],
        "Skin Features": ["freckled", "clear", "with a small mole on one cheek",
                          "with light acne scars", "with faint laugh lines",
                          "with a beauty mark above the lip", "with crow's feet",
                          "sun-kissed", "with faint under-eye circles", "with dimples"],
        "Cheek": ["rosy", "pale", "flushed", "sun-tanned", "lightly blushed"],
        "Lips": ["dry", "moist", "glossy", "chapped", "naturally pink", "matte"],
    },
    "Color": {
        "Eye": ["brown", "dark brown", "hazel", "blue", "green", "gray", "amber",
                "light brown", "blue-green", "black"],
        "Skin Tone": ["fair", "light", "medium", "olive", "tan", "brown", "dark",
                      "deep", "porcelain", "golden"],
        "Skin Undertones": ["warm", "cool", "neutral", "olive", "golden", "pink"],
        "Hair": ["black", "dark brown", "chestnut", "auburn", "blonde", "platinum blonde",
                 "red", "gray", "salt-and-pepper", "light brown"],
    },
    "Expression": {
        "Eye": ["bright", "narrow", "wide open", "relaxed", "squinting slightly",
                "sparkling", "soft", "focused", "sleepy"],
        "Eyebrow": ["raised", "furrowed", "relaxed", "slightly lifted", "neutral",
                    "one raised"],
        "Lips": ["smiling", "neutral", "slightly parted", "pursed", "grinning",
                 "smirking", "closed in a soft smile", "pouting"],
    },
}
"""Category → feature → possible words."""

BASE_INSTRUCTION = (
    "Create a 1024x1024 pixel photorealistic head-and-shoulders portrait of this person, "
    "facing the camera, centred, on a plain pure white background, with no accessories "
    "(no glasses, jewelry, hats, headphones or piercings), soft even studio lighting, "
    "sharp focus, natural skin detail."
)
"""Seed 002: the fixed composition every random face prompt ends with."""
