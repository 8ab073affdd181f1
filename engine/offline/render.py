"""The offline renderer: a ``ProviderJob`` in, finished image files out, on the CPU.

Steps for each requested image: pick the style's treatment, crop the reference photo to the
aspect ratio centred on the face (later images of a request move and zoom the crop a little,
seeded), apply an expression warp if asked, run the family's filter, encode JPEG. ID-photo
styles go through ``engine.idphoto.comply`` instead. Without a reference photo it draws a
placeholder (``engine.offline.placeholder``).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.errors import UserInputError
from core.idspecs import default_spec_key
from core.styles import BACKGROUND_WORDS, PRESETS
from engine.facedetect import FaceDetector
from engine.idphoto import comply
from engine.offline.expression import unsupported, warp_expression
from engine.offline.families import FAMILY_FILTERS, Context, FaceBox
from engine.offline.placeholder import placeholder_portrait
from engine.offline.treatments import Treatment, treatment_for
from engine.providers.base import ProviderJob

OUTPUT_LONG_SIDE = 1024
"""Pixels on the longer side of an offline image: what chat apps show, and fast to filter."""
JPEG_QUALITY = 90
"""Offline previews are JPEG: a tenth of a PNG's size, no visible loss after the filters."""
MAX_ZOOM = 0.12
"""Later images of a request zoom in by up to this fraction, and shift by half of it."""
DEFAULT_RATIO = (1, 1)

PREVIEW_NOTE = "offline.preview_caption"
"""Message id every offline image's caption must carry (see provider docstring)."""
PLACEHOLDER_NOTE = "offline.placeholder_note"
EXPRESSION_NOTE = "offline.expression_note"


@dataclass(frozen=True)
class Rendered:
    """What the renderer made, and what the caption should say about it."""

    images: tuple[bytes, ...]
    content_type: str
    style: str | None
    family: str
    notes: tuple[str, ...]
    """Message ids for the caption, ``offline.preview_caption`` first."""
    id_compliant: bool = False
    """True when the image already went through ID-photo compliance."""
    id_spec: str | None = None
    background: str | None = None
    """ID photos: the spec key and backdrop colour actually used."""


def parse_ratio(text: str | None) -> tuple[int, int]:
    """"9:16" -> (9, 16); anything unreadable -> 1:1."""
    try:
        w, h = (int(part) for part in (text or "").split(":"))
    except ValueError:
        return DEFAULT_RATIO
    return (w, h) if w > 0 and h > 0 else DEFAULT_RATIO


def output_size(ratio: tuple[int, int]) -> tuple[int, int]:
    """(width, height) with OUTPUT_LONG_SIDE on the longer side, even numbers."""
    w, h = ratio
    if w >= h:
        return OUTPUT_LONG_SIDE, max(2, round(OUTPUT_LONG_SIDE * h / w / 2) * 2)
    return max(2, round(OUTPUT_LONG_SIDE * w / h / 2) * 2), OUTPUT_LONG_SIDE


def style_of(job: ProviderJob) -> str | None:
    """The style key: ``job.extra["style"]``, else the preset whose prompt the job carries."""
    named = job.extra.get("style")
    if isinstance(named, str) and named:
        return named
    for style in PRESETS:
        opening = style.prompt.split("{")[0][:80]
        if len(opening) >= 20 and opening in job.prompt:
            return style.key
    return None


def background_of(job: ProviderJob) -> str | None:
    """The ID-photo backdrop: ``job.extra["background"]``, else the colour the prompt names."""
    named = job.extra.get("background")
    if isinstance(named, str) and named:
        return named
    for colour, words in BACKGROUND_WORDS.items():
        if words in job.prompt:
            return colour
    return None


def job_seed(job: ProviderJob) -> int:
    """The job's seed, or one derived from its content so the same job renders the same."""
    if job.seed is not None:
        return int(job.seed)
    digest = hashlib.sha256(job.prompt.encode())
    for reference in job.references:
        digest.update(reference)
    return int.from_bytes(digest.digest()[:4], "big")


def render(job: ProviderJob, detector: FaceDetector) -> Rendered:
    """Make the job's images (blocking, CPU)."""
    style, treatment = treatment_for(style_of(job), job.prompt)
    count = max(1, job.count)
    seed = job_seed(job)
    notes = [PREVIEW_NOTE]
    if job.expression:
        notes.append(EXPRESSION_NOTE)
    if not job.references:
        notes.append(PLACEHOLDER_NOTE)
        drawn = tuple(_encode(_placeholder(job, treatment, style, seed, i)) for i in range(count))
        return Rendered(drawn, "image/jpeg", style, treatment.family, tuple(notes))

    source = _decode(job.references[0])
    if treatment.family == "id_photo":
        background = background_of(job) or treatment.background
        spec = job.extra.get("id_spec") or default_spec_key(style, background)
        photo = comply(source, spec, background, detector=detector,
                       outfit=job.extra.get("outfit"))
        notes.extend(photo.notes)
        # One ID photo per request: copies of a compliant photo are the print sheet's job.
        return Rendered((photo.data,), "image/jpeg", style, "id_photo", tuple(notes), True,
                        photo.spec.key, photo.background)

    faces = detector.detect(source)
    face = faces[0].box if faces else None
    images: list[bytes] = []
    for index in range(count):
        rng = np.random.default_rng([seed, index])
        image, box = _framed(source, face, parse_ratio(job.aspect_ratio), rng, index)
        if job.expression and box is not None:
            image = warp_expression(image, box, job.expression)
        ctx = Context(face=box, rng=rng, variation=float(rng.uniform(-1, 1)) if index else 0.0)
        images.append(_encode(FAMILY_FILTERS[treatment.family](image, treatment, ctx)))
    return Rendered(tuple(images), "image/jpeg", style, treatment.family, tuple(notes))


def ignored_expression(job: ProviderJob) -> list[str]:
    """Expression parameters of ``job`` the offline warp cannot do (for logs)."""
    return unsupported(job.expression or {})


def _placeholder(
    job: ProviderJob, treatment: Treatment, style: str | None, seed: int, index: int
) -> np.ndarray:
    rng = np.random.default_rng([seed, index])
    size = output_size(parse_ratio(job.aspect_ratio))
    image, box = placeholder_portrait(size, treatment, style or "custom", rng)
    family = "portrait" if treatment.family == "id_photo" else treatment.family
    ctx = Context(face=box, rng=rng, variation=float(rng.uniform(-1, 1)) if index else 0.0)
    return FAMILY_FILTERS[family](image, treatment, ctx)


def _decode(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return opened.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise UserInputError("offline.unreadable_photo") from None


def _framed(
    source: Image.Image,
    face: tuple[int, int, int, int] | None,
    ratio: tuple[int, int],
    rng: np.random.Generator,
    index: int,
) -> tuple[np.ndarray, FaceBox | None]:
    """The source cropped to ``ratio`` around the face and scaled to the output size.

    Image 0 is the widest centred crop; later ones zoom and shift a little (seeded).
    """
    width, height = source.size
    target = ratio[0] / ratio[1]
    crop_w, crop_h = (width, width / target) if width / height < target else (height * target, height)
    if index:
        zoom = 1 - rng.uniform(0.3, 1.0) * MAX_ZOOM
        crop_w, crop_h = crop_w * zoom, crop_h * zoom
    if face is not None:
        fx, fy, fw, fh = face
        # Face a little above centre: portrait convention, room for shoulders.
        cx, cy = fx + fw / 2, fy + fh / 2 + 0.1 * crop_h
    else:
        cx, cy = width / 2, height / 2
    if index:
        cx += rng.uniform(-0.5, 0.5) * MAX_ZOOM * crop_w
        cy += rng.uniform(-0.5, 0.5) * MAX_ZOOM * crop_h
    left = min(max(cx - crop_w / 2, 0.0), width - crop_w)
    top = min(max(cy - crop_h / 2, 0.0), height - crop_h)
    size = output_size(ratio)
    framed = source.resize(
        size, Image.Resampling.LANCZOS, box=(left, top, left + crop_w, top + crop_h),
        reducing_gap=2.0,
    )
    box = None
    if face is not None:
        scale = size[0] / crop_w
        fx, fy, fw, fh = face
        box = ((fx - left) * scale, (fy - top) * scale, fw * scale, fh * scale)
    return np.asarray(framed).copy(), box


def _encode(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, "RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
