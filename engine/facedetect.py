"""Local face detection: Haar cascades by default, YuNet when an ONNX model path is configured.

Nothing here downloads anything: the Haar cascades ship inside opencv-python-headless
(``cv2.data.haarcascades``); YuNet's model is an operator-supplied file
(``Settings.face_detector_model``). ``detect`` takes an RGB numpy array or a PIL image and
returns faces largest first, in the pixel coordinates of the image it was given.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

import cv2
import numpy as np
from PIL import Image

from core.errors import ConfigError

if TYPE_CHECKING:
    pass

ImageInput: TypeAlias = "np.ndarray | Image.Image"
Point: TypeAlias = tuple[float, float]

DETECT_MAX_SIDE = 512
"""Pixels: images are shrunk to this longest side for the face search (its cost grows with
the pixel count); faces worth keeping are still 27+ px there. Eyes are then searched in the
full-resolution face, so the eye line stays exact."""
MIN_FACE_FRACTION = 0.09
"""Fraction of the shorter side: smaller faces are not searched for (background people, and
the smallest windows are most of the search time). Pre-flight calls faces under 12 % too
small, so 9-12 % still earns the "come closer" tip rather than "no face"."""
HAAR_SCALE_FACTOR = 1.1
"""Pyramid step of the cascade search; 1.1 is OpenCV's usual trade of recall for speed."""
HAAR_MIN_NEIGHBORS = 5
"""Overlapping hits a candidate needs; 5 drops most false faces in textured backgrounds."""
HAAR_SURE_NEIGHBORS = 40
"""A candidate with this many hits is kept even when the second cascade and the eyes miss
(clear frontal faces collect 50-80 at this scale step; false ones rarely pass 20)."""
EYE_ROI_WIDTH = 200
"""Pixels: the face's upper half is scaled to this width before eye search, so eye-size
limits mean the same thing for every face size."""
YUNET_SCORE_THRESHOLD = 0.8
"""YuNet's own score below which a candidate is dropped (the model zoo's default is 0.9)."""
YUNET_NMS_THRESHOLD = 0.3
"""Overlap above which YuNet keeps only the best of two boxes."""


@dataclass(frozen=True)
class Face:
    """One face: box in pixels, a 0..1 confidence, and the eye centres when found.

    The Haar box runs roughly from mid-forehead to just below the mouth/chin and is a
    little wider than the cheeks; the crown of the head lies above it (hair).
    ``eyes`` are (x, y) pixel centres ordered left to right in the image.
    """

    x: int
    y: int
    w: int
    h: int
    confidence: float
    eyes: tuple[Point, Point] | None = None
    landmarks: tuple[Point, ...] | None = None
    """The face model's five points (``engine.faces``: each eye's outer and inner corner, then
    the base of the nose), in the same pixels as the box; None from the Haar and YuNet paths."""

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    @property
    def area(self) -> int:
        return self.w * self.h

    @property
    def centre(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    @property
    def eye_centre(self) -> Point | None:
        """Midpoint between the eyes, or None when the eyes were not found."""
        if self.eyes is None:
            return None
        (lx, ly), (rx, ry) = self.eyes
        return ((lx + rx) / 2, (ly + ry) / 2)

    @property
    def eye_line_y(self) -> float:
        """Height of the eye line: measured when eyes were found, else estimated from the box."""
        centre = self.eye_centre
        if centre is not None:
            return centre[1]
        # Haar boxes put the eyes at about 38 % of the box height (measured on test faces).
        return self.y + 0.38 * self.h

    def scaled(self, factor: float) -> Face:
        """The same face in an image ``factor`` times as large."""
        eyes = None
        if self.eyes is not None:
            (lx, ly), (rx, ry) = self.eyes
            eyes = ((lx * factor, ly * factor), (rx * factor, ry * factor))
        landmarks = None
        if self.landmarks is not None:
            landmarks = tuple((px * factor, py * factor) for px, py in self.landmarks)
        return Face(
            round(self.x * factor),
            round(self.y * factor),
            round(self.w * factor),
            round(self.h * factor),
            self.confidence,
            eyes,
            landmarks,
        )


class FaceDetector(Protocol):
    """Finds faces in an RGB image; largest first."""

    def detect(self, image: ImageInput) -> list[Face]: ...


def to_rgb_array(image: ImageInput) -> np.ndarray:
    """An HxWx3 uint8 RGB array from a PIL image or an RGB / greyscale array."""
    if isinstance(image, Image.Image):
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.asarray(image)
    array = np.asarray(image)
    if array.ndim == 2:
        return np.stack([array] * 3, axis=-1)
    return array[..., :3]


def _shrunk_grey(image: ImageInput) -> tuple[np.ndarray, float]:
    """Greyscale copy no larger than DETECT_MAX_SIDE, and the factor back to full size."""
    if isinstance(image, Image.Image):
        w, h = image.size
        scale = min(1.0, DETECT_MAX_SIDE / max(w, h))
        if scale < 1.0:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            # reducing_gap box-filters first: a 12 MP photo shrinks in a few ms.
            image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        return np.asarray(image.convert("L")), w / image.size[0]
    array = to_rgb_array(image)
    h, w = array.shape[:2]
    scale = min(1.0, DETECT_MAX_SIDE / max(h, w))
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        array = cv2.resize(array, size, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(np.ascontiguousarray(array), cv2.COLOR_RGB2GRAY)
    return grey, w / grey.shape[1]


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0


class HaarFaceDetector:
    """OpenCV's frontal-face cascades, cross-checked by a second cascade and an eye search.

    The default cascade finds candidates (good recall); a candidate is kept when the alt2
    cascade agrees, or the eyes are found, or it is overwhelmingly supported on its own.
    That cuts the false faces in curtains and wallpaper that make "group photo" tips wrong.
    """

    def __init__(self, cascade_dir: str | Path | None = None) -> None:
        self._dir = Path(cascade_dir or cv2.data.haarcascades)  # type: ignore[attr-defined]
        for name in ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml"):
            if not (self._dir / name).is_file():
                raise ConfigError(f"Haar cascade {name} not found in {self._dir}")
        # CascadeClassifier is not safe to share between threads; one set per thread.
        self._local = threading.local()

    def _cascades(self) -> dict[str, cv2.CascadeClassifier]:
        cascades = getattr(self._local, "cascades", None)
        if cascades is None:
            cascades = {
                key: cv2.CascadeClassifier(str(self._dir / f"haarcascade_{key}.xml"))
                for key in ("frontalface_default", "frontalface_alt2", "eye",
                            "eye_tree_eyeglasses")
            }
            self._local.cascades = cascades
        return cascades

    def detect(self, image: ImageInput) -> list[Face]:
        grey, back = _shrunk_grey(image)
        grey = cv2.equalizeHist(grey)
        min_side = max(24, int(min(grey.shape) * MIN_FACE_FRACTION))
        boxes, hits = self._cascades()["frontalface_default"].detectMultiScale2(
            grey, HAAR_SCALE_FACTOR, HAAR_MIN_NEIGHBORS, minSize=(min_side, min_side)
        )
        faces = []
        for raw, count in zip(boxes, np.ravel(hits), strict=True):
            box = (int(raw[0]), int(raw[1]), int(raw[2]), int(raw[3]))
            agrees = self._second_opinion(grey, box)
            full = Face(*box, confidence=0.0).scaled(back)
            # Eyes are searched in the full-resolution photo: the eye line must be exact.
            eyes = self._eyes(image, full.box)
            if not (agrees or eyes or count >= HAAR_SURE_NEIGHBORS):
                continue
            support = min(1.0, float(count) / HAAR_SURE_NEIGHBORS)
            confidence = round(0.4 * agrees + 0.3 * (eyes is not None) + 0.3 * support, 3)
            faces.append(Face(*full.box, confidence=confidence, eyes=eyes))
        faces.sort(key=lambda f: f.area, reverse=True)
        return faces

    def _second_opinion(self, grey: np.ndarray, box: tuple[int, int, int, int]) -> bool:
        """Whether the alt2 cascade also sees a face here (searched near the box only: cheap)."""
        x, y, w, h = box
        pad = w // 4
        top, left = max(0, y - pad), max(0, x - pad)
        roi = grey[top : y + h + pad, left : x + w + pad]
        found = self._cascades()["frontalface_alt2"].detectMultiScale(
            roi, HAAR_SCALE_FACTOR, 2, minSize=(int(w * 0.6), int(w * 0.6))
        )
        return any(
            _iou(box, (int(fx) + left, int(fy) + top, int(fw), int(fh))) > 0.4
            for fx, fy, fw, fh in found
        )

    def _eyes(self, image: ImageInput, box: tuple[int, int, int, int]) -> tuple[Point, Point] | None:
        """The two eye centres in the upper half of the face box (full-size pixels), or None."""
        x, y, w, h = box
        top, bottom = y + int(0.15 * h), y + int(0.6 * h)
        roi = _grey_crop(image, (x, top, x + w, bottom), EYE_ROI_WIDTH)
        if roi is None:
            return None
        roi = cv2.equalizeHist(roi)
        factor = roi.shape[1] / w
        cascades = self._cascades()
        for key in ("eye", "eye_tree_eyeglasses"):
            found = cascades[key].detectMultiScale(
                roi, 1.1, 3, minSize=(EYE_ROI_WIDTH // 12, EYE_ROI_WIDTH // 12),
                maxSize=(EYE_ROI_WIDTH // 2, EYE_ROI_WIDTH // 2),
            )
            pair = _eye_pair(found, roi.shape[1])
            if pair is not None:
                (lx, ly), (rx, ry) = pair
                return (
                    (x + float(lx) / factor, top + float(ly) / factor),
                    (x + float(rx) / factor, top + float(ry) / factor),
                )
        return None


def _grey_crop(
    image: ImageInput, box: tuple[int, int, int, int], width: int
) -> np.ndarray | None:
    """The (left, top, right, bottom) part of the image, greyscale, resized to ``width``."""
    left, top, right, bottom = box
    if isinstance(image, Image.Image):
        img_w, img_h = image.size
    else:
        img_h, img_w = np.asarray(image).shape[:2]
    left, top = max(0, left), max(0, top)
    right, bottom = min(img_w, right), min(img_h, bottom)
    if right - left < 8 or bottom - top < 8:
        return None
    if isinstance(image, Image.Image):
        crop = np.asarray(image.crop((left, top, right, bottom)).convert("L"))
    else:
        part = to_rgb_array(np.asarray(image)[top:bottom, left:right])
        crop = cv2.cvtColor(np.ascontiguousarray(part), cv2.COLOR_RGB2GRAY)
    height = max(1, round(crop.shape[0] * width / crop.shape[1]))
    shrinking = crop.shape[1] > width
    return cv2.resize(crop, (width, height),
                      interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


def _eye_pair(found: Sequence[Sequence[int]], roi_width: int) -> tuple[Point, Point] | None:
    """The biggest eye candidate on each side of the face's midline, left to right."""
    left: tuple[int, Point] | None = None
    right: tuple[int, Point] | None = None
    for ex, ey, ew, eh in found:
        centre = (ex + ew / 2, ey + eh / 2)
        size = int(ew * eh)
        if centre[0] < roi_width / 2:
            if left is None or size > left[0]:
                left = (size, centre)
        elif right is None or size > right[0]:
            right = (size, centre)
    if left is None or right is None:
        return None
    # Two eyes at very different heights are an eye and an eyebrow/nostril: not a pair.
    if abs(left[1][1] - right[1][1]) > roi_width * 0.15:
        return None
    return (left[1], right[1])


class YuNetFaceDetector:
    """OpenCV's YuNet CNN (``cv2.FaceDetectorYN``) with an operator-supplied ONNX model."""

    def __init__(self, model_path: str | Path) -> None:
        self._path = Path(model_path)
        if not self._path.is_file():
            raise ConfigError(f"FACE_DETECTOR_MODEL {self._path} does not exist")
        self._local = threading.local()
        self._model(320, 320)  # load now, so a bad model file stops start-up, not a request

    def _model(self, width: int, height: int) -> cv2.FaceDetectorYN:
        model = getattr(self._local, "model", None)
        if model is None:
            try:
                model = cv2.FaceDetectorYN.create(
                    str(self._path), "", (width, height), YUNET_SCORE_THRESHOLD,
                    YUNET_NMS_THRESHOLD,
                )
            except cv2.error as exc:
                raise ConfigError(
                    f"FACE_DETECTOR_MODEL {self._path} is not a YuNet ONNX model: {exc}"
                ) from None
            self._local.model = model
        model.setInputSize((width, height))
        return model

    def detect(self, image: ImageInput) -> list[Face]:
        array = to_rgb_array(image)
        h, w = array.shape[:2]
        scale = min(1.0, DETECT_MAX_SIDE / max(h, w))
        if scale < 1.0:
            array = cv2.resize(array, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        bgr = cv2.cvtColor(np.ascontiguousarray(array), cv2.COLOR_RGB2BGR)
        _, rows = self._model(bgr.shape[1], bgr.shape[0]).detect(bgr)
        faces = []
        for row in rows if rows is not None else []:
            # Columns: box x, y, w, h; right eye, left eye (the subject's), nose, mouth corners; score.
            eyes = sorted([(float(row[4]), float(row[5])), (float(row[6]), float(row[7]))])
            face = Face(
                int(row[0]), int(row[1]), int(row[2]), int(row[3]),
                confidence=round(float(row[14]), 3), eyes=(eyes[0], eyes[1]),
            )
            faces.append(face.scaled(1.0 / scale))
        faces.sort(key=lambda f: f.area, reverse=True)
        return faces
