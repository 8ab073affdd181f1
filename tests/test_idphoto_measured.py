"""ID photos measured, not placed: on a real face (scikit-image's astronaut) with the face model,
every spec's delivered file measures inside its head and eye bands, a tilted photo comes out
level, and a photo that cannot pass is refused with what to send instead."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from PIL import Image

from core.errors import UserInputError
from core.i18n import SUPPORTED_LANGUAGES
from core.idspecs import SPECS
from engine.detector import build_detector
from engine.facedetect import FaceDetector
from engine.idphoto import comply

ASTRONAUT = Path(__file__).parent / "images" / "astronaut.jpg"


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return build_detector(None)


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.open(ASTRONAUT).convert("RGB")


def test_every_spec_measures_inside_its_bands_on_the_delivered_file(
    astronaut: Image.Image, detector: FaceDetector
) -> None:
    for key, spec in SPECS.items():
        photo = comply(astronaut, key, detector=detector)
        card = photo.card
        assert card is not None
        assert card.head_ok and card.eyes_ok, (key, card)
        assert card.background_even, key
        # The card is the file's, not the plan's.
        assert (card.width, card.height) == Image.open(io.BytesIO(photo.data)).size
        assert (card.width, card.height) == (spec.width_px, spec.height_px)
        assert card.dpi == 300 and card.kb == round(len(photo.data) / 1024, 1)
        if spec.kb_max:
            assert card.kb <= spec.kb_max


def test_head_height_lands_mid_band(astronaut: Image.Image, detector: FaceDetector) -> None:
    for key in ("us", "icao", "ca", "cn_1inch"):
        spec = SPECS[key]
        card = comply(astronaut, key, detector=detector).card
        assert card is not None and card.head is not None
        band = spec.head_max - spec.head_min
        assert abs(card.head - spec.head_target) <= 0.25 * band, (key, card.head)


def _eye_angle(image: Image.Image, detector: FaceDetector) -> float:
    face = detector.detect(image)[0]
    assert face.eyes is not None
    (lx, ly), (rx, ry) = face.eyes
    return math.degrees(math.atan2(ry - ly, rx - lx))


@pytest.mark.parametrize("degrees", [0, 8, -7])
def test_a_tilted_head_comes_out_level(
    astronaut: Image.Image, detector: FaceDetector, degrees: int
) -> None:
    tilted = astronaut.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=(200, 200, 200))
    assert abs(_eye_angle(tilted, detector)) > 2.5
    photo = comply(tilted, "us", detector=detector)
    assert abs(photo.tilt_degrees) > 2.5
    assert abs(_eye_angle(photo.image, detector)) < 1.5
    assert photo.card is not None and photo.card.head_ok and photo.card.eyes_ok


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ((0, 40, 512, 512), "idphoto.crown_cut"),  # the top of the hair is outside the photo
        ((195, 0, 512, 512), "idphoto.head_at_edge"),  # the left ear and hair are cut
        ((0, 0, 512, 215), "idphoto.shoulders_cut"),  # the photo ends just under the chin
    ],
)
def test_a_photo_that_cannot_pass_says_why_and_what_to_send(
    astronaut: Image.Image, detector: FaceDetector, box: tuple[int, int, int, int], message: str
) -> None:
    with pytest.raises(UserInputError) as refused:
        comply(astronaut.crop(box), "us", detector=detector)
    assert refused.value.message_id == message


def test_the_refusals_are_said_in_every_language() -> None:
    import locales

    catalogues = locales.load()
    for message in ("idphoto.crown_cut", "idphoto.head_at_edge", "idphoto.shoulders_cut"):
        texts = {catalogues.text(language, message) for language in SUPPORTED_LANGUAGES}
        assert len(texts) == len(SUPPORTED_LANGUAGES) == 13, message
