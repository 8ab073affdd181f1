"""Image filter building blocks for the offline engine (RGB uint8 numpy arrays in and out).

Everything here is deterministic: randomness (grain, paper, canvas) comes from a seeded
``numpy.random.Generator`` the caller passes in. Costly filters run on a half-size copy, so a
1024 px image takes well under a second on one core.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

RGB = tuple[int, int, int]
Array = np.ndarray


def clip8(image: Array) -> Array:
    """Float image back to uint8, clipped."""
    return np.clip(image, 0, 255).astype(np.uint8)


def half(image: Array) -> Array:
    h, w = image.shape[:2]
    return cv2.resize(image, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)


def resize_to(image: Array, like: Array) -> Array:
    h, w = like.shape[:2]
    return cv2.resize(image, (w, h), interpolation=cv2.INTER_LINEAR)


def smooth(image: Array, passes: int = 3, colour_sigma: float = 40, space_sigma: float = 7) -> Array:
    """Edge-preserving smoothing (repeated bilateral at half size): flat skin, kept outlines."""
    small = half(image)
    for _ in range(passes):
        small = cv2.bilateralFilter(small, 9, colour_sigma, space_sigma)
    return resize_to(small, image)


def quantise(image: Array, colours: int, focus: Array | None = None) -> Array:
    """Reduce to ``colours`` flat colours (median cut, no dithering: deterministic, fast).

    ``focus`` (a crop, e.g. the face) is given as much weight in choosing the palette as the
    whole image: otherwise a small face in a busy photo gets no colour of its own and its
    skin is flattened to the backdrop's grey.
    """
    source = Image.fromarray(image)
    if focus is not None and focus.size:
        # Palette from the image beside the focus crop enlarged to the same height.
        crop = Image.fromarray(focus)
        crop = crop.resize((max(1, round(crop.width * source.height / crop.height)),
                            source.height))
        sample = Image.new("RGB", (source.width + crop.width, source.height))
        sample.paste(source, (0, 0))
        sample.paste(crop, (source.width, 0))
        palette = sample.quantize(colors=colours, method=Image.Quantize.MEDIANCUT,
                                  dither=Image.Dither.NONE)
        quant = source.quantize(palette=palette, dither=Image.Dither.NONE)
    else:
        quant = source.quantize(
            colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    return np.array(quant.convert("RGB"))


def ink_edges(image: Array, block: int = 9, c: int = 5, thickness: int = 1) -> Array:
    """Mask (bool) of bold dark outlines, as a cartoonist would ink them."""
    grey = cv2.medianBlur(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), 7)
    lines = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, c
    )
    mask = lines == 0
    if thickness > 1:
        kernel = np.ones((thickness, thickness), np.uint8)
        mask = cv2.dilate(mask.astype(np.uint8), kernel) > 0
    return mask


def saturate(image: Array, factor: float, value: float = 1.0) -> Array:
    """Scale saturation (and brightness) in HSV."""
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 1] *= factor
    hsv[..., 2] *= value
    return cv2.cvtColor(clip8(hsv), cv2.COLOR_HSV2RGB)


def warm(image: Array, amount: float) -> Array:
    """Shift white balance: positive is warmer (more red, less blue), negative cooler."""
    out = image.astype(np.float32)
    out[..., 0] *= 1 + 0.10 * amount
    out[..., 1] *= 1 + 0.02 * amount
    out[..., 2] *= 1 - 0.10 * amount
    return clip8(out)


def s_curve(image: Array, strength: float) -> Array:
    """Contrast S-curve; ``strength`` 0 leaves the image unchanged."""
    x = image.astype(np.float32) / 255.0
    curved = x + strength * (x - 0.5) * (1 - np.abs(2 * x - 1))
    return clip8(curved * 255)


def screen(base: Array, light: Array, opacity: float) -> Array:
    """Screen blend ``light`` over ``base``: the soft glow of bright areas."""
    b = base.astype(np.float32) / 255
    layer = light.astype(np.float32) / 255
    out = 1 - (1 - b) * (1 - layer)
    return clip8((b + (out - b) * opacity) * 255)


def glow(image: Array, radius_fraction: float, opacity: float, threshold: int = 0) -> Array:
    """Bloom: blurred bright parts screened back over the image."""
    bright = image.copy()
    if threshold:
        luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        bright[luma < threshold] = 0
    sigma = max(1.0, radius_fraction * max(image.shape[:2]))
    blurred = cv2.GaussianBlur(half(bright), (0, 0), sigma / 2)
    return screen(image, resize_to(blurred, image), opacity)


def radial(shape: tuple[int, ...], centre: tuple[float, float] = (0.5, 0.5)) -> Array:
    """Distance from ``centre`` (fractions), 0 there and about 1 at the corners (float32)."""
    h, w = shape[:2]
    ys = (np.arange(h, dtype=np.float32)[:, None] / max(1, h - 1) - centre[1]) * 2
    xs = (np.arange(w, dtype=np.float32)[None, :] / max(1, w - 1) - centre[0]) * 2
    return np.sqrt(xs * xs + ys * ys) / np.sqrt(2)


def vignette(image: Array, strength: float, colour: RGB = (0, 0, 0)) -> Array:
    """Darken (or tint) towards the corners."""
    weight = (np.clip(radial(image.shape) - 0.35, 0, None) / 0.65) ** 1.6 * strength
    target = np.array(colour, np.float32)
    out = image.astype(np.float32)
    out += (target - out) * weight[..., None]
    return clip8(out)


def tint_edges(image: Array, colour: RGB, strength: float) -> Array:
    """Wash a scene colour in from the edges, leaving the centre (the face) natural."""
    weight = np.clip(radial(image.shape) - 0.2, 0, None) / 0.8 * strength
    out = image.astype(np.float32)
    out += (np.array(colour, np.float32) - out) * weight[..., None]
    return clip8(out)


def grain(image: Array, rng: np.random.Generator, sigma: float) -> Array:
    """Monochrome film grain."""
    h, w = image.shape[:2]
    noise = rng.normal(0, sigma, (h, w)).astype(np.float32)
    return clip8(image.astype(np.float32) + noise[..., None])


def texture(shape: tuple[int, ...], rng: np.random.Generator, blur: float) -> Array:
    """Zero-mean float noise field, softened by ``blur`` pixels: paper or canvas fibre."""
    h, w = shape[:2]
    noise: Array = rng.normal(0, 1, (h, w)).astype(np.float32)
    if blur > 0:
        noise = np.asarray(cv2.GaussianBlur(noise, (0, 0), blur))
    return noise / (float(noise.std()) or 1.0)


def kuwahara(image: Array, radius: int) -> Array:
    """Kuwahara filter: each pixel takes the mean of its calmest quadrant (painterly patches).

    Computed with box filters over the whole image, so it costs a few array passes.
    """
    shift = max(1, radius // 2)
    # Reflect-pad so quadrant windows at the border read mirrored pixels, not the far side.
    padded = cv2.copyMakeBorder(image, shift, shift, shift, shift, cv2.BORDER_REFLECT)
    img = padded.astype(np.float32)
    luma = cv2.cvtColor(padded, cv2.COLOR_RGB2GRAY).astype(np.float32)
    size = (radius + 1, radius + 1)
    mean = cv2.boxFilter(img, -1, size, borderType=cv2.BORDER_REFLECT)
    mean_l = cv2.boxFilter(luma, -1, size, borderType=cv2.BORDER_REFLECT)
    var = cv2.boxFilter(luma * luma, -1, size, borderType=cv2.BORDER_REFLECT) - mean_l * mean_l
    h, w = image.shape[:2]
    best_var = np.full((h, w), np.inf, np.float32)
    out = np.zeros((h, w, 3), np.float32)
    # The four quadrant windows are the centred box window moved half a radius diagonally.
    for dy in (0, 2 * shift):
        for dx in (0, 2 * shift):
            v = var[dy : dy + h, dx : dx + w]
            better = v < best_var
            best_var = np.where(better, v, best_var)
            out[better] = mean[dy : dy + h, dx : dx + w][better]
    return clip8(out)


def sepia(image: Array, amount: float) -> Array:
    """Classic sepia tone matrix, blended by ``amount``."""
    matrix = np.array(
        [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], np.float32
    )
    toned = image.astype(np.float32) @ matrix.T
    out = image.astype(np.float32) * (1 - amount) + toned * amount
    return clip8(out)


def gradient_map(image: Array, dark: RGB, light: RGB) -> Array:
    """Recolour by brightness: shadows become ``dark``, highlights ``light``."""
    luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)[..., None] / 255
    return clip8(np.array(dark, np.float32) * (1 - luma) + np.array(light, np.float32) * luma)


def blend(a: Array, b: Array, alpha: float | Array) -> Array:
    """``a`` where alpha is 0, ``b`` where it is 1 (alpha scalar or HxW)."""
    if isinstance(alpha, np.ndarray) and alpha.ndim == 2:
        alpha = alpha[..., None]
    return clip8(a.astype(np.float32) * (1 - alpha) + b.astype(np.float32) * alpha)


def ellipse_mask(
    shape: tuple[int, ...], centre: tuple[float, float], axes: tuple[float, float], feather: float
) -> Array:
    """Soft elliptical mask (float32 0..1), ``feather`` as a fraction of the image size.

    Drawn and blurred at a quarter of the size (a wide blur at full size costs ~100 ms).
    """
    h, w = shape[:2]
    q = 4
    mask = np.zeros((max(1, h // q), max(1, w // q)), np.uint8)
    cv2.ellipse(
        mask,
        (round(centre[0] / q), round(centre[1] / q)),
        (max(1, round(axes[0] / q)), max(1, round(axes[1] / q))),
        0, 0, 360, 255, -1,
    )
    sigma = max(0.5, feather * max(h, w) / q)
    soft = cv2.GaussianBlur(mask, (0, 0), sigma)
    return cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255


def frame(image: Array, outer: RGB, inner: RGB, thickness_fraction: float = 0.03) -> Array:
    """A themed border: a band of ``outer`` with a thin ``inner`` line inside it."""
    out = image.copy()
    h, w = out.shape[:2]
    t = max(2, round(thickness_fraction * min(h, w)))
    line = max(1, t // 4)
    cv2.rectangle(out, (0, 0), (w - 1, h - 1), outer, t * 2)
    cv2.rectangle(out, (t, t), (w - 1 - t, h - 1 - t), inner, line)
    return out


def edge_density(image: Array) -> float:
    """Share of pixels on a Canny edge: a measure of how much fine detail is left."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return float((cv2.Canny(grey, 80, 160) > 0).mean())
