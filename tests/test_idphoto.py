"""ID / passport photos: the output meets the specification a passport office would check.

Measurements are taken on the *output* file, as an office's checker would: the face is
detected again, the crown is the first row (in the middle of the head) that is not the
backdrop colour, the chin is the bottom of the face box. The drawn test face also has a known
true geometry (``tests.faces.face_layout``), checked through the returned crop.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core.errors import UserInputError
from core.idspecs import BACKGROUND_RGB, SPECS, IdSpec, crop_box_for, px
from engine.facedetect import HaarFaceDetector
from engine.idphoto import IdPhoto, comply
from engine.printsheet import encode_sheet, print_sheet, sheet_layout
from tests.faces import face_layout, make_empty_photo, make_face_photo, make_group_photo

PHOTO_SIZE = (900, 1200)
FACE_WIDTH = 300
RANGE_SLACK = 0.02
"""Re-measuring on a 300-600 px output with a Haar box is good to about 2 % of the height."""


@pytest.fixture(scope="module")
def detector() -> HaarFaceDetector:
    return HaarFaceDetector()


@pytest.fixture(scope="module")
def selfie() -> Image.Image:
    return make_face_photo(PHOTO_SIZE, face_width=FACE_WIDTH)


def decoded(photo: IdPhoto) -> Image.Image:
    return Image.open(io.BytesIO(photo.data))


def remeasure(image: Image.Image, spec: IdSpec, background: str, detector: HaarFaceDetector
              ) -> tuple[float, float]:
    """(head height, eye line from the bottom) as fractions of the height, measured afresh."""
    faces = detector.detect(image)
    assert len(faces) == 1, "the output must show exactly one detectable face"
    face = faces[0]
    pixels = np.asarray(image.convert("RGB")).astype(int)
    cx = face.x + face.w // 2
    band = pixels[:, cx - face.w // 8 : cx + face.w // 8]
    distance = np.abs(band - np.array(BACKGROUND_RGB[background])).sum(axis=2)
    crown = int(np.nonzero((distance > 60).mean(axis=1) > 0.3)[0][0])
    chin = face.y + face.h
    height = image.height
    return (chin - crown) / height, (height - face.eye_line_y) / height


def true_fractions(photo: IdPhoto) -> tuple[float, float]:
    """The drawn face's real head height and eye line inside the returned crop."""
    layout = face_layout(PHOTO_SIZE, FACE_WIDTH)
    left, top, right, bottom = photo.crop
    crop_h = bottom - top
    return layout.head_height / crop_h, (bottom - layout.eye_y) / crop_h


def corners(image: Image.Image) -> list[tuple[int, int, int]]:
    w, h = image.size
    rgb = image.convert("RGB")
    return [rgb.getpixel((x, y)) for x, y in ((3, 3), (w - 4, 3))]  # type: ignore[misc]


def close(colour: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def test_every_spec_has_its_printed_size_in_pixels_at_300_dpi() -> None:
    for spec in SPECS.values():
        if spec.key in {"us", "in"}:
            assert (spec.width_px, spec.height_px) == (600, 600)
        else:
            assert (spec.width_px, spec.height_px) == (px(spec.width_mm), px(spec.height_mm))
        assert 0 < spec.head_min < spec.head_max < 1
        assert 0 < spec.eye_min < spec.eye_max < 1
        assert spec.default_background in spec.backgrounds
    assert (SPECS["icao"].width_px, SPECS["icao"].height_px) == (413, 531)
    assert (SPECS["cn_1inch"].width_px, SPECS["cn_1inch"].height_px) == (295, 413)


def test_the_crop_puts_the_head_in_the_middle_of_the_allowed_range() -> None:
    spec = SPECS["us"]
    left, top, right, bottom = crop_box_for(spec, (400, 300, 200, 200), 380, (1000, 1000))
    assert right - left == pytest.approx(bottom - top)  # 2x2 in is square
    assert (left + right) / 2 == pytest.approx(500)  # centred on the face


@pytest.mark.parametrize(
    ("key", "background"),
    [("icao", None), ("us", "white"), ("cn_1inch", "blue"), ("ca", None),
     ("cn_passport", None), ("cn_2inch", "red")],
)
def test_id_photo_meets_size_dpi_head_eye_and_background_rules(
    key: str, background: str | None, selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    spec = SPECS[key]
    photo = comply(selfie, key, background, detector=detector)
    colour = background or spec.default_background
    assert photo.background == colour

    image = decoded(photo)
    assert image.size == (spec.width_px, spec.height_px)
    assert image.format == "JPEG"
    assert tuple(round(v) for v in image.info["dpi"]) == (300, 300)

    assert spec.head_min <= photo.head_fraction <= spec.head_max
    assert spec.eye_min <= photo.eye_line_fraction <= spec.eye_max
    true_head, true_eyes = true_fractions(photo)
    assert spec.head_min - RANGE_SLACK <= true_head <= spec.head_max + RANGE_SLACK
    assert spec.eye_min <= true_eyes <= spec.eye_max

    head, eyes = remeasure(image, spec, colour, detector)
    assert spec.head_min - RANGE_SLACK <= head <= spec.head_max + RANGE_SLACK, head
    assert spec.eye_min - RANGE_SLACK <= eyes <= spec.eye_max + RANGE_SLACK, eyes

    for corner in corners(image):
        assert close(corner, BACKGROUND_RGB[colour]), (corner, colour)


def test_chinese_one_inch_photo_defaults_to_a_blue_background(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, "cn_1inch", None, detector=detector)
    assert photo.background == "blue"
    assert all(close(c, BACKGROUND_RGB["blue"]) for c in corners(decoded(photo)))


def test_a_background_the_office_refuses_is_replaced_by_its_default_with_a_note(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, "us", "blue", detector=detector)
    assert photo.background == "white"
    assert photo.notes == ("idphoto.background_forced_white",)
    assert all(close(c, (255, 255, 255)) for c in corners(decoded(photo)))


def test_us_photo_fits_the_ds160_upload_limit_of_240_kb(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, "us", None, detector=detector)
    assert len(photo.data) <= 240 * 1024
    assert photo.kb == pytest.approx(len(photo.data) / 1024)


def test_china_passport_photo_lands_in_the_40_to_120_kb_window(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, "cn_passport", None, detector=detector)
    assert 40 * 1024 <= len(photo.data) <= 120 * 1024
    assert "idphoto.kb_target_missed" not in photo.notes


def test_a_tight_kb_limit_is_met_by_lowering_jpeg_quality(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    roomy = comply(selfie, "icao", None, detector=detector)
    tight = comply(selfie, "icao", None, detector=detector, max_kb=int(roomy.kb * 0.6))
    assert len(tight.data) <= int(roomy.kb * 0.6) * 1024
    assert tight.quality < roomy.quality
    assert decoded(tight).size == (413, 531)


def test_the_same_photo_gives_the_same_file_every_time(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    first = comply(selfie, "icao", "white", detector=detector)
    second = comply(selfie, "icao", "white", detector=detector)
    assert first.data == second.data


def test_a_photo_without_a_face_is_refused_with_a_tip(detector: HaarFaceDetector) -> None:
    with pytest.raises(UserInputError) as caught:
        comply(make_empty_photo(), "icao", None, detector=detector)
    assert caught.value.message_id == "idphoto.no_face"


def test_a_group_photo_is_refused_because_an_id_photo_shows_one_person(
    detector: HaarFaceDetector,
) -> None:
    with pytest.raises(UserInputError) as caught:
        comply(make_group_photo(), "us", None, detector=detector)
    assert caught.value.message_id == "idphoto.several_faces"


def test_an_unknown_spec_names_the_ones_that_exist(selfie: Image.Image,
                                                   detector: HaarFaceDetector) -> None:
    with pytest.raises(UserInputError) as caught:
        comply(selfie, "mars_visa", None, detector=detector)
    assert caught.value.message_id == "idphoto.unknown_spec"
    assert "cn_1inch" in caught.value.params["known"]


def test_us_print_sheet_is_4x6_inches_at_300_dpi_with_six_copies(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, "us", None, detector=detector)
    sheet = print_sheet(photo.image, photo.spec)
    assert sheet.size == (1200, 1800)
    reopened = Image.open(io.BytesIO(encode_sheet(sheet)))
    assert tuple(round(v) for v in reopened.info["dpi"]) == (300, 300)
    layout = sheet_layout((600, 600), "4x6")
    assert layout.copies == 6
    centre = photo.image.getpixel((300, 300))
    for x in layout.xs:
        for y in layout.ys:
            assert close(sheet.getpixel((x + 300, y + 300)), centre)  # type: ignore[arg-type]


def test_icao_print_sheet_leaves_gaps_with_grey_cut_guides(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, "icao", None, detector=detector)
    sheet = print_sheet(photo.image, photo.spec, "4x6")
    layout = sheet_layout((413, 531), "4x6")
    assert (layout.columns, layout.rows) == (2, 3)
    # A guide runs just left of the first column, through the white margin.
    guide = sheet.getpixel((layout.xs[0] - 1, 5))
    margin = sheet.getpixel((layout.xs[0] - 20, 5))
    assert guide != margin and max(guide) < 200  # type: ignore[arg-type]
    assert margin == (255, 255, 255)


def test_a4_sheet_fits_many_one_inch_photos(selfie: Image.Image,
                                            detector: HaarFaceDetector) -> None:
    photo = comply(selfie, "cn_1inch", "blue", detector=detector)
    sheet = print_sheet(photo.image, photo.spec, "a4")
    assert sheet.size == (2480, 3508)
    assert sheet_layout((295, 413), "a4").copies == 8 * 8
    assert sheet_layout((295, 413), "4x6").copies == 16


def test_a_blue_backdrop_without_a_named_spec_makes_a_chinese_one_inch_photo(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    photo = comply(selfie, None, "blue", detector=detector)
    assert photo.spec.key == "cn_1inch" and photo.background == "blue"
    assert comply(selfie, None, None, detector=detector).spec.key == "icao"


def test_a_sheet_never_stretches_a_photo_made_for_another_spec(
    selfie: Image.Image, detector: HaarFaceDetector
) -> None:
    one_inch = comply(selfie, "cn_1inch", "blue", detector=detector)
    sheet = print_sheet(one_inch.image, SPECS["icao"])
    layout = sheet_layout((295, 413), "4x6")
    x, y = layout.xs[0], layout.ys[0]
    assert close(sheet.getpixel((x + 2, y + 2)), BACKGROUND_RGB["blue"])  # type: ignore[arg-type]
    assert sheet.getpixel((x + 295 + 3, y + 2)) != sheet.getpixel((x + 2, y + 2))
