"""ID-photo compliance: find the face, crop and scale to the spec, set the background, write DPI.

The AI model (or the offline engine) makes a clean portrait; this deterministic step makes it
usable at a passport office: the head height and eye line land inside the spec's ranges, the
background becomes the requested flat colour (GrabCut seeded from the face and shoulders, no
model file needed), the JPEG carries 300 DPI, and for online forms the file is re-encoded to
fit the spec's KB window. ``IdPhoto`` reports what it measured so callers and tests can check.

    photo = comply(image, "us", "white", detector=build_detector(settings))
    sheet = print_sheet(photo.image, photo.spec)          # engine.printsheet
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.errors import UserInputError
from core.idspecs import (
    BACKGROUND_ALIASES,
    BACKGROUND_RGB,
    PRINT_DPI,
    SPECS,
    Box,
    IdSpec,
    choose_background,
    crop_box_for,
    get_spec,
    head_from_face,
    measured_fractions,
)
from engine.facedetect import Face, FaceDetector
from engine.idmeasure import Card, chin_of, framing_problem, measure_file, upright

WORK_MAX_SIDE = 1600
"""Pixels: larger photos are shrunk to this first; the biggest spec needs ~830 px of height."""
GRABCUT_MAX_SIDE = 256
"""Pixels: GrabCut runs on a copy this size (its cost grows with area; edges are refined later)."""
GRABCUT_ITERATIONS = 4
"""GrabCut rounds; plain backdrops settle in 3-5."""
GRABCUT_SEED = 20240601
"""OpenCV's RNG seeds GrabCut's k-means; fixing it makes the same photo give the same mask."""
MAX_UPSCALE = 4.0
"""A face so small that the crop must be enlarged more than this would print visibly blurred."""
SECOND_FACE_AREA = 0.3
"""Another face at least this fraction of the main face's area means a second person."""
REGION_MARGIN = 0.25
"""Extra working area around the first crop estimate (fraction of its height), so the final
crop, computed after the crown is measured, still lies inside what was segmented."""
JPEG_QUALITY = 95
"""Default JPEG quality of an ID photo: labs print it, so keep detail."""
MIN_JPEG_QUALITY = 30
"""Lowest quality tried when fitting a KB limit; below it faces turn blocky."""
MATTE_LOW = 0.6
"""Mask level (0..1) below which an upscaled edge pixel counts as backdrop: trims the halo."""
FEATHER_SIGMA = 1.0
"""Pixels (output scale): softening of the subject's outline against the new background."""

BACKGROUND_NOTES = {
    "white": "idphoto.background_forced_white",
    "light_grey": "idphoto.background_forced_light_grey",
    "blue": "idphoto.background_forced_blue",
    "red": "idphoto.background_forced_red",
}
"""Note shown when the asked-for background is not accepted and the spec's default is used."""
KB_NOTE = "idphoto.kb_target_missed"
"""Note shown when the file could not be brought inside the spec's KB window."""
CAPTION_ID = "idphoto.caption"
"""Message id of the ID photo's caption; fill it with ``caption_params``."""


@dataclass(frozen=True)
class IdPhoto:
    """A compliant ID photo, its encoded file, and what was measured on it."""

    image: Image.Image
    """RGB, exactly the spec's pixel size, ``info["dpi"] == (300, 300)``."""
    data: bytes
    """The JPEG file (300 DPI in its JFIF header)."""
    spec: IdSpec
    background: str
    head_height_px: float
    head_fraction: float
    """Chin to crown over photo height."""
    eye_line_fraction: float
    """Eye line height above the bottom edge over photo height."""
    quality: int
    crop: Box
    """The crop in the source image's pixels."""
    notes: tuple[str, ...] = ()
    """Message ids of things the person should know (background changed, size not met)."""
    tilt_degrees: float = 0.0
    """How far the photo was turned to level the eye line (0: not turned)."""
    card: Card | None = None
    """What the delivered file measures (``engine.idmeasure.measure_file``)."""

    @property
    def kb(self) -> float:
        return len(self.data) / 1024


def caption_params(photo: IdPhoto, language: str | None) -> dict[str, str | int]:
    """Placeholders of the ``idphoto.caption`` message for ``photo``."""
    return {
        "name": photo.spec.name(language),
        "size": photo.spec.size_label(),
        "width": photo.spec.width_px,
        "height": photo.spec.height_px,
    }


def resolve_spec(key: str | None, background: str | None = None) -> IdSpec:
    """The spec for ``key`` (None: the default for ``background``), else a UserInputError
    listing the known keys."""
    spec = get_spec(key, background)
    if spec is None:
        raise UserInputError("idphoto.unknown_spec", spec=str(key), known=", ".join(SPECS))
    return spec


def comply(
    image: Image.Image,
    spec_key: str | None,
    background: str | None = None,
    *,
    detector: FaceDetector,
    max_kb: int | None = None,
    min_kb: int | None = None,
    use_spec_kb: bool = True,
    outfit: str | None = None,
) -> IdPhoto:
    """Make ``image`` a compliant ID photo for ``spec_key`` on ``background`` (or the default).

    With no ``spec_key``, a blue or red ``background`` means China's 一寸 photo, else ICAO.
    ``outfit`` ("suit", "blazer", "formal") recolours the clothes (``engine.idoutfit``): what
    the offline engine can do when no edit model dressed the person.

    Raises UserInputError with ``idphoto.no_face``, ``idphoto.several_faces``,
    ``idphoto.face_too_small``, ``idphoto.crown_cut``, ``idphoto.head_at_edge``,
    ``idphoto.shoulders_cut`` or ``idphoto.unknown_spec``.
    """
    spec = resolve_spec(spec_key, background)
    colour = choose_background(spec, background)
    notes: list[str] = []
    if background and BACKGROUND_ALIASES.get(background, background) != colour:
        notes.append(BACKGROUND_NOTES[colour])

    rgb, factor = _working_copy(image)
    rgb, face, tilt = upright(rgb, _the_face(detector.detect(rgb)))
    eye_y = face.eye_centre[1] if face.eye_centre is not None else None
    chin = chin_of(face)
    height, width = rgb.shape[:2]
    first = crop_box_for(spec, face.box, eye_y, (width, height), chin_y=chin)
    if spec.height_px / (first[3] - first[1]) > MAX_UPSCALE:
        raise UserInputError("idphoto.face_too_small")

    region = _region_around(first)
    patch = _padded(rgb, region)
    alpha = _foreground_alpha(patch, face, region)
    crown = _measured_crown(alpha, face, region)
    crop = crop_box_for(spec, face.box, eye_y, (width, height), crown_y=crown, chin_y=chin)
    problem = framing_problem(face, crop, (width, height), _crown_cut(alpha, face, region))
    if problem:
        raise UserInputError(problem)
    if outfit:
        from engine.idoutfit import dress

        head_chin = head_from_face(face.box, eye_y, crown, chin).chin_y
        patch = dress(patch, alpha, face, head_chin, (region[0], region[1]), outfit)
    out = _render(patch, alpha, region, crop, spec, BACKGROUND_RGB[colour])

    head = head_from_face(face.box, eye_y, crown, chin)
    head_fraction, eye_fraction = measured_fractions(spec, crop, head)
    kb_low = min_kb if min_kb is not None else (spec.kb_min if use_spec_kb else None)
    kb_high = max_kb if max_kb is not None else (spec.kb_max if use_spec_kb else None)
    data, quality, fits = fit_kb(out, kb_low, kb_high)
    if not fits:
        notes.append(KB_NOTE)
    out.info["dpi"] = (PRINT_DPI, PRINT_DPI)
    return IdPhoto(
        image=out,
        data=data,
        spec=spec,
        background=colour,
        head_height_px=head_fraction * spec.height_px,
        head_fraction=head_fraction,
        eye_line_fraction=eye_fraction,
        quality=quality,
        crop=tuple(v / factor for v in crop),  # type: ignore[arg-type]
        notes=tuple(notes),
        tilt_degrees=round(tilt, 2),
        card=measure_file(data, spec, colour, detector),
    )


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes with 300 DPI written into the header."""
    buffer = io.BytesIO()
    image.convert("RGB").save(
        buffer, "JPEG", quality=quality, dpi=(PRINT_DPI, PRINT_DPI), optimize=True
    )
    return buffer.getvalue()


def fit_kb(
    image: Image.Image, min_kb: int | None, max_kb: int | None
) -> tuple[bytes, int, bool]:
    """(JPEG bytes, quality, whether the KB window was met), best quality that fits."""
    data = encode_jpeg(image, JPEG_QUALITY)
    quality = JPEG_QUALITY
    if max_kb is not None and len(data) > max_kb * 1024:
        low, high, best = MIN_JPEG_QUALITY, JPEG_QUALITY - 1, None
        while low <= high:  # highest quality whose file still fits
            mid = (low + high) // 2
            candidate = encode_jpeg(image, mid)
            if len(candidate) <= max_kb * 1024:
                best, low = (candidate, mid), mid + 1
            else:
                high = mid - 1
        if best is None:
            return encode_jpeg(image, MIN_JPEG_QUALITY), MIN_JPEG_QUALITY, False
        data, quality = best
    if min_kb is not None and len(data) < min_kb * 1024:
        data, quality = encode_jpeg(image, 100), 100
        if len(data) < min_kb * 1024:
            return data, quality, False
    return data, quality, True


def _working_copy(image: Image.Image) -> tuple[np.ndarray, float]:
    """RGB array no larger than WORK_MAX_SIDE, and the factor from source to it."""
    rgb = image.convert("RGB")
    factor = min(1.0, WORK_MAX_SIDE / max(rgb.size))
    if factor < 1.0:
        size = (round(rgb.width * factor), round(rgb.height * factor))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return np.asarray(rgb), factor


def _the_face(faces: list[Face]) -> Face:
    if not faces:
        raise UserInputError("idphoto.no_face")
    if len(faces) > 1 and faces[1].area >= SECOND_FACE_AREA * faces[0].area:
        raise UserInputError("idphoto.several_faces")
    return faces[0]


def _region_around(crop: Box) -> tuple[int, int, int, int]:
    """Integer (left, top, right, bottom) around ``crop`` with REGION_MARGIN to spare."""
    margin = REGION_MARGIN * (crop[3] - crop[1])
    return (
        int(np.floor(crop[0] - margin)),
        int(np.floor(crop[1] - margin)),
        int(np.ceil(crop[2] + margin)),
        int(np.ceil(crop[3] + margin)),
    )


def _padded(rgb: np.ndarray, region: tuple[int, int, int, int]) -> np.ndarray:
    """The pixels of ``region``: edge pixels repeated where it reaches past the sides or the
    bottom (shoulders go on), the backdrop's colour above the top (so hair cut off by the top
    edge stays hair to GrabCut, ends at that edge, and is seen as cut off)."""
    height, width = rgb.shape[:2]
    left, top, right, bottom = region
    inner = rgb[max(0, top) : min(height, bottom), max(0, left) : min(width, right)]
    sides = cv2.copyMakeBorder(np.ascontiguousarray(inner), 0, max(0, bottom - height),
                               max(0, -left), max(0, right - width), cv2.BORDER_REPLICATE)
    if top >= 0:
        return sides
    corner = max(2, round(0.05 * min(height, width)))
    backdrop = np.median(np.concatenate([rgb[:corner, :corner].reshape(-1, 3),
                                         rgb[:corner, -corner:].reshape(-1, 3)]), axis=0)
    return cv2.copyMakeBorder(sides, -top, 0, 0, 0, cv2.BORDER_CONSTANT,
                              value=tuple(float(v) for v in backdrop))


def _foreground_alpha(
    patch: np.ndarray, face: Face, region: tuple[int, int, int, int]
) -> np.ndarray:
    """Soft 0..1 mask of the person (head, hair, shoulders) in ``patch`` via seeded GrabCut."""
    height, width = patch.shape[:2]
    scale = min(1.0, GRABCUT_MAX_SIDE / max(height, width))
    small = cv2.resize(patch, (max(1, round(width * scale)), max(1, round(height * scale))),
                       interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    # Face geometry in the small patch's pixels.
    fx, fy = (face.x - region[0]) * scale, (face.y - region[1]) * scale
    fw, fh = face.w * scale, face.h * scale
    cx, chin = fx + fw / 2, fy + fh

    mask = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    head_top = fy - 0.8 * fh
    cv2.ellipse(mask, (round(cx), round((head_top + chin) / 2)),
                (round(0.75 * fw), round((chin - head_top) / 2)), 0, 0, 360, cv2.GC_PR_FGD, -1)
    body = np.array([
        (cx - 0.35 * fw, chin - 0.1 * fh), (cx + 0.35 * fw, chin - 0.1 * fh),
        (cx + 1.1 * fw, chin + 0.6 * fh), (cx + 1.7 * fw, sh), (cx - 1.7 * fw, sh),
        (cx - 1.1 * fw, chin + 0.6 * fh),
    ], np.int32)
    cv2.fillPoly(mask, [body], cv2.GC_PR_FGD)
    # Sure background: far above the head, and the upper corners beside it.
    mask[: max(1, int(fy - 1.0 * fh)), :] = cv2.GC_BGD
    upper = int(fy + 0.5 * fh)
    mask[:upper, : max(0, int(cx - 1.1 * fw))] = cv2.GC_BGD
    mask[:upper, int(cx + 1.1 * fw) :] = cv2.GC_BGD
    # Sure foreground: the middle of the face and a strip down the chest.
    mask[int(fy + 0.2 * fh) : int(fy + 0.9 * fh), int(fx + 0.25 * fw) : int(fx + 0.75 * fw)] = cv2.GC_FGD
    mask[int(chin + 0.4 * fh) :, int(cx - 0.2 * fw) : int(cx + 0.2 * fw)] = cv2.GC_FGD

    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(GRABCUT_SEED)
    bgr = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    cv2.grabCut(bgr, mask, (0, 0, 1, 1), bgd, fgd, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_MASK)
    person = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    person = _keep_component_at(person, (int(cx), int(fy + 0.5 * fh)))
    alpha = cv2.resize(person, (width, height), interpolation=cv2.INTER_LINEAR)
    return alpha.astype(np.float32) / 255


def _keep_component_at(mask: np.ndarray, point: tuple[int, int]) -> np.ndarray:
    """Only the connected blob of ``mask`` that contains ``point``, with its holes filled."""
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    x = min(max(point[0], 0), mask.shape[1] - 1)
    y = min(max(point[1], 0), mask.shape[0] - 1)
    label = labels[y, x]
    if count <= 1 or label == 0:
        return mask
    blob = np.where(labels == label, 255, 0).astype(np.uint8)
    # Holes (an earring, a shirt button mistaken for backdrop) are whatever the outside can't reach.
    outside = np.zeros((blob.shape[0] + 2, blob.shape[1] + 2), np.uint8)
    flooded = blob.copy()
    cv2.floodFill(flooded, outside, (0, 0), 255)
    if blob[0, 0] != 0:
        return blob
    return np.bitwise_or(blob, np.asarray(cv2.bitwise_not(flooded), np.uint8))


def _measured_crown(
    alpha: np.ndarray, face: Face, region: tuple[int, int, int, int]
) -> float | None:
    """Top of the hair (working-image y) from the mask, or None when it can't be trusted."""
    cx = face.x + face.w / 2 - region[0]
    band = alpha[:, max(0, int(cx - 0.15 * face.w)) : int(cx + 0.15 * face.w) + 1]
    if band.size == 0:
        return None
    rows = np.nonzero((band > 0.5).mean(axis=1) > 0.3)[0]
    if rows.size == 0:
        return None
    crown = float(rows[0]) + region[1]
    # Touching the top of the segmented area means the hair was cut off or the mask leaked.
    if rows[0] <= 2 or not (face.y - 1.0 * face.h <= crown <= face.y + 0.05 * face.h):
        return None
    return crown


def _crown_cut(alpha: np.ndarray, face: Face, region: tuple[int, int, int, int]) -> bool:
    """Does the person reach the photo's top edge above the face (the hair cut off)?"""
    if region[1] > 0:
        return False  # the segmented area starts inside the photo, below its top edge
    cx = face.x + face.w / 2 - region[0]
    band = alpha[:, max(0, int(cx - 0.15 * face.w)) : int(cx + 0.15 * face.w) + 1]
    top = -region[1]
    return bool(band.size and (band[top : top + 3] > 0.5).mean() > 0.3)


def _render(
    patch: np.ndarray,
    alpha: np.ndarray,
    region: tuple[int, int, int, int],
    crop: Box,
    spec: IdSpec,
    colour: tuple[int, int, int],
) -> Image.Image:
    """Composite the person onto ``colour`` and cut ``crop`` out at the spec's pixel size."""
    scale = spec.height_px / (crop[3] - crop[1])
    height, width = patch.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    shrink = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(patch, size, interpolation=shrink).astype(np.float32)
    matte = cv2.resize(alpha, size, interpolation=cv2.INTER_LINEAR)
    # The mask was cut at low resolution, so its edge is a wide ramp that still holds the old
    # backdrop's colour: pull the edge inwards and sharpen it before the light feather.
    matte = np.clip((matte - MATTE_LOW) / (1.0 - MATTE_LOW - 0.1), 0.0, 1.0)
    matte = cv2.GaussianBlur(matte, (0, 0), FEATHER_SIGMA)[..., None]
    backdrop = np.array(colour, np.float32)
    composed = np.clip(scaled * matte + backdrop * (1 - matte), 0, 255).astype(np.uint8)
    # Translate so the crop's corner lands on (0, 0); anything outside is backdrop.
    dx, dy = (region[0] - crop[0]) * scale, (region[1] - crop[1]) * scale
    shift = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    out = cv2.warpAffine(
        composed, shift, (spec.width_px, spec.height_px), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=colour,
    )
    return Image.fromarray(out, "RGB")
