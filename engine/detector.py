"""The face detector the services use, chosen once from the settings and what is installed."""

from __future__ import annotations

from core.settings import Settings
from engine.facedetect import FaceDetector, HaarFaceDetector, YuNetFaceDetector
from engine.faces.model import DlibFaceDetector


def build_detector(settings: Settings | None = None) -> FaceDetector:
    """YuNet when ``settings.face_detector_model`` names a file, else the face model of
    ``engine.faces`` (dlib, weights from PyPI), else the bundled Haar cascades when dlib or its
    weights are not installed."""
    if settings is not None and settings.face_detector_model is not None:
        return YuNetFaceDetector(settings.face_detector_model)
    try:
        return DlibFaceDetector(fallback=HaarFaceDetector())
    except (ImportError, RuntimeError, OSError):
        return HaarFaceDetector()
