"""Style gallery samples: each style's look on one bundled neutral face (``neutral_face.jpg``,
drawn by ``tests/make_faces.py``, no real person), made once by the offline engine and kept in
``DATA_DIR/samples/``. An operator's own sample, ``DATA_DIR/samples/<style>.jpg`` (a real
model's picture), is shown instead when it is there."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from PIL import Image

from core.prompts import style_text
from core.styles import Catalogue
from engine.facedetect import FaceDetector, HaarFaceDetector
from engine.offline.render import render
from engine.providers.base import ProviderJob

NEUTRAL_FACE = Path(__file__).resolve().parent / "neutral_face.jpg"
SAMPLE_SIZE = (240, 320)
"""Pixels of a sample (3:4): a gallery tile shows it about 150 px wide, twice that on a retina screen."""
SAMPLE_SEED = 17
"""One seed for every sample, so a style's sample is the same on every machine."""
JPEG_QUALITY = 82

_lock = threading.Lock()
_detector: FaceDetector | None = None


def samples_dir(data_dir: Path) -> Path:
    return data_dir / "samples"


def sample_path(data_dir: Path, catalogue: Catalogue, key: str) -> Path | None:
    """The style's sample file, made now if it is missing; None for an unknown style."""
    style = catalogue.get(key)
    if style is None:
        return None
    folder = samples_dir(data_dir)
    own = folder / f"{style.key}.jpg"
    if own.is_file():
        return own  # the operator's, from a real model
    made = folder / f"{style.key}.offline.jpg"
    if made.is_file():
        return made
    with _lock:  # one render at a time: a gallery opening asks for all of them at once
        if not made.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            temporary = made.with_suffix(f".{os.getpid()}.part")
            temporary.write_bytes(make_sample(catalogue, style.key))
            os.replace(temporary, made)
    return made


def make_sample(catalogue: Catalogue, key: str) -> bytes:
    """The style on the neutral face, as a small JPEG."""
    global _detector
    if _detector is None:
        _detector = HaarFaceDetector()
    style = catalogue.require(key)
    job = ProviderJob(model="offline", endpoint="offline", prompt=style_text(style),
                      references=(NEUTRAL_FACE.read_bytes(),), aspect_ratio="3:4", seed=SAMPLE_SEED,
                      extra={"style": key, "background": style.background or ""})
    rendered = render(job, _detector)
    with Image.open(io.BytesIO(rendered.images[0])) as image:
        picture = image.convert("RGB")
    picture = _cover(picture, SAMPLE_SIZE)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` scaled and centre-cropped to exactly ``size`` (an ID photo's 35x45 frame too)."""
    width, height = size
    scale = max(width / image.width, height / image.height)
    resized = image.resize((max(width, round(image.width * scale)), max(height, round(image.height * scale))),
                           Image.Resampling.LANCZOS)
    left = (resized.width - width) // 2
    top = (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))
