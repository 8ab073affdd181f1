"""dlib's HOG face detector, 5-point landmarks and ResNet face embedding, weights from PyPI.

Only models an operator may use commercially are loaded: dlib's frontal HOG detector (built
into dlib, Boost licence), ``shape_predictor_5_face_landmarks.dat`` and
``dlib_face_recognition_resnet_model_v1.dat`` (both released CC0 by Davis King, trained on
data he collected and labelled himself). The 68-point model in the same package is trained on
iBUG 300-W (non-commercial) and is deliberately not used.

``DlibFaceDetector`` keeps the ``FaceDetector`` protocol of ``engine.facedetect`` (boxes largest
first, eye centres left to right), so pre-flight and the ID-photo crop can use it unchanged;
``analyse`` adds the embedding, and ``likeness`` turns two embeddings into a 0..1 score.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.facedetect import DETECT_MAX_SIDE, Face, FaceDetector, ImageInput, to_rgb_array

LIKENESS_SAME_PERSON = 0.6
"""Euclidean distance between dlib embeddings under which two faces are the same person
(dlib's published operating point: 99.38 % on LFW). ``likeness`` maps this distance to 0.5."""
HOG_UPSAMPLE = 1
"""Times the HOG detector doubles the image before searching: 1 finds faces down to ~40 px
in the 512-px search image, which is below what pre-flight calls too small anyway."""
DETECT_SCORE_MIN = 0.3
"""HOG margin below which a candidate is dropped: real faces here score 1.2-2.3, the false
ones (the astronaut's flag patch, a drawn diagram) 0.13."""
EMBED_JITTERS = 1
"""Re-embeddings with random jitter averaged per face; 1 (none) keeps a face under 0.3 s."""

_lock = threading.Lock()
"""Guards loading the models."""
_running = threading.Lock()
"""dlib's detector, shape predictor and ResNet are not safe to run from two threads at once:
two likeness checks finishing together in the worker's threads crashed it with SIGSEGV."""
_models: dict[str, object] = {}


def _weights_dir() -> Path:
    import face_recognition_models  # weights inside the PyPI package

    return Path(face_recognition_models.__file__).parent / "models"


def _load() -> dict[str, object]:
    with _lock:
        if not _models:
            import dlib

            weights = _weights_dir()
            _models["detector"] = dlib.get_frontal_face_detector()
            _models["shape"] = dlib.shape_predictor(str(weights / "shape_predictor_5_face_landmarks.dat"))
            _models["embed"] = dlib.face_recognition_model_v1(
                str(weights / "dlib_face_recognition_resnet_model_v1.dat")
            )
        return _models


@dataclass(frozen=True)
class FaceAnalysis:
    """One face found by the model, in the pixel coordinates of the image given to ``analyse``."""

    face: Face
    landmarks: tuple[tuple[float, float], ...]
    """dlib's five points: outer and inner corner of each eye, then the base of the nose."""
    embedding: np.ndarray


def _shrunk(image: ImageInput) -> tuple[np.ndarray, float]:
    import cv2

    array = np.ascontiguousarray(to_rgb_array(image))
    h, w = array.shape[:2]
    scale = min(1.0, DETECT_MAX_SIDE / max(h, w))
    if scale < 1.0:
        array = cv2.resize(array, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return array, scale


def _analyse(image: ImageInput, embed: bool) -> list[FaceAnalysis]:
    models = _load()
    array, scale = _shrunk(image)
    with _running:
        return _analyse_locked(models, array, scale, embed)


def _analyse_locked(models: dict[str, object], array: np.ndarray, scale: float, embed: bool) -> list[FaceAnalysis]:
    import dlib

    rects, scores, _ = models["detector"].run(array, HOG_UPSAMPLE, 0.0)  # type: ignore[attr-defined]
    found = []
    for rect, score in zip(rects, scores, strict=True):
        if score < DETECT_SCORE_MIN:
            continue
        shape = models["shape"](array, rect)  # type: ignore[operator]
        # In the search image's pixels; ``scaled`` below takes box, eyes and points back.
        small = [(float(p.x), float(p.y)) for p in shape.parts()]
        # 5-point order: right eye outer, right eye inner, left eye outer, left eye inner, nose.
        eye_a = ((small[0][0] + small[1][0]) / 2, (small[0][1] + small[1][1]) / 2)
        eye_b = ((small[2][0] + small[3][0]) / 2, (small[2][1] + small[3][1]) / 2)
        eyes = (eye_a, eye_b) if eye_a[0] <= eye_b[0] else (eye_b, eye_a)
        confidence = round(float(1.0 / (1.0 + np.exp(-2.0 * score))), 3)
        face = Face(
            max(0, rect.left()), max(0, rect.top()), rect.width(), rect.height(),
            confidence=confidence, eyes=eyes, landmarks=tuple(small),
        ).scaled(1.0 / scale)
        points = list(face.landmarks or ())
        if embed:
            chip = dlib.get_face_chip(array, shape, size=150, padding=0.25)
            vector = np.asarray(models["embed"].compute_face_descriptor(chip, EMBED_JITTERS))  # type: ignore[attr-defined]
        else:
            vector = np.zeros(0)
        found.append(FaceAnalysis(face=face, landmarks=tuple(points), embedding=vector))
    found.sort(key=lambda a: a.face.area, reverse=True)
    return found


def analyse(image: ImageInput) -> list[FaceAnalysis]:
    """Every face with landmarks and embedding, largest first."""
    return _analyse(image, embed=True)


def likeness(a: np.ndarray, b: np.ndarray) -> float:
    """0..1, higher is more alike; 0.5 at dlib's same-person distance (0.6), ~0.8+ same photo."""
    distance = float(np.linalg.norm(np.asarray(a) - np.asarray(b)))
    return round(float(1.0 / (1.0 + np.exp(8.0 * (distance - LIKENESS_SAME_PERSON)))), 4)


class DlibFaceDetector:
    """The ``FaceDetector`` protocol on dlib's HOG detector and 5-point landmarks.

    With a ``fallback`` (``build_detector`` passes the Haar cascades), a photo where HOG finds
    no face is searched again by it: HOG loses a face blurred by ~3 % of its width, where the
    cascades still find it, and "too blurry" is the tip that person needs, not "no face".
    Faces from the fallback carry no landmarks.
    """

    def __init__(self, fallback: FaceDetector | None = None) -> None:
        _load()  # fail at start-up, not on the first photo
        self.fallback = fallback

    def detect(self, image: ImageInput) -> list[Face]:
        faces = [a.face for a in _analyse(image, embed=False)]
        if not faces and self.fallback is not None:
            return self.fallback.detect(image)
        return faces
