"""Face detection and the pre-flight photo check: what a person is told before money is spent."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import locales
from core.errors import ConfigError
from core.settings import Settings
from engine.detector import build_detector
from engine.facedetect import HaarFaceDetector, YuNetFaceDetector
from engine.intake import load_photo
from engine.preflight import Verdict, check_photo
from tests.faces import (
    BACKGROUND,
    draw_face,
    face_layout,
    finish,
    make_empty_photo,
    make_face_photo,
    make_group_photo,
)

IMAGES = Path(__file__).resolve().parent / "images"


@pytest.fixture(scope="module")
def detector() -> HaarFaceDetector:
    return HaarFaceDetector()


def jpeg_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def tip_in_both_languages(verdict: Verdict) -> tuple[str, str]:
    assert verdict.message_id is not None
    catalogues = locales.load()
    english = catalogues.text("en", verdict.message_id, **verdict.params)
    chinese = catalogues.text("zh", verdict.message_id, **verdict.params)
    assert english != verdict.message_id and "{" not in english
    assert chinese != english and "{" not in chinese
    return english, chinese


# --- the detector ------------------------------------------------------------------------


def test_detector_finds_the_drawn_face_and_its_eyes_where_they_were_drawn(
    detector: HaarFaceDetector,
) -> None:
    size = (900, 1200)
    layout = face_layout(size, face_width=360)
    faces = detector.detect(make_face_photo(size, face_width=360))
    assert len(faces) == 1
    face = faces[0]
    assert face.x < layout.centre_x < face.x + face.w
    assert face.y < layout.eye_y < face.y + face.h
    assert face.eyes is not None
    (left_x, left_y), (right_x, right_y) = face.eyes
    tolerance = layout.face_width * 0.08
    assert abs(left_x - layout.eye_xs[0]) < tolerance
    assert abs(right_x - layout.eye_xs[1]) < tolerance
    assert abs(face.eye_line_y - layout.eye_y) < tolerance
    assert 0.0 < face.confidence <= 1.0


def test_detector_takes_numpy_arrays_and_pil_images_alike(detector: HaarFaceDetector) -> None:
    image = make_face_photo()
    from_pil = detector.detect(image)
    from_array = detector.detect(np.asarray(image))
    assert len(from_pil) == len(from_array) == 1
    assert abs(from_pil[0].x - from_array[0].x) < 10


def test_detector_reports_faces_in_full_size_pixels_of_a_large_photo(
    detector: HaarFaceDetector,
) -> None:
    size = (3000, 4000)
    layout = face_layout(size, face_width=1200)
    small = make_face_photo((750, 1000), face_width=300).resize(size, Image.Resampling.BICUBIC)
    face = detector.detect(small)[0]
    assert face.x < layout.centre_x < face.x + face.w
    assert 0.8 * layout.face_width < face.w < 1.8 * layout.face_width


def test_group_photo_faces_come_largest_first(detector: HaarFaceDetector) -> None:
    image = Image.new("RGB", (1400, 800), BACKGROUND)
    draw_face(image, face_layout(image.size, 260, (400, 380)))
    draw_face(image, face_layout(image.size, 180, (1000, 380)))
    faces = detector.detect(finish(image))
    assert len(faces) == 2
    assert faces[0].w > faces[1].w and faces[0].x < faces[1].x


def test_an_empty_room_has_no_face(detector: HaarFaceDetector) -> None:
    assert detector.detect(make_empty_photo()) == []


def test_default_settings_build_the_face_model_with_the_haar_cascades_behind_it() -> None:
    from engine.faces import DlibFaceDetector

    for built in (build_detector(Settings()), build_detector(None)):
        assert isinstance(built, DlibFaceDetector)
        assert isinstance(built.fallback, HaarFaceDetector)


def test_a_yunet_model_path_that_does_not_exist_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FACE_DETECTOR_MODEL"):
        build_detector(Settings(face_detector_model=tmp_path / "missing.onnx"))


def test_a_yunet_model_file_that_is_not_a_model_stops_start_up(tmp_path: Path) -> None:
    bogus = tmp_path / "yunet.onnx"
    bogus.write_bytes(b"this is not an ONNX model")
    with pytest.raises(ConfigError, match="not a YuNet ONNX model"):
        YuNetFaceDetector(bogus)


# --- the pre-flight check ----------------------------------------------------------------


def test_clear_portrait_passes(detector: HaarFaceDetector) -> None:
    verdict = check_photo(load_photo((IMAGES / "face.jpg").read_bytes()), detector)
    assert verdict.ok and verdict.message_id is None
    assert verdict.face is not None and verdict.face_count == 1


def test_darker_skin_in_good_light_passes(detector: HaarFaceDetector) -> None:
    verdict = check_photo(make_face_photo(skin=(120, 80, 60)), detector)
    assert verdict.ok, verdict


def test_photo_without_a_face_asks_for_a_front_facing_photo(detector: HaarFaceDetector) -> None:
    verdict = check_photo(load_photo((IMAGES / "noface.jpg").read_bytes()), detector)
    assert verdict.message_id == "preflight.no_face"
    english, _ = tip_in_both_languages(verdict)
    assert "front-facing" in english


def test_group_photo_asks_for_a_photo_of_just_you(detector: HaarFaceDetector) -> None:
    verdict = check_photo(make_group_photo((1500, 700), 3), detector)
    assert verdict.message_id == "preflight.several_faces"
    english, chinese = tip_in_both_languages(verdict)
    assert "3 faces" in english and "3" in chinese


def test_a_small_stranger_in_the_background_is_not_a_group_photo(
    detector: HaarFaceDetector,
) -> None:
    image = Image.new("RGB", (1200, 1200), BACKGROUND)
    draw_face(image, face_layout(image.size, 420, (480, 560)))
    draw_face(image, face_layout(image.size, 130, (1020, 300)))
    verdict = check_photo(finish(image), detector)
    assert verdict.ok, verdict


def test_face_far_away_in_a_big_frame_asks_for_a_closer_photo(detector: HaarFaceDetector) -> None:
    photo = make_face_photo((1500, 2000), face_width=120)
    verdict = check_photo(photo, detector)
    assert verdict.message_id == "preflight.face_too_small"
    assert "closer" in tip_in_both_languages(verdict)[0]


def test_dim_photo_asks_for_daylight(detector: HaarFaceDetector) -> None:
    verdict = check_photo(make_face_photo(brightness=0.25), detector)
    assert verdict.message_id == "preflight.too_dark"
    assert "daylight" in tip_in_both_languages(verdict)[0]


def test_photo_too_dark_to_find_the_face_says_dark_not_no_face(
    detector: HaarFaceDetector,
) -> None:
    verdict = check_photo(make_face_photo(brightness=0.08), detector)
    assert verdict.message_id == "preflight.too_dark"


def test_blurry_photo_asks_for_a_sharper_one(detector: HaarFaceDetector) -> None:
    verdict = check_photo(make_face_photo(blur_radius=6), detector)
    assert verdict.message_id == "preflight.too_blurry"
    assert "sharper" in tip_in_both_languages(verdict)[0]


def test_slightly_soft_photo_is_not_called_blurry(detector: HaarFaceDetector) -> None:
    assert check_photo(make_face_photo(blur_radius=1.5), detector).ok


def test_go_anyway_button_text_exists_in_both_languages() -> None:
    catalogues = locales.load()
    assert catalogues.text("en", "preflight.go_anyway") != catalogues.text("zh",
                                                                          "preflight.go_anyway")


def test_check_of_a_twelve_megapixel_photo_is_quick(detector: HaarFaceDetector) -> None:
    big = make_face_photo((1008, 1344), face_width=400).resize((3024, 4032))
    photo = load_photo(jpeg_bytes(big))
    check_photo(photo, detector)  # warm up the cascades
    started = time.perf_counter()
    verdict = check_photo(photo, detector)
    elapsed = time.perf_counter() - started
    assert verdict.ok, verdict
    assert elapsed < 1.0, f"pre-flight took {elapsed * 1000:.0f} ms"
