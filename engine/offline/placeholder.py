"""Placeholder portraits for text-to-image requests (random faces, a prompt with no photo).

With no photo and no image model there is no person to show, so the offline engine draws an
obvious stand-in: the style's palette as a gradient, a head-and-shoulders silhouette, and the
style's name, then runs the style's filter over it. Nobody can mistake it for a portrait.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.offline.treatments import RGB, Treatment

SILHOUETTE_SHADE = 0.45
"""How dark the silhouette is against the backdrop's lighter colour (fraction of it)."""


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> np.ndarray:
    width, height = size
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    colours = np.array(top, np.float32) * (1 - ramp) + np.array(bottom, np.float32) * ramp
    return np.broadcast_to(colours, (height, width, 3)).astype(np.uint8)


def placeholder_portrait(
    size: tuple[int, int], treatment: Treatment, label: str, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """(RGB array, face box) of a stylised stand-in portrait labelled ``label``."""
    width, height = size
    top, bottom = treatment.palette
    image = Image.fromarray(np.ascontiguousarray(_gradient(size, top, bottom)), "RGB")
    draw = ImageDraw.Draw(image)
    shade = tuple(int(c * SILHOUETTE_SHADE) for c in max(top, bottom, key=sum))
    # Seeded jitter so several previews of one request are not identical.
    cx = width * (0.5 + rng.uniform(-0.05, 0.05))
    head = min(width, height) * rng.uniform(0.22, 0.27)
    cy = height * 0.42
    draw.ellipse([cx - head * 1.7, cy + head * 1.0, cx + head * 1.7, cy + head * 5.0], fill=shade)
    draw.rectangle([cx - head * 0.35, cy + head * 0.6, cx + head * 0.35, cy + head * 1.4], fill=shade)
    draw.ellipse([cx - head * 0.8, cy - head, cx + head * 0.8, cy + head], fill=shade)
    font = ImageFont.load_default(size=max(14, height // 18))
    text = label.replace("_", " ")
    box = draw.textbbox((0, 0), text, font=font)
    tx = (width - (box[2] - box[0])) / 2
    ty = height * 0.9 - (box[3] - box[1])
    draw.text((tx + 2, ty + 2), text, font=font, fill=(0, 0, 0))
    draw.text((tx, ty), text, font=font, fill=(255, 255, 255))
    face = (cx - head * 0.8, cy - head * 0.7, head * 1.6, head * 1.6)
    return np.asarray(image).copy(), face
