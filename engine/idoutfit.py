"""The offline engine's formal wear for an ID photo: what it can do without an image model.

The AI edit models dress the person ("in a suit", "穿正装") from the prompt (``core.prompts.
OUTFIT_WORDS``). Offline, the person's mask below the neck is recoloured as a dark jacket,
keeping the photo's own light and shade, with a white shirt's V and collar at the throat; the
face, hair and neck are not touched, so the measured crop and its card are the same as without.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine.facedetect import Face

JACKET_RGB = {"suit": (34, 40, 58), "blazer": (40, 44, 52), "formal": (30, 34, 48)}
"""Jacket colour by outfit: navy for a suit, charcoal for a blazer, dark navy for formal wear."""
SHIRT_RGB = (238, 238, 236)
NECK_BELOW_CHIN = 0.3
"""Below the chin by this many face-box heights everything of the person is clothing; above
it only what is not skin (the neck shows)."""
SKIN_DISTANCE = 90
"""Sum of |RGB| differences from the cheeks' colour beyond which a pixel under the chin is clothing."""
V_TOP = 0.12
"""Where the shirt's V starts below the chin, in face-box heights (at the bottom of the neck)."""
V_DEPTH = 1.0
"""How far the shirt's V reaches below the collar, in face-box heights."""
V_HALF_WIDTH = 0.34
"""Half the V's width at the collar line, in face-box widths."""


def dress(patch: np.ndarray, alpha: np.ndarray, face: Face, chin_y: float,
          origin: tuple[int, int], outfit: str) -> np.ndarray:
    """``patch`` (RGB, uint8) with the person's clothes recoloured as ``outfit``.

    ``alpha`` is the person's 0..1 mask over ``patch``; ``face`` and ``chin_y`` are in the
    image's pixels, ``origin`` is where the patch's (0, 0) lies in them.
    """
    jacket = np.array(JACKET_RGB.get(outfit, JACKET_RGB["formal"]), np.float32)
    height, width = patch.shape[:2]
    chin = int(round(chin_y - origin[1]))
    if chin >= height:
        return patch
    cx = face.x + face.w / 2 - origin[0]
    source = patch.astype(np.float32)
    # Skin: the colour of the cheeks, between the eyes and the mouth.
    fx, fy = face.x - origin[0], face.y - origin[1]
    cheeks = source[max(0, int(fy + 0.45 * face.h)) : max(1, int(fy + 0.65 * face.h)),
                    max(0, int(fx + 0.2 * face.w)) : max(1, int(fx + 0.8 * face.w))].reshape(-1, 3)
    skin = np.median(cheeks, axis=0) if cheeks.size else np.array([200, 160, 140], np.float32)
    not_skin = (np.abs(source - skin).sum(axis=2) > SKIN_DISTANCE).astype(np.float32)
    body = np.zeros((height, width), np.float32)
    body[max(0, chin) :, :] = 1.0
    body *= np.clip((alpha - 0.3) / 0.4, 0.0, 1.0)
    # Below the chin only what is not skin is clothing (the neck stays); lower down, all of it.
    below = np.arange(height)[:, None] >= chin + NECK_BELOW_CHIN * face.h
    body = (body * np.where(below, 1.0, not_skin)).astype(np.float32)
    cover = cv2.GaussianBlur(body, (0, 0), 1.5)[..., None]

    # Broad light and shade only, so the old clothes' pattern does not show through.
    light = cv2.GaussianBlur(source.mean(axis=2), (0, 0), max(2.0, face.w / 5))[..., None]
    inside = cover[..., 0] > 0.5
    mean = float(light[inside].mean()) if inside.any() else 1.0
    clothed = np.clip(jacket * (0.8 + 0.2 * light / max(1.0, mean)), 0, 255)

    shirt = np.zeros((height, width), np.uint8)
    top = chin + V_TOP * face.h
    half = V_HALF_WIDTH * face.w
    points = np.array([(cx - half, top), (cx + half, top), (cx, top + V_DEPTH * face.h)], np.int32)
    cv2.fillPoly(shirt, [points], 1)
    shirt_mask = cv2.GaussianBlur(shirt.astype(np.float32), (0, 0), 1.0)[..., None]
    clothed = clothed * (1 - shirt_mask) + np.array(SHIRT_RGB, np.float32) * shirt_mask
    out = source * (1 - cover) + clothed * cover
    return np.clip(out, 0, 255).astype(np.uint8)
