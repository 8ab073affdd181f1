"""The offline filter families: one function per family, RGB array in, RGB array out.

Each family gives a style group a look a person recognises at a glance: cel-shaded anime
(flat colours, inked outlines), a soft glossy 3D-avatar look, painterly oil patches on canvas,
watercolour washes on paper, sepia film, a teal-magenta neon grade, a clean headshot with a
blurred neutral backdrop, dramatic chiaroscuro, and warm scene grades with themed tints and
frames. ID photos are not a filter: the renderer hands them to ``engine.idphoto``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from engine.offline import filters as f
from engine.offline.treatments import Treatment

Array = np.ndarray
FaceBox = tuple[float, float, float, float]

ANIME_COLOURS = 12
"""Flat colours left by anime quantisation: enough for skin light/shade, few enough to read as cels."""
OUTLINE = (35, 25, 40)
"""Ink colour of cartoon outlines: near-black with a touch of violet, as anime inks are."""
NEON_DARK = (8, 60, 80)
NEON_LIGHT = (255, 60, 210)
"""Cyberpunk gradient map: shadows teal, highlights magenta."""
NIGHT_LIGHT = (120, 140, 255)
"""Night-city highlight colour (with the style's tint as shadow)."""
INK_SPECK_AREA = 60
"""Pixels (in a 1024x1024 image, scaled with the area): ink blobs smaller than this are
dropped. Real hair and fabric texture left hundreds of dots that read as dirt, not inking."""
TUNED_FACE_FRACTION = 0.37
"""Face width / image long side the painterly filters' sizes were tuned at (drawn selfies:
150 of 384 px). A real half-body photo (NASA's astronaut portrait) has faces of ~0.19: with
the same patch sizes its eyes and mouth dissolved (oil, 3D avatar, watercolour), so those
filters shrink their neighbourhoods with the face (see ``_detail_scale``)."""
MIN_DETAIL_SCALE = 0.35
"""Smallest factor applied to filter sizes: below it the styles stop reading as painted."""


@dataclass(frozen=True)
class Context:
    """What a family may use besides the pixels: the face, seeded randomness, variation."""

    face: FaceBox | None
    rng: np.random.Generator
    variation: float = 0.0
    """-1..1, picked per image from the seed, nudging tint strength and the like."""


def _subject_mask(image: Array, face: FaceBox | None) -> Array:
    """Soft mask of head and shoulders (from the face box, or the centre when none)."""
    h, w = image.shape[:2]
    if face is None:
        return f.ellipse_mask(image.shape, (w / 2, h * 0.55), (w * 0.33, h * 0.5), 0.06)
    x, y, fw, fh = face
    head = f.ellipse_mask(image.shape, (x + fw / 2, y + fh * 0.45), (fw * 0.75, fh * 0.95), 0.03)
    body = f.ellipse_mask(image.shape, (x + fw / 2, y + fh * 2.4), (fw * 1.6, fh * 1.5), 0.05)
    return np.maximum(head, body)


def _detail_scale(image: Array, ctx: Context) -> float:
    """Filter-size factor, 1 at the tuned face size, smaller for smaller faces (never above 1)."""
    if ctx.face is None:
        return 1.0
    tuned = TUNED_FACE_FRACTION * max(image.shape[:2])
    return float(np.clip(ctx.face[2] / tuned, MIN_DETAIL_SCALE, 1.0))


def _face_crop(image: Array, face: FaceBox | None) -> Array | None:
    """The face box's pixels (clipped to the image), or None without a face."""
    if face is None:
        return None
    x, y, w, h = (round(v) for v in face)
    return image[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)]


def _without_specks(mask: Array, min_area: float) -> Array:
    """``mask`` (bool) without connected blobs smaller than ``min_area`` pixels."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False  # label 0 is the background
    return np.asarray(keep[labels])


def anime(image: Array, t: Treatment, ctx: Context) -> Array:
    """Cel shading: smoothed, quantised to flat colours, bold dark outlines."""
    flat = f.smooth(f.saturate(image, 1.35, 1.05), passes=4, colour_sigma=50)
    if t.tint is not None:
        flat = f.tint_edges(flat, t.tint, 0.35 + 0.1 * ctx.variation)
    cels = f.quantise(flat, ANIME_COLOURS, _face_crop(flat, ctx.face))
    edges = f.ink_edges(image, block=9, c=4, thickness=2 if max(image.shape[:2]) > 700 else 1)
    edges = _without_specks(edges, INK_SPECK_AREA * edges.size / 1024**2)
    cels[edges] = OUTLINE
    return cels


def avatar_3d(image: Array, t: Treatment, ctx: Context) -> Array:
    """Glossy 3D-render look: very smooth skin, saturated colour, soft bloom, top light."""
    scale = _detail_scale(image, ctx)
    out = f.smooth(image, passes=max(2, round(6 * scale)), colour_sigma=60 * scale ** 0.5,
                   space_sigma=9 * scale)
    out = f.saturate(out, 1.45, 1.05)
    out = f.s_curve(out, 0.25)
    if t.tint is not None:
        out = f.tint_edges(out, t.tint, 0.45 + 0.1 * ctx.variation)
    out = f.glow(out, 0.03, 0.45)
    light = 1.0 + 0.12 * (0.5 - np.linspace(0, 1, image.shape[0], dtype=np.float32))[:, None, None]
    return f.clip8(out.astype(np.float32) * light)


def oil_painting(image: Array, t: Treatment, ctx: Context) -> Array:
    """Painterly patches (Kuwahara) with warm varnish and canvas weave."""
    small = f.half(image)
    radius = max(2, round(max(3, max(small.shape[:2]) // 90) * _detail_scale(image, ctx)))
    painted = f.resize_to(f.kuwahara(f.kuwahara(small, radius), radius), image)
    painted = f.warm(f.saturate(painted, 1.2), 0.3 + t.warmth)
    h, w = image.shape[:2]
    canvas = 0.6 * np.sin(np.arange(w, dtype=np.float32) * 1.9)[None, :] + 0.6 * np.sin(
        np.arange(h, dtype=np.float32) * 1.7
    )[:, None]
    strokes = f.texture(image.shape, ctx.rng, blur=2.0)
    relief = (canvas + strokes) * 5.0
    return f.vignette(f.clip8(painted.astype(np.float32) + relief[..., None]), 0.35)


def watercolor(image: Array, t: Treatment, ctx: Context) -> Array:
    """Soft washes: stylised, lightened, pigment-darkened edges, paper grain, white border fade."""
    small = f.half(image)
    # Edge-preserving smoothing, not cv2.stylization: on a real face stylization drew dark
    # strokes down the nose and round the eye sockets (it sharpens every gradient), which
    # read as a skull rather than a wash. The pigment edges below give the outline instead.
    washed = cv2.edgePreservingFilter(
        small, flags=cv2.RECURS_FILTER, sigma_s=40 * _detail_scale(image, ctx), sigma_r=0.4
    )
    washed = f.saturate(washed, 1.2)  # watercolour pigment stays clean, not greyed
    washed = f.resize_to(cv2.GaussianBlur(washed, (0, 0), 1.2), image).astype(np.float32)
    washed = 255 - (255 - washed) * 0.78  # thinned pigment: paler, as a wash is
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    pigment_edges = np.abs(cv2.GaussianBlur(grey, (0, 0), 1.5) - cv2.GaussianBlur(grey, (0, 0), 4))
    washed -= np.clip(pigment_edges * 1.5, 0, 60)[..., None]
    paper = f.texture(image.shape, ctx.rng, blur=1.0) * 4 + f.texture(image.shape, ctx.rng, 8) * 5
    out = f.clip8(washed + paper[..., None])
    return f.vignette(out, 1.0, colour=(250, 247, 240))


def vintage(image: Array, t: Treatment, ctx: Context) -> Array:
    """Old film: sepia tone, faded blacks, vignette and grain."""
    out = f.sepia(image, 0.85).astype(np.float32)
    out = out * 0.85 + 28  # lifted, faded blacks
    out = f.vignette(f.clip8(out), 0.55, colour=(40, 25, 10))
    return f.grain(out, ctx.rng, 9)


def neon(image: Array, t: Treatment, ctx: Context) -> Array:
    """Cyberpunk grade: teal shadows, magenta highlights, contrast and glow."""
    base = f.s_curve(image, 0.5)
    dark, light = (t.tint, NIGHT_LIGHT) if t.tint is not None else (NEON_DARK, NEON_LIGHT)
    graded = f.blend(base, f.gradient_map(base, dark, light), 0.7 + 0.05 * ctx.variation)
    graded = f.saturate(graded, 1.3)
    out = f.glow(graded, 0.025, 0.55, threshold=150)
    return f.vignette(out, 0.5, colour=(5, 0, 20))


def portrait(image: Array, t: Treatment, ctx: Context) -> Array:
    """Clean headshot: soft light on the subject, blurred neutral backdrop."""
    subject = f.smooth(image, passes=1, colour_sigma=25, space_sigma=5)
    subject = f.warm(f.s_curve(subject, 0.12), t.warmth)
    subject = f.clip8(subject.astype(np.float32) * 1.04 + 4)
    sigma = max(image.shape[:2]) / 60
    backdrop = f.resize_to(cv2.GaussianBlur(f.half(image), (0, 0), sigma / 2), image)
    backdrop = f.saturate(backdrop, 0.45)
    neutral = t.tint if t.tint is not None else (128, 132, 138)
    backdrop = f.blend(backdrop, np.full_like(backdrop, neutral), 0.35)
    return f.blend(backdrop, subject, _subject_mask(image, ctx.face))


def dramatic(image: Array, t: Treatment, ctx: Context) -> Array:
    """Fine-art chiaroscuro: muted colour, deep contrast, light falling from one side."""
    out = f.saturate(image, 0.55)
    out = f.warm(f.s_curve(out, 0.7), t.warmth)
    w = image.shape[1]
    side = np.linspace(1.15, 0.55, w, dtype=np.float32)[None, :, None]
    out = f.clip8(out.astype(np.float32) * side)
    return f.vignette(out, 0.75)


def scene(image: Array, t: Treatment, ctx: Context) -> Array:
    """Lifestyle and themed scenes: warm grade, the scene's colour from the edges, a frame."""
    out = f.warm(f.s_curve(f.saturate(image, 1.15), 0.15), t.warmth)
    if t.tint is not None:
        out = f.tint_edges(out, t.tint, 0.45 + 0.1 * ctx.variation)
    out = f.glow(out, 0.02, 0.2)
    if t.frame is not None:
        out = f.frame(out, t.frame[0], t.frame[1])
    return out


def default(image: Array, t: Treatment, ctx: Context) -> Array:
    """Gentle clean-up: a little contrast, warmth and saturation."""
    return f.warm(f.saturate(f.s_curve(image, 0.2), 1.1), t.warmth)


FAMILY_FILTERS: dict[str, Callable[[Array, Treatment, Context], Array]] = {
    "anime": anime,
    "avatar_3d": avatar_3d,
    "oil_painting": oil_painting,
    "watercolor": watercolor,
    "vintage": vintage,
    "neon": neon,
    "portrait": portrait,
    "dramatic": dramatic,
    "scene": scene,
    "default": default,
}
"""The filter of each family (``id_photo`` is handled by the renderer, not a filter)."""
