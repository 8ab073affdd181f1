"""Offline expression edits: a modest geometric warp around the face, not a re-animation.

The live-portrait model (seed 004) moves lips, brows and the head. Offline we can only nudge
pixels: ``smile`` lifts the mouth corners, ``aaa``/``woo`` stretch the mouth area, ``eyebrow``
raises the brows, ``rotate_roll`` tilts the head. Other parameters are ignored, and the
caption says the result is an approximation.
"""

from __future__ import annotations

import cv2
import numpy as np

FaceBox = tuple[float, float, float, float]

MAX_SHIFT = 0.06
"""Largest displacement, as a fraction of the face box height, at parameter value 1."""
MAX_ROLL_DEGREES = 15.0
"""Clamp for ``rotate_roll``; more would swing the frame corners into view."""
SUPPORTED = frozenset({"smile", "aaa", "woo", "eyebrow", "rotate_roll"})
"""Live-portrait parameters the offline warp honours."""


def _bump(xs: np.ndarray, ys: np.ndarray, centre: tuple[float, float], radius: float) -> np.ndarray:
    """Gaussian weight around ``centre``: 1 there, fading over ``radius`` pixels."""
    d2 = (xs - centre[0]) ** 2 + (ys - centre[1]) ** 2
    return np.exp(-d2 / (2 * radius * radius)).astype(np.float32)


def warp_expression(image: np.ndarray, face: FaceBox, expression: dict[str, float]) -> np.ndarray:
    """``image`` with the supported expression parameters applied as small local warps."""
    x, y, w, h = face
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    dy = np.zeros((height, width), np.float32)
    dx = np.zeros((height, width), np.float32)
    amount = MAX_SHIFT * h
    cx = x + w / 2
    mouth_y = y + 0.78 * h
    smile = float(np.clip(expression.get("smile", 0.0), -1.5, 1.5))
    if smile:
        for side in (-1, 1):
            corner = (cx + side * 0.2 * w, mouth_y)
            weight = _bump(xs, ys, corner, 0.09 * w)
            dy += weight * amount * smile  # sample from below: the corner moves up
            dx += weight * side * amount * 0.4 * smile
    opening = float(np.clip(expression.get("aaa", 0.0) + expression.get("woo", 0.0), 0, 1.5))
    if opening:
        weight = _bump(xs, ys, (cx, mouth_y + 0.04 * h), 0.1 * w)
        dy -= weight * amount * opening * np.sign(ys - mouth_y)
    brows = float(np.clip(expression.get("eyebrow", 0.0), -1.5, 1.5))
    if brows:
        for side in (-1, 1):
            weight = _bump(xs, ys, (cx + side * 0.22 * w, y + 0.22 * h), 0.12 * w)
            dy += weight * amount * 0.8 * brows
    out = image
    if smile or opening or brows:
        out = cv2.remap(image, xs + dx, ys + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    roll = float(np.clip(expression.get("rotate_roll", 0.0), -MAX_ROLL_DEGREES, MAX_ROLL_DEGREES))
    if roll:
        matrix = cv2.getRotationMatrix2D((cx, y + h / 2), roll, 1.0)
        out = cv2.warpAffine(out, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)
    return out


def unsupported(expression: dict[str, float]) -> list[str]:
    """Parameters with a non-zero value that the offline warp ignores."""
    return sorted(k for k, v in expression.items() if v and k not in SUPPORTED)
