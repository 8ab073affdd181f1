"""The offline engine: every style gets a recognisable local treatment, sized, seeded, captioned.

Family properties are measured on the pixels a person would see: few flat colours and dark
outlines for anime, brown-on-brown channel order for sepia, teal and magenta hues for
cyberpunk, a paler paper-like wash for watercolour, a themed frame for Christmas.
"""

from __future__ import annotations

import io
import itertools

import cv2
import numpy as np
import pytest
from PIL import Image

from core.errors import PermanentUpstreamError, UserInputError
from core.idspecs import BACKGROUND_RGB
from core.prompts import build_prompt
from core.request import GenerationRequest
from core.settings import Settings
from core.styles import PRESETS, Catalogue
from engine.facedetect import HaarFaceDetector
from engine.offline import OFFLINE_FLAG, OfflineProvider, is_offline
from engine.offline.families import ANIME_COLOURS, FAMILY_FILTERS, OUTLINE, Context
from engine.offline.render import render, style_of
from engine.offline.treatments import (
    DEFAULT_TREATMENT,
    FAMILIES,
    STYLE_TREATMENTS,
    treatment_for,
)
from engine.providers import build_offline
from engine.providers.base import ProviderJob
from tests.faces import make_empty_photo, make_face_photo

SMALL = (384, 384)


@pytest.fixture(scope="module")
def detector() -> HaarFaceDetector:
    return HaarFaceDetector()


@pytest.fixture(scope="module")
def selfie_jpeg() -> bytes:
    buffer = io.BytesIO()
    make_face_photo((720, 900), face_width=300).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def small_selfie() -> np.ndarray:
    return np.asarray(make_face_photo(SMALL, face_width=150)).copy()


def job(references: tuple[bytes, ...] = (), **fields: object) -> ProviderJob:
    values: dict = {"model": "offline", "endpoint": "offline", "prompt": "", "references": references}
    values.update(fields)
    return ProviderJob(**values)


def treated(family: str, image: np.ndarray, style: str | None = None) -> np.ndarray:
    treatment = STYLE_TREATMENTS[style] if style else DEFAULT_TREATMENT
    ctx = Context(face=(117, 110, 150, 150), rng=np.random.default_rng(1))
    return FAMILY_FILTERS[family](image, treatment, ctx)


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def colours(image: np.ndarray) -> int:
    return len(np.unique(image.reshape(-1, 3), axis=0))


# -- the table -----------------------------------------------------------------------------


def test_every_one_of_the_39_preset_styles_has_an_offline_treatment() -> None:
    assert set(STYLE_TREATMENTS) == {style.key for style in PRESETS}
    assert len(STYLE_TREATMENTS) == 39
    assert {t.family for t in STYLE_TREATMENTS.values()} <= set(FAMILIES)
    assert set(FAMILIES) - {"id_photo"} == set(FAMILY_FILTERS)


def test_a_custom_prompt_picks_its_treatment_from_keywords_else_the_default() -> None:
    assert treatment_for(None, "me as a watercolour painting by the sea")[0] == "watercolor"
    assert treatment_for(None, "给我做一张证件照")[0] == "id_photo_white"
    assert treatment_for("my_operator_style", "a medieval knight")[1] is DEFAULT_TREATMENT


def test_the_style_is_recognised_from_the_preset_prompt_when_extra_has_none() -> None:
    catalogue = Catalogue.presets()
    for key in ("watercolor", "dating_beach", "id_photo_blue", "avatar_3d"):
        prompt = build_prompt(GenerationRequest(style=key), catalogue, edit_mode=True)
        assert style_of(job(prompt=prompt)) == key


# -- each family looks like itself -----------------------------------------------------------


def test_anime_flattens_colour_into_a_few_cels_with_dark_ink_outlines(
    small_selfie: np.ndarray,
) -> None:
    out = treated("anime", small_selfie, "anime")
    assert colours(small_selfie) > 1000
    assert colours(out) <= ANIME_COLOURS + 1
    assert (out == np.array(OUTLINE)).all(axis=2).mean() > 0.005


def test_vintage_is_sepia_toned_red_over_green_over_blue(small_selfie: np.ndarray) -> None:
    out = treated("vintage", small_selfie, "vintage").astype(int)
    r, g, b = (out[..., i] for i in range(3))
    assert ((r >= g - 4) & (g >= b - 4)).mean() > 0.95
    assert r.mean() / b.mean() > 1.25


def test_cyberpunk_is_graded_teal_and_magenta(small_selfie: np.ndarray) -> None:
    out = treated("neon", small_selfie, "cyberpunk")
    hue = cv2.cvtColor(out, cv2.COLOR_RGB2HSV)[..., 0].astype(int)  # 0..180
    neon = ((hue >= 80) & (hue <= 105)) | ((hue >= 135) & (hue <= 175))
    before = cv2.cvtColor(small_selfie, cv2.COLOR_RGB2HSV)[..., 0].astype(int)
    was = ((before >= 80) & (before <= 105)) | ((before >= 135) & (before <= 175))
    assert neon.mean() > 0.6 > was.mean()


def test_watercolor_is_a_pale_wash_fading_to_paper_at_the_edges(small_selfie: np.ndarray) -> None:
    out = treated("watercolor", small_selfie, "watercolor")
    assert out.mean() > small_selfie.mean() + 20
    assert out[:6, :6].mean() > 240  # the corner is paper


def test_avatar_3d_is_smoother_and_more_saturated(small_selfie: np.ndarray) -> None:
    out = treated("avatar_3d", small_selfie, "avatar_3d")

    def sharpness(a: np.ndarray) -> float:
        return float(cv2.Laplacian(cv2.cvtColor(a, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())

    def saturation(a: np.ndarray) -> float:
        return float(cv2.cvtColor(a, cv2.COLOR_RGB2HSV)[..., 1].mean())

    assert sharpness(out) < sharpness(small_selfie) / 2
    assert saturation(out) > saturation(small_selfie) * 1.2


def test_professional_blurs_and_neutralises_the_backdrop_but_keeps_the_face(
    small_selfie: np.ndarray,
) -> None:
    out = treated("portrait", small_selfie, "professional")
    corner_in, corner_out = small_selfie[:60, :60], out[:60, :60]
    assert corner_out.std() < corner_in.std() / 2  # sensor grain blurred away
    face_in, face_out = small_selfie[150:230, 150:230], out[150:230, 150:230]
    assert np.abs(face_in.astype(int) - face_out.astype(int)).mean() < 20


def test_christmas_gets_a_red_frame_and_halloween_an_orange_one(small_selfie: np.ndarray) -> None:
    christmas = treated("scene", small_selfie, "christmas")
    halloween = treated("scene", small_selfie, "halloween")
    assert np.abs(christmas[2, 192].astype(int) - (185, 20, 30)).max() < 15
    assert np.abs(halloween[2, 192].astype(int) - (240, 120, 20)).max() < 15


def test_every_family_looks_visibly_different_from_every_other(small_selfie: np.ndarray) -> None:
    style_of_family = {"anime": "anime", "avatar_3d": "avatar_3d", "oil_painting": "oil_painting",
                       "watercolor": "watercolor", "vintage": "vintage", "neon": "cyberpunk",
                       "portrait": "professional", "dramatic": "artistic", "scene": "christmas",
                       "default": None}
    outputs = {fam: treated(fam, small_selfie, style).astype(int)
               for fam, style in style_of_family.items()}
    for (a, ia), (b, ib) in itertools.combinations(outputs.items(), 2):
        assert np.abs(ia - ib).mean() > 6, f"{a} and {b} look alike"


# -- the renderer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "size"), [("1:1", (1024, 1024)), ("9:16", (576, 1024)), ("16:9", (1024, 576)),
                        ("3:4", (768, 1024))],
)
def test_images_follow_the_requested_aspect_ratio(
    ratio: str, size: tuple[int, int], selfie_jpeg: bytes, detector: HaarFaceDetector
) -> None:
    done = render(job((selfie_jpeg,), aspect_ratio=ratio, extra={"style": "vintage"}), detector)
    assert decoded(done.images[0]).size == size


def test_count_images_vary_with_the_seed_and_repeat_exactly_for_the_same_seed(
    selfie_jpeg: bytes, detector: HaarFaceDetector
) -> None:
    request = job((selfie_jpeg,), count=3, seed=42, extra={"style": "dating_cafe"})
    first = render(request, detector)
    again = render(request, detector)
    other = render(job((selfie_jpeg,), count=3, seed=7, extra={"style": "dating_cafe"}), detector)
    assert len(first.images) == 3
    assert len(set(first.images)) == 3
    assert first.images == again.images
    assert first.images[1:] != other.images[1:]


def test_without_a_photo_a_labelled_placeholder_is_drawn_and_captioned_as_one(
    detector: HaarFaceDetector,
) -> None:
    done = render(job(prompt="a young woman in cyberpunk armor", count=2, aspect_ratio="3:4"),
                  detector)
    assert len(done.images) == 2
    assert decoded(done.images[0]).size == (768, 1024)
    assert done.style == "cyberpunk"
    assert done.notes[0] == "offline.preview_caption"
    assert "offline.placeholder_note" in done.notes


def test_an_id_photo_style_delivers_a_compliant_photo_on_its_default_background(
    selfie_jpeg: bytes, detector: HaarFaceDetector
) -> None:
    done = render(job((selfie_jpeg,), extra={"style": "id_photo_blue"}), detector)
    photo = decoded(done.images[0])
    assert done.id_compliant and photo.size == (295, 413)
    assert tuple(round(v) for v in photo.info["dpi"]) == (300, 300)
    corner = photo.convert("RGB").getpixel((2, 2))
    assert np.abs(np.array(corner) - BACKGROUND_RGB["blue"]).max() < 12


def test_an_id_photo_follows_the_spec_and_background_the_engine_passes(
    selfie_jpeg: bytes, detector: HaarFaceDetector
) -> None:
    extra = {"style": "id_photo_blue", "id_spec": "us", "background": "blue"}
    done = render(job((selfie_jpeg,), extra=extra), detector)
    assert decoded(done.images[0]).size == (600, 600)
    assert "idphoto.background_forced_white" in done.notes  # the US takes white only


def test_an_id_photo_of_a_wall_is_refused(detector: HaarFaceDetector) -> None:
    buffer = io.BytesIO()
    make_empty_photo().save(buffer, "JPEG")
    with pytest.raises(UserInputError) as caught:
        render(job((buffer.getvalue(),), extra={"style": "id_photo_white"}), detector)
    assert caught.value.message_id == "idphoto.no_face"


def test_a_smile_edit_moves_the_mouth_and_says_it_is_approximate(
    selfie_jpeg: bytes, detector: HaarFaceDetector
) -> None:
    plain = render(job((selfie_jpeg,), seed=1), detector)
    smiling = render(job((selfie_jpeg,), seed=1, expression={"smile": 1.0}), detector)
    a = np.asarray(decoded(plain.images[0])).astype(int)
    b = np.asarray(decoded(smiling.images[0])).astype(int)
    assert np.abs(a - b).max() > 40  # the mouth moved
    assert np.abs(a[:80, :80] - b[:80, :80]).mean() < 2  # the corner did not
    assert "offline.expression_note" in smiling.notes


def test_a_reference_that_is_not_an_image_is_refused(detector: HaarFaceDetector) -> None:
    with pytest.raises(UserInputError) as caught:
        render(job((b"not a jpeg",), extra={"style": "anime"}), detector)
    assert caught.value.message_id == "offline.unreadable_photo"


# -- the provider ----------------------------------------------------------------------------


async def test_the_offline_provider_finishes_inside_submit_and_flags_the_preview(
    selfie_jpeg: bytes, detector: HaarFaceDetector
) -> None:
    provider = OfflineProvider(Settings(), detector=detector)
    submitted = await provider.submit(job((selfie_jpeg,), count=2, extra={"style": "anime"}))
    assert submitted.images is not None and len(submitted.images) == 2
    assert all(image.content_type == "image/jpeg" for image in submitted.images)
    assert submitted.handle.data[OFFLINE_FLAG] is True and is_offline(submitted.handle)
    assert submitted.handle.data["notes"][0] == "offline.preview_caption"
    assert submitted.cost_usd == 0.0
    assert (await provider.poll(submitted.handle)).state == "done"
    await provider.cancel(submitted.handle)
    with pytest.raises(PermanentUpstreamError):
        await provider.result(submitted.handle)


def test_the_provider_registry_finds_the_offline_engine() -> None:
    provider = build_offline(Settings())
    assert isinstance(provider, OfflineProvider)
    assert provider.name == "offline"
