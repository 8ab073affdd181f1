"""A real photo (NASA's public-domain portrait of Eileen Collins, tests/images/SOURCES.md).

Everything else in the suite uses drawn faces; this checks what a person would notice on a
real one: the pre-flight check passes the photo and gives the right tip for each everyday
way of spoiling it, ID photos meet their spec when measured on the output, and offline
styles change the picture while the face stays a face.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFilter

from core.errors import UserInputError
from core.idspecs import BACKGROUND_RGB, SPECS
from engine.facedetect import HaarFaceDetector
from engine.idphoto import comply
from engine.intake import load_photo
from engine.offline.render import render
from engine.preflight import check_photo
from engine.providers.base import ProviderJob

IMAGES = Path(__file__).resolve().parent / "images"
PHOTO = IMAGES / "astronaut.jpg"

# Where things are in the 512x512 photo, read off by eye on a 3x enlargement (+-2 px).
CROWN_Y = 15
"""Top of the hair."""
CHIN_Y = 166
EYE_Y = 102
"""Eye line (pupils)."""
TRUTH_SLACK = 0.01
"""Fraction of photo height allowed for the by-eye reading of crown and chin (~2 px)."""


@pytest.fixture(scope="module")
def detector() -> HaarFaceDetector:
    return HaarFaceDetector()


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    with Image.open(PHOTO) as image:
        return image.convert("RGB")


def jpeg(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **params)
    return buffer.getvalue()


# --- detection and the pre-flight check --------------------------------------------------------


def test_one_face_is_found_with_both_eyes_where_they_are(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    faces = detector.detect(astronaut)
    assert len(faces) == 1
    face = faces[0]
    assert face.eyes is not None
    (lx, ly), (rx, ry) = face.eyes
    assert abs((ly + ry) / 2 - EYE_Y) < 6
    assert 180 < lx < 215 < 235 < rx < 260  # left then right eye, either side of the nose
    assert face.y < EYE_Y < face.y + face.h and face.y + face.h <= CHIN_Y
    assert face.x < lx and rx < face.x + face.w


def test_the_real_photo_passes_the_preflight_check(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    verdict = check_photo(load_photo(jpeg(astronaut)), detector)
    assert verdict.ok, verdict
    assert verdict.face_count == 1


def test_a_phone_photo_rotated_by_exif_is_turned_upright_and_passes(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side; viewers turn it 90 degrees clockwise
    data = jpeg(astronaut.transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    assert not detector.detect(Image.open(io.BytesIO(data)))  # sideways, as stored
    assert check_photo(load_photo(data), detector).ok


def test_a_twelve_megapixel_photo_passes(astronaut: Image.Image, detector: HaarFaceDetector) -> None:
    big = astronaut.resize((3464, 3464), Image.Resampling.BICUBIC)
    verdict = check_photo(big, detector)
    assert verdict.ok, verdict


@pytest.mark.parametrize("radius", [0.5, 0.0])
def test_slight_softness_is_not_called_blurry(
    astronaut: Image.Image, detector: HaarFaceDetector, radius: float
) -> None:
    image = astronaut.filter(ImageFilter.GaussianBlur(radius)) if radius else astronaut
    assert check_photo(image, detector).ok


@pytest.mark.parametrize("radius", [1.5, 3, 6])
def test_a_blurred_photo_asks_for_a_sharper_one(
    astronaut: Image.Image, detector: HaarFaceDetector, radius: float
) -> None:
    verdict = check_photo(astronaut.filter(ImageFilter.GaussianBlur(radius)), detector)
    assert verdict.message_id == "preflight.too_blurry", verdict


def test_a_dim_room_is_fine_but_a_dark_one_asks_for_light(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    dim = Image.eval(astronaut, lambda v: int(v * 0.4))
    dark = Image.eval(astronaut, lambda v: int(v * 0.15))
    assert check_photo(dim, detector).ok
    assert check_photo(dark, detector).message_id == "preflight.too_dark"


def test_two_people_side_by_side_are_a_group_photo(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(astronaut, (512, 0))
    verdict = check_photo(pair, detector)
    assert verdict.message_id == "preflight.several_faces"
    assert verdict.params == {"count": 2}


def test_a_thumbnail_sized_face_asks_for_a_closer_photo(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    small = astronaut.resize((256, 256), Image.Resampling.LANCZOS)
    assert check_photo(small, detector).message_id == "preflight.face_too_small"


def test_a_tiny_face_in_a_big_frame_asks_for_a_closer_photo_not_says_no_face(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    frame = Image.new("RGB", (2400, 1800), (200, 200, 205))
    frame.paste(astronaut, (900, 700))  # the face is 5 % of the frame's height
    verdict = check_photo(frame, detector)
    assert verdict.message_id == "preflight.face_too_small", verdict
    assert verdict.face is not None and 1000 < verdict.face.x < 1200


def test_a_big_photo_of_a_brick_wall_still_says_no_face(detector: HaarFaceDetector) -> None:
    # The second, tiled search found three "faces" in these bricks before it asked for
    # confidence; a wall must not be told to come closer.
    with Image.open(IMAGES / "brick.jpg") as wall:
        big = wall.convert("RGB").resize((1536, 1536), Image.Resampling.BICUBIC)
    assert check_photo(big, detector).message_id == "preflight.no_face"


def test_a_coffee_cup_is_not_taken_for_a_tilted_face(detector: HaarFaceDetector) -> None:
    # Turned 20 degrees, the cup's rim and shadow look like a face to the cascade (0.49).
    with Image.open(IMAGES / "coffee.jpg") as cup:
        assert check_photo(cup.convert("RGB"), detector).message_id == "preflight.no_face"


@pytest.mark.parametrize("degrees", [-25, 25])
def test_a_head_tilted_to_one_side_is_still_found(
    astronaut: Image.Image, detector: HaarFaceDetector, degrees: int
) -> None:
    tilted = astronaut.rotate(degrees, Image.Resampling.BICUBIC, center=(224, 113),
                              fillcolor=(200, 200, 200))
    assert not detector.detect(tilted)  # the upright search alone misses it
    verdict = check_photo(tilted, detector)
    assert verdict.ok, verdict
    assert verdict.face is not None
    assert abs(verdict.face.centre[0] - 224) < 10 and abs(verdict.face.centre[1] - 113) < 10


# --- ID photos ------------------------------------------------------------------------------------


def side_strips(image: Image.Image, down_to: float) -> np.ndarray:
    """Pixels of the top rows and of the side columns from the top down to ``down_to``."""
    pixels = np.asarray(image.convert("RGB")).astype(int)
    rows = round(pixels.shape[0] * down_to)
    return np.concatenate([
        pixels[:4].reshape(-1, 3),
        pixels[:rows, :4].reshape(-1, 3),
        pixels[:rows, -4:].reshape(-1, 3),
    ])


@pytest.mark.parametrize(
    ("key", "background"),
    [("cn_1inch", "blue"), *((key, None) for key in SPECS if key != "cn_1inch")],
)
def test_id_photo_of_the_real_face_meets_the_spec_when_measured(
    astronaut: Image.Image, detector: HaarFaceDetector, key: str, background: str | None
) -> None:
    spec = SPECS[key]
    photo = comply(astronaut, key, background, detector=detector)
    decoded = Image.open(io.BytesIO(photo.data))
    assert decoded.size == (spec.width_px, spec.height_px)
    assert tuple(round(v) for v in decoded.info["dpi"]) == (300, 300)

    # True head height and eye line: the by-eye crown/chin/eyes mapped through the crop.
    top, bottom = photo.crop[1], photo.crop[3]
    head = (CHIN_Y - CROWN_Y) / (bottom - top)
    eyes = (bottom - EYE_Y) / (bottom - top)
    assert spec.head_min - TRUTH_SLACK <= head <= spec.head_max + TRUTH_SLACK, head
    assert spec.eye_min <= eyes <= spec.eye_max, eyes

    # Re-detected on the output: still one face, eyes inside the spec's band.
    faces = detector.detect(decoded)
    assert len(faces) == 1 and faces[0].eye_centre is not None
    measured_eyes = 1 - faces[0].eye_centre[1] / spec.height_px
    assert spec.eye_min - TRUTH_SLACK <= measured_eyes <= spec.eye_max + TRUTH_SLACK

    # The backdrop: flat colour across the top and down both sides to the eye line (the
    # shoulders of the orange suit may reach the sides lower down).
    colour = np.array(BACKGROUND_RGB[photo.background])
    strips = side_strips(decoded, 1 - spec.eye_max)
    assert (np.abs(strips - colour).max(axis=1) <= 12).mean() > 0.97


def test_an_id_photo_of_two_people_is_refused(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut, (0, 0))
    pair.paste(astronaut, (512, 0))
    with pytest.raises(UserInputError) as refused:
        comply(pair, "icao", None, detector=detector)
    assert refused.value.message_id == "idphoto.several_faces"


def test_the_id_photo_keeps_the_whole_head_of_hair(
    astronaut: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(astronaut, "cn_1inch", "blue", detector=detector)
    pixels = np.asarray(photo.image).astype(int)
    blue = np.array(BACKGROUND_RGB["blue"])
    # Map the source's hair band (between crown and eyes) into the output.
    scale = photo.spec.height_px / (photo.crop[3] - photo.crop[1])
    hair_rows = slice(round((CROWN_Y + 12 - photo.crop[1]) * scale),
                      round((EYE_Y - 20 - photo.crop[1]) * scale))
    centre = photo.spec.width_px // 2
    band = pixels[hair_rows, centre - 40 : centre + 40]
    backdrop = np.abs(band - blue).max(axis=2) <= 30
    assert backdrop.mean() < 0.02  # no hole cut into the hair above the face
    above = pixels[: max(1, hair_rows.start - round(14 * scale)), :]
    assert (np.abs(above - blue).max(axis=2) <= 12).mean() > 0.97  # nothing above the crown


# --- offline styles ---------------------------------------------------------------------------------


FACE_BOX = (176, 65, 96, 96)
"""The detector's face box in the 512 px photo (x, y, w, h)."""
MIN_FEATURE_LIKENESS = 0.65
"""Correlation of the face's band-passed structure (eyes, brows, nose, mouth) before and after
a style. The photo-like styles keep ~0.99; oil painting measured 0.57 and watercolour 0.42
before their filter sizes followed the face (dissolved features), 0.73 and 0.80 after."""


def feature_likeness(styled: Image.Image, original: Image.Image) -> float:
    """How much of the face's structure survives: correlation of band-passed face crops."""
    factor = styled.width / original.width
    x, y, w, h = (round(v * factor) for v in FACE_BOX)
    crops = [
        cv2.cvtColor(np.asarray(image.convert("RGB"))[y : y + h, x : x + w],
                     cv2.COLOR_RGB2GRAY).astype(np.float32)
        for image in (styled, original.resize(styled.size, Image.Resampling.LANCZOS))
    ]
    sigma = w / 96  # the band of eyes and mouth: 2-6 px on a 192 px face
    bands = [cv2.GaussianBlur(c, (0, 0), sigma) - cv2.GaussianBlur(c, (0, 0), 3 * sigma)
             for c in crops]
    return float(np.corrcoef(bands[0].ravel(), bands[1].ravel())[0, 1])


@pytest.mark.parametrize("style", ["anime", "oil_painting", "watercolor", "avatar_3d"])
def test_an_offline_style_changes_the_picture_but_keeps_the_face(
    astronaut: Image.Image, detector: HaarFaceDetector, style: str
) -> None:
    job = ProviderJob("offline", "offline", "", (jpeg(astronaut),), extra={"style": style})
    out = Image.open(io.BytesIO(render(job, detector).images[0])).convert("RGB")
    before = np.asarray(astronaut.resize(out.size, Image.Resampling.LANCZOS)).astype(int)
    after = np.asarray(out).astype(int)
    assert np.abs(after - before).mean() > 8  # visibly styled
    faces = detector.detect(out)
    assert len(faces) == 1  # the face is still a face, in the same place
    expected_x = (FACE_BOX[0] + FACE_BOX[2] / 2) * out.width / astronaut.width
    assert abs(faces[0].centre[0] - expected_x) < 0.05 * out.width
    assert feature_likeness(out, astronaut) > MIN_FEATURE_LIKENESS  # and still her face
    # Skin stays skin-coloured (anime and watercolour had turned it the backdrop's grey).
    factor = out.width / astronaut.width
    cheek = after[round(125 * factor) : round(145 * factor), round(205 * factor) : round(245 * factor)]
    red, _, blue = cheek.reshape(-1, 3).mean(axis=0)
    assert red - blue > 40, (red, blue)
