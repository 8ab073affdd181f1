"""The pre-flight check: is this photo likely to give a portrait that looks like the person?

Seed 000 §13: poor face consistency comes from poor photos (not front-facing, badly lit,
group photos). Before any money is spent, ``check_photo`` looks for one clear, large, lit,
sharp face and otherwise returns a tip (a message id) saying what to send instead. It never
raises for a bad photo: the caller shows the tip and lets the person insist ("go anyway"),
and skips the check for text-only styles. Local and fast (tens of ms on a 2 K image; a big
photo with no face at all is searched again in tiles, up to ~1 s, to tell "too far" from "none").

Checks, in the order a person would fix them:
no face → several faces → face too small → too dark → too blurry → eyes hidden → turned away.
The last two need the face model's landmarks (``engine.faces``, the default detector); with
the Haar fallback they are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
from PIL import Image

from engine.facedetect import DETECT_MAX_SIDE, Face, FaceDetector
from engine.intake import Photo

SECOND_FACE_MIN_RATIO = 0.5
"""Another face at least this fraction of the main face's width makes it a group photo;
smaller ones are strangers in the background and do no harm."""
SECOND_FACE_MIN_CONFIDENCE = 0.5
"""Detector confidence (0..1) another face needs before we call the photo a group photo:
a false second face would make the tip absurd."""
FACE_MIN_FRACTION = 0.12
"""Face box width / the photo's shorter side. Below this the face is a small part of a
full-body or scenery shot, and providers lose the identity."""
FACE_MIN_PIXELS = 80
"""Face box width in pixels of the working image; smaller faces carry too little detail.
(Was 96: a real 512 px portrait, NASA's astronaut photo, has a 96 px Haar box that shrinks
to ~89 px when blurred, so the photo flipped between "ok" and "come closer"; 80 keeps it
stable while a 54 px face, the same photo at half size, still gets the tip.)"""
IMAGE_TOO_DARK_MEAN = 40
"""Mean luminance (0-255) of the whole photo below which "no face" is really "too dark"."""
FACE_TOO_DARK_P90 = 60
"""90th percentile of luminance (0-255) inside the face box. The bright end is used, not the
mean, so darker skin in good light passes: even it has highlights well above this."""
ROLL_RETRY_DEGREES = (20.0, -20.0)
"""Head tilts (degrees) the photo is turned by and searched again when no face is found
upright: the frontal cascades miss a face rolled more than ~15-20 degrees (measured on the
real test photo: found at -15..+20, lost at -20 and +-25), and a tilted selfie is common."""
TILE_FRACTION = 0.5
"""Side of each of the nine overlapping tiles (steps of a quarter) searched again when the
whole photo shows no face, as a fraction of the photo's side. A face of 5 % of a big frame is
below the detector's smallest window on the whole photo but 10 % of a tile, so the person
hears "come closer" rather than "no face". (Four tiles of 0.55 missed the real 5 % face.)
Costs ~0.2-0.5 s, only on big photos with no face."""
RETRY_MIN_CONFIDENCE = 0.7
"""Detector confidence a face found only by a second search (turned or tiled) needs: two of
second cascade, eyes, strong support. False faces in brick, coffee cup and motorbike photos
measured 0.45-0.50, the real tiny and tilted faces 0.75+: without this a brick wall was told
to come closer and a coffee cup passed as a face."""
SHARPNESS_SAMPLE_SIDE = 128
"""Pixels: the face box is resampled to this square before measuring sharpness, so the
measure means the same for a small and a large face (and shrinking averages sensor noise)."""
TOO_BLURRY_BELOW = 2.0
"""Variance of the Laplacian divided by the face's own variance, x100, on the sample. Sharp
faces measure 10-40; a blur of about 1.5 % of the face width measures ~2. Conservative on
purpose: only clearly blurry faces get the tip."""
EYE_CONTRAST_MIN = 0.15
"""Luminance spread (5th to 95th percentile) in a patch around each eye over the same spread in
the whole face. Open eyes (iris, white, lid, lashes) measure 0.37-0.96 on the real faces here
(the astronaut, opencv-doc's messi5 and basketball1/2); dark glasses or a hand over the eyes
measure ~0.0. The lower of the two eyes is used: one covered eye is already a problem."""
EYE_PATCH_FRACTION = 0.22
"""Half-width of each eye patch as a fraction of the distance between the eyes."""
TURN_MAX = 0.35
"""How far the base of the nose sits from the midpoint of the eyes, along the eye line, over
the distance between the eyes. Frontal faces measure ~0.02 (the astronaut), a slight turn
0.19 (messi5), about 30 degrees 0.23-0.26 (basketball1/2); beyond 0.35 the far side of the
face is hidden and models invent it."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of the check: ``ok``, or a tip (message id + params) and what was measured."""

    message_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    face: Face | None = None
    face_count: int = 0
    brightness: float | None = None
    """90th percentile luminance in the face (or the photo's mean when no face), 0-255."""
    sharpness: float | None = None
    eye_contrast: float | None = None
    """The lower of the two eyes' EYE_CONTRAST measure; None without landmarks."""
    turn: float | None = None
    """The TURN measure (signed); None without landmarks."""

    @property
    def ok(self) -> bool:
        return self.message_id is None


def check_photo(photo: Photo | Image.Image, detector: FaceDetector) -> Verdict:
    """Look for one clear, large, lit, sharp face; return a tip when there is none."""
    image = photo.image if isinstance(photo, Photo) else photo.convert("RGB")
    grey = np.asarray(image.convert("L"))
    faces = (detector.detect(image) or _faces_when_tilted(image, detector)
             or _faces_in_tiles(image, detector))
    if not faces:
        mean = float(grey.mean())
        tip = "preflight.too_dark" if mean < IMAGE_TOO_DARK_MEAN else "preflight.no_face"
        return Verdict(message_id=tip, brightness=round(mean, 1))
    face = faces[0]
    others = [
        f for f in faces[1:]
        if f.w >= face.w * SECOND_FACE_MIN_RATIO and f.confidence >= SECOND_FACE_MIN_CONFIDENCE
    ]
    count = 1 + len(others)
    region = _face_region(grey, face)
    brightness = round(float(np.percentile(region, 90)), 1)
    sharpness = round(sharpness_of(region), 2)
    eye_contrast = eye_contrast_of(grey, face)
    turn = turn_of(face)
    measured = Verdict(face=face, face_count=count, brightness=brightness, sharpness=sharpness,
                       eye_contrast=eye_contrast, turn=turn)
    if count > 1:
        return replace(measured, message_id="preflight.several_faces", params={"count": count})
    if face.w < FACE_MIN_PIXELS or face.w < min(image.size) * FACE_MIN_FRACTION:
        return replace(measured, message_id="preflight.face_too_small")
    if brightness < FACE_TOO_DARK_P90:
        return replace(measured, message_id="preflight.too_dark")
    if sharpness < TOO_BLURRY_BELOW:
        return replace(measured, message_id="preflight.too_blurry")
    if eye_contrast is not None and eye_contrast < EYE_CONTRAST_MIN:
        return replace(measured, message_id="preflight.eyes_hidden")
    if turn is not None and abs(turn) > TURN_MAX:
        return replace(measured, message_id="preflight.not_frontal")
    return measured


def _eye_centres(face: Face) -> tuple[np.ndarray, np.ndarray] | None:
    """Both eye centres from the five landmarks (outer and inner corner of each eye)."""
    points = face.landmarks
    if points is None or len(points) < 5:
        return None
    p = np.asarray(points[:5], np.float64)
    return (p[0] + p[1]) / 2, (p[2] + p[3]) / 2


def turn_of(face: Face) -> float | None:
    """Signed offset of the nose base from the eyes' midpoint along the eye line, over the
    distance between the eyes (0 for a frontal face), or None without landmarks."""
    eyes = _eye_centres(face)
    if eyes is None or face.landmarks is None:
        return None
    first, second = eyes
    distance = float(np.linalg.norm(second - first))
    if distance < 1.0:
        return None
    along = (second - first) / distance
    nose = np.asarray(face.landmarks[4], np.float64)
    return round(float(np.dot(nose - (first + second) / 2, along)) / distance, 3)


def eye_contrast_of(grey: np.ndarray, face: Face) -> float | None:
    """The lower eye's luminance spread relative to the face's (see EYE_CONTRAST_MIN)."""
    eyes = _eye_centres(face)
    region = _face_region(grey, face)
    if eyes is None or region.size == 0:
        return None
    spread = float(np.percentile(region, 95) - np.percentile(region, 5))
    if spread < 1.0:
        return 0.0
    half = max(3, round(EYE_PATCH_FRACTION * float(np.linalg.norm(eyes[1] - eyes[0]))))
    height, width = grey.shape
    contrasts = []
    for centre in eyes:
        x, y = round(float(centre[0])), round(float(centre[1]))
        patch = grey[max(0, y - half // 2) : min(height, y + half // 2 + 1),
                     max(0, x - half) : min(width, x + half + 1)]
        if patch.size == 0:
            return None
        contrasts.append(float(np.percentile(patch, 95) - np.percentile(patch, 5)) / spread)
    return round(min(contrasts), 3)


def _faces_when_tilted(image: Image.Image, detector: FaceDetector) -> list[Face]:
    """Faces found once the photo is turned upright by ROLL_RETRY_DEGREES, in photo pixels."""
    width, height = image.size
    for angle in ROLL_RETRY_DEGREES:
        turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)
        faces = [f for f in detector.detect(turned) if f.confidence >= RETRY_MIN_CONFIDENCE]
        if not faces:
            continue
        # Map each box centre back (PIL turns counter-clockwise; y points down).
        cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
        back = []
        for face in faces:
            dx, dy = face.centre[0] - turned.width / 2, face.centre[1] - turned.height / 2
            cx = width / 2 + dx * cos - dy * sin
            cy = height / 2 + dx * sin + dy * cos
            back.append(replace(face, x=round(cx - face.w / 2), y=round(cy - face.h / 2),
                                eyes=None, landmarks=None))
        return back
    return []


def _faces_in_tiles(image: Image.Image, detector: FaceDetector) -> list[Face]:
    """Credible faces found in overlapping tiles, in whole-photo pixels, largest first."""
    width, height = image.size
    if max(width, height) <= DETECT_MAX_SIDE:
        return []  # the whole photo was searched at full size: tiles see nothing new
    tile_w, tile_h = round(width * TILE_FRACTION), round(height * TILE_FRACTION)
    found: list[Face] = []
    for left in (0, (width - tile_w) // 2, width - tile_w):
        for top in (0, (height - tile_h) // 2, height - tile_h):
            tile = image.crop((left, top, left + tile_w, top + tile_h))
            for face in detector.detect(tile):
                if face.confidence < RETRY_MIN_CONFIDENCE:
                    continue
                moved = replace(face, x=face.x + left, y=face.y + top, eyes=None,
                                landmarks=None)
                # The overlap shows a face twice: keep one.
                if not any(_overlaps(moved, other) for other in found):
                    found.append(moved)
    found.sort(key=lambda f: f.area, reverse=True)
    return found


def _overlaps(a: Face, b: Face) -> bool:
    """Whether two boxes share more than a third of the smaller one."""
    ix = max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    return ix * iy > min(a.area, b.area) / 3


def _face_region(grey: np.ndarray, face: Face) -> np.ndarray:
    """The face box, clipped to the image."""
    height, width = grey.shape
    x0, y0 = max(0, face.x), max(0, face.y)
    x1, y1 = min(width, face.x + face.w), min(height, face.y + face.h)
    return grey[y0:y1, x0:x1]


def sharpness_of(region: np.ndarray) -> float:
    """Size- and contrast-normalised variance of the Laplacian of a greyscale face region."""
    if region.size == 0:
        return 0.0
    side = SHARPNESS_SAMPLE_SIDE
    sample = cv2.resize(region, (side, side), interpolation=cv2.INTER_AREA).astype(np.float64)
    contrast = float(sample.var())
    if contrast < 1.0:
        return 0.0  # a flat patch has no detail at all
    return float(cv2.Laplacian(sample, cv2.CV_64F).var()) / contrast * 100.0
