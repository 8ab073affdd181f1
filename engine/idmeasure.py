"""Measuring an ID photo's head as an office's checker would, before the crop and on the file.

Before the crop (``upright``, ``chin_of``, ``framing_problem``): the photo is turned so the
eye line is level (the face model's five landmarks give it), the chin is placed from the eye
line and nose base, and a photo whose head is cut off or too near an edge is refused with
what to send instead. After it (``measure_file``): the delivered JPEG is decoded and measured
again — head height from the first non-backdrop row to the chin, eye line, backdrop evenness,
pixels, DPI and KB — and that is what the compliance card shows, not the crop's plan.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from core.idspecs import BACKGROUND_RGB, IdSpec, chin_from_landmarks
from engine.facedetect import Face, FaceDetector

TILT_MIN_DEGREES = 1.0
"""An eye line tilted less than this is left alone: resampling would only soften the photo."""
TILT_MAX_DEGREES = 25.0
"""More tilt than this is a turned photo or a wrong landmark; it is not corrected."""
SIDE_ROOM = 0.25
"""Face-box widths that must be in the photo on each side of the face box (ears and hair)."""
BOTTOM_OVERHANG = 0.15
"""Fraction of the crop's height that may lie below the photo (filled in); more means the
shoulders are missing and the photo would show a smeared band."""
BACKDROP_DISTANCE = 60
"""Sum of |RGB| differences from the backdrop colour beyond which a pixel is the person."""
EVEN_STD = 8.0
"""Largest standard deviation (per channel, 0-255) of backdrop pixels called "even"."""
EVEN_OFFSET = 16.0
"""Largest distance of the backdrop's mean from the spec's colour called "even"."""


def upright(rgb: np.ndarray, face: Face) -> tuple[np.ndarray, Face, float]:
    """``rgb`` turned about the eyes' midpoint so the eye line is level, the face moved with
    it, and the degrees turned (0 when not turned). Only faces with landmarks are turned."""
    if face.landmarks is None or face.eyes is None:
        return rgb, face, 0.0
    (lx, ly), (rx, ry) = face.eyes
    angle = math.degrees(math.atan2(ry - ly, rx - lx))
    if not TILT_MIN_DEGREES <= abs(angle) <= TILT_MAX_DEGREES:
        return rgb, face, 0.0
    centre = ((lx + rx) / 2, (ly + ry) / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    height, width = rgb.shape[:2]
    turned = cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_CUBIC,
                            borderMode=cv2.BORDER_REPLICATE)

    def move(point: tuple[float, float]) -> tuple[float, float]:
        x, y = point
        return (float(matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]),
                float(matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]))

    cx, cy = move(face.centre)
    eyes = (move(face.eyes[0]), move(face.eyes[1]))
    moved = Face(round(cx - face.w / 2), round(cy - face.h / 2), face.w, face.h, face.confidence,
                 eyes, tuple(move(p) for p in face.landmarks))
    return turned, moved, angle


def chin_of(face: Face) -> float | None:
    """The chin's y from the eye line and the nose base, when the face has five landmarks."""
    if face.landmarks is None or len(face.landmarks) < 5 or face.eye_centre is None:
        return None
    return chin_from_landmarks(face.eye_centre[1], face.landmarks[4][1])


def framing_problem(
    face: Face, crop: tuple[float, float, float, float], size: tuple[int, int],
    crown_cut: bool,
) -> str | None:
    """The message id saying why this photo cannot make the ID photo, or None when it can."""
    width, height = size
    if crown_cut:
        return "idphoto.crown_cut"
    if face.x - SIDE_ROOM * face.w < 0 or face.x + (1 + SIDE_ROOM) * face.w > width:
        return "idphoto.head_at_edge"
    if crop[3] - height > BOTTOM_OVERHANG * (crop[3] - crop[1]):
        return "idphoto.shoulders_cut"
    return None


@dataclass(frozen=True)
class Card:
    """What the delivered file measures: the compliance card's numbers."""

    spec: str
    head: float | None
    """Chin to crown over the photo height, None when no face was found in the file."""
    eyes: float | None
    """Eye line above the bottom edge over the photo height."""
    head_band: tuple[float, float]
    eye_band: tuple[float, float]
    background_even: bool
    width: int
    height: int
    dpi: int
    kb: float

    @property
    def head_ok(self) -> bool:
        return self.head is not None and self.head_band[0] <= self.head <= self.head_band[1]

    @property
    def eyes_ok(self) -> bool:
        return self.eyes is not None and self.eye_band[0] <= self.eyes <= self.eye_band[1]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        fields = dict(data)
        fields["head_band"] = tuple(fields["head_band"])
        fields["eye_band"] = tuple(fields["eye_band"])
        return cls(**fields)


def measure_file(data: bytes, spec: IdSpec, background: str, detector: FaceDetector) -> Card:
    """Decode the delivered JPEG and measure it: head, eyes, backdrop, pixels, DPI, KB."""
    image = Image.open(io.BytesIO(data))
    dpi = round(float(image.info.get("dpi", (0, 0))[0]))
    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    colour = np.array(BACKGROUND_RGB[background], np.int16)
    person = np.abs(rgb - colour).sum(axis=2) > BACKDROP_DISTANCE
    faces = detector.detect(image.convert("RGB"))
    head = eyes = None
    crown = None
    if faces:
        face = faces[0]
        cx = face.x + face.w / 2
        band = person[:, max(0, int(cx - face.w / 8)) : int(cx + face.w / 8) + 1]
        rows = np.nonzero(band.mean(axis=1) > 0.3)[0]
        chin = chin_of(face)
        if chin is None:
            chin = face.y + face.h  # the Haar box ends at the chin within a few per cent
        if rows.size:
            crown = int(rows[0])
            head = round((chin - crown) / image.height, 4)
        eyes = round((image.height - face.eye_line_y) / image.height, 4)
    return Card(
        spec=spec.key, head=head, eyes=eyes, head_band=(spec.head_min, spec.head_max),
        eye_band=(spec.eye_min, spec.eye_max),
        background_even=_even(rgb, person, colour, crown), width=image.width,
        height=image.height, dpi=dpi, kb=round(len(data) / 1024, 1),
    )


def _even(rgb: np.ndarray, person: np.ndarray, colour: np.ndarray, crown: int | None) -> bool:
    """Is the backdrop flat and the spec's colour? Measured above the crown and down both
    sides to the middle of the photo, leaving out whatever the person covers."""
    height, width = person.shape
    zone = np.zeros_like(person)
    zone[: max(1, (crown or height // 10) - 2), :] = True
    side = max(1, width // 10)
    zone[: height // 2, :side] = True
    zone[: height // 2, width - side :] = True
    # Two pixels off the person's outline: its feathered edge belongs to neither.
    grown = cv2.dilate(person.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pixels = rgb[zone & ~grown]
    if pixels.size == 0:
        return False
    offset = float(np.abs(pixels.mean(axis=0) - colour).max())
    return bool(pixels.std(axis=0).max() <= EVEN_STD and offset <= EVEN_OFFSET)
