"""Image intake: every photo a person sends, from any channel or URL, goes through ``load_photo``.

It sniffs the content (never the file name or content type), refuses what cannot be used
with a ``UserInputError`` whose message id tells the person what to send instead, and turns
the rest into one upright RGB working image plus clean JPEG bytes for the providers (no
EXIF: phones put the GPS position there).

Cheap checks come first, so hostile files cost nothing: the byte cap before anything is
parsed, then the header's pixel size before any pixel is decoded (``Image.open`` is lazy),
and only then the full decode, which must succeed completely (a truncated JPEG is refused,
not shown half grey).
"""

from __future__ import annotations

import io
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from core.errors import UserInputError

pillow_heif.register_heif_opener()
Image.init()  # register every Pillow plugin now, so ``formats=`` below can name them

MAX_PHOTO_BYTES = 20 * 1024 * 1024
"""Bytes: the largest upload read at all. A 50 MP phone JPEG is ~15 MB; the web upload route
uses the same cap."""
MAX_PHOTO_PIXELS = 50_000_000
"""Pixels (width x height) that may be decoded, known from the header before decoding, which
is what stops decompression bombs (150 MB of RGB at most). JPEGs count at the reduced scale
they are decoded at, so a 64 MP phone JPEG passes; Pillow itself refuses any header over
twice its MAX_IMAGE_PIXELS (179 MP)."""
MAX_DECODE_BYTES = 80 * 1024 * 1024
"""Bytes the decoded pixels may take (pixels x bytes per pixel, the larger of the file's own
depth and Pillow's buffer), also known from the header. Pixels alone are not enough: a 95 KB
7000 x 7000 16-bit PNG passes a 50 MP cap but needed 1.4 GB. 80 MiB holds a 20 MP RGB PNG."""
DECODE_BUDGET_BYTES = 2 * MAX_DECODE_BYTES
"""Bytes of pixels all concurrent decodes of this process may hold at once; a decode that
would go over waits for others to finish, so six large photos at once cannot add up."""
SMALL_DECODE_BYTES = 16 * 1024 * 1024
"""Decodes up to this size (a phone JPEG at its draft scale, a selfie) skip the wait, so one
person's heavy upload never slows another's selfie."""
MIN_PHOTO_SIDE = 128
"""Pixels: a shorter side than this cannot show a face well enough to keep its identity."""
WORKING_MAX_SIDE = 2048
"""Pixels: larger photos are downscaled to this longest side; providers take 1-2 K inputs."""
DRAFT_MIN_FRACTION = 0.75
"""JPEGs may be decoded at a DCT scale that leaves the longest side this fraction of
WORKING_MAX_SIDE (1536 px) rather than decoding every pixel and resampling."""
JPEG_QUALITY = 92
"""The JPEG handed to providers: visually lossless, a few hundred KB at 2 K."""

ACCEPTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "BMP", "GIF", "HEIF", "AVIF")
"""Pillow format names tried when sniffing. MPO is what iPhones and many cameras write as
.jpg; a still GIF is accepted, an animated one refused."""
_SRGB = ImageCms.createProfile("sRGB")
_OPENABLE = tuple(name for name in ACCEPTED_FORMATS if name in Image.OPEN)
STILL_MULTI_FRAME_FORMATS = frozenset({"MPO", "HEIF", "AVIF"})
"""Formats whose extra frames are depth maps, previews or bursts, not animation: use the first."""
OTHER_IMAGE_MAGIC = (
    b"II*\x00", b"MM\x00*", b"8BPS", b"\x00\x00\x01\x00", b"\x00\x00\x00\x0cjP  ",
    b"\xff\x4f\xff\x51", b"qoif", b"\x76\x2f\x31\x01",
)
"""Starts of real image formats we do not take (TIFF, PSD, ICO, JPEG 2000, QOI, OpenEXR), so
the person hears "send a JPEG" rather than "that is not an image"."""
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError,
                 Image.DecompressionBombError)
"""What Pillow's decoders raise on broken data; a broken file must never become a 500."""


@dataclass(frozen=True)
class Photo:
    """A usable photo: upright RGB working image, JPEG bytes for providers, and where it came from."""

    image: Image.Image
    """RGB, EXIF orientation applied, longest side at most ``WORKING_MAX_SIDE``."""
    jpeg: bytes
    """``image`` as JPEG without metadata."""
    original_size: tuple[int, int]
    """Width and height as sent, after rotating upright."""
    format: str
    """The sniffed Pillow format name, e.g. "JPEG", "HEIF"."""

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def load_photo(
    data: bytes,
    *,
    max_bytes: int = MAX_PHOTO_BYTES,
    max_pixels: int = MAX_PHOTO_PIXELS,
    min_side: int = MIN_PHOTO_SIDE,
    working_max_side: int = WORKING_MAX_SIDE,
    max_decode_bytes: int = MAX_DECODE_BYTES,
) -> Photo:
    """Check, decode and normalise one photo; raise UserInputError saying what to send instead."""
    if len(data) > max_bytes:
        raise UserInputError("intake.too_large", max_mb=max_bytes // (1024 * 1024))
    if not data:
        raise UserInputError("intake.not_an_image")
    image = _open(data, max_pixels)
    width, height = image.size
    if min(width, height) < min_side:
        raise UserInputError("intake.too_small", min_side=min_side)
    fmt = str(image.format)
    if fmt in ("JPEG", "MPO"):
        # Decode JPEGs straight at 1/2, 1/4 or 1/8 scale while the longest side stays at least
        # DRAFT_MIN_FRACTION of the working size: a 12 MP photo costs a quarter of the time
        # and memory, and a 64 MP one decodes to 4 MP.
        factor = working_max_side * DRAFT_MIN_FRACTION / max(width, height)
        if factor < 1.0:
            image.draft("RGB", (int(width * factor) + 1, int(height * factor) + 1))
    # The pixels and bytes that would be decoded, known from the header alone: this is what
    # stops bombs.
    if image.size[0] * image.size[1] > max_pixels:
        raise UserInputError("intake.too_many_pixels", max_megapixels=max_pixels // 1_000_000)
    per_pixel = bytes_per_pixel(image, data)
    decoded_bytes = image.size[0] * image.size[1] * per_pixel
    if decoded_bytes > max_decode_bytes:
        raise UserInputError("intake.too_many_pixels",
                             max_megapixels=max(1, max_decode_bytes // per_pixel // 1_000_000))
    if fmt not in STILL_MULTI_FRAME_FORMATS and _is_animated(image):
        raise UserInputError("intake.animated")
    with _DECODES.hold(decoded_bytes):
        _decode(image)
        if fmt in ("JPEG", "MPO") and _grey_filled(image):
            raise UserInputError("intake.corrupt")
        image = shrink_early(image, working_max_side)
    image = _upright(image)
    original_size = _rotated_size((width, height), image)
    profile = image.info.get("icc_profile")
    if image.mode == "CMYK" and profile:
        image = to_srgb(image, profile)  # print colours need their profile, before anything
        profile = None
    image = to_rgb(image)
    if max(image.size) > working_max_side:
        image.thumbnail((working_max_side, working_max_side), Image.Resampling.LANCZOS,
                        reducing_gap=3.0)
    if profile:
        image = to_srgb(image, profile)  # e.g. an iPhone's Display P3: providers assume sRGB
    return Photo(image=image, jpeg=encode_jpeg(image), original_size=original_size, format=fmt)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Sniff and open lazily: only the header is read, no pixel is decoded yet."""
    try:
        # Pillow raises DecompressionBombError itself past twice its own limit (89 MP) and
        # only warns below that; our lower cap is checked by the caller right after.
        image = Image.open(io.BytesIO(data), formats=_OPENABLE)
    except Image.DecompressionBombError:
        raise UserInputError(
            "intake.too_many_pixels", max_megapixels=max_pixels // 1_000_000
        ) from None
    except UnidentifiedImageError:
        if data.startswith(OTHER_IMAGE_MAGIC):
            raise UserInputError("intake.unsupported_format") from None
        raise UserInputError("intake.not_an_image") from None
    except DECODE_ERRORS:
        raise UserInputError("intake.corrupt") from None
    return image


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
"""PNG colour type -> samples per pixel."""
_ONE_BYTE_MODES = frozenset({"1", "L", "P"})
_TWO_BYTE_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N"})


def bytes_per_pixel(image: Image.Image, data: bytes) -> int:
    """Bytes each pixel costs while decoding: Pillow's buffer (4 for RGB, RGBA, CMYK and 32-bit
    modes; P and 1-bit count 4 too, as they become RGB(A) at full size) or the file's own
    depth (a 16-bit RGBA PNG stores 8), whichever is larger."""
    mode = image.mode
    own = 1 if mode in ("L", "1") else 2 if mode in _TWO_BYTE_MODES else 4
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 26:
        depth, colour = data[24], data[25]
        own = max(own, -(-depth * _PNG_CHANNELS.get(colour, 4) // 8))
    return own


class _DecodeGate:
    """A byte budget shared by all decodes in this process (threads of the web, bot, worker)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.held = 0
        self._free = threading.Condition()

    @contextmanager
    def hold(self, size: int) -> Iterator[None]:
        if size <= SMALL_DECODE_BYTES:
            yield
            return
        size = min(size, self.budget)
        with self._free:
            self._free.wait_for(lambda: self.held + size <= self.budget)
            self.held += size
        try:
            yield
        finally:
            with self._free:
                self.held -= size
                self._free.notify_all()


_DECODES = _DecodeGate(DECODE_BUDGET_BYTES)


def shrink_early(image: Image.Image, working_max_side: int) -> Image.Image:
    """The decoded image at 8 bits per sample and shrunk by a whole factor towards the working
    size (never below it; the final resampling is done later), so no later
    step (rotation, colour conversion, flattening alpha) copies the full-size pixels."""
    if image.mode in _TWO_BYTE_MODES or image.mode in ("I", "F"):
        return _grey_to_8bit(image, max(1, max(image.size) // working_max_side))
    elif image.mode == "1":
        image = image.convert("L")
    factor = max(image.size) // working_max_side
    if factor >= 2 and image.mode in ("L", "RGB", "RGBA", "LA", "CMYK"):
        info = image.info
        image = image.reduce(factor)
        image.info.update(info)  # keep the ICC profile and EXIF orientation
    return image


def _is_animated(image: Image.Image) -> bool:
    """More than one frame (GIF, APNG, animated WebP); counting frames reads the whole file."""
    try:
        return bool(getattr(image, "is_animated", False)) and getattr(image, "n_frames", 1) > 1
    except DECODE_ERRORS:
        raise UserInputError("intake.corrupt") from None


def _decode(image: Image.Image) -> None:
    """Decode every pixel now; a truncated or damaged file fails here."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone flipped Pillow's global switch; we still refuse half-decoded photos.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    try:
        image.load()
    except DECODE_ERRORS:
        raise UserInputError("intake.corrupt") from None


def _grey_filled(image: Image.Image) -> bool:
    """Whether libjpeg padded missing data with flat mid-grey: a JPEG whose data ended early but
    was closed with an end marker decodes "fine", its lower part exactly (128, 128, 128)."""
    if image.mode not in ("RGB", "L"):
        return False
    width, height = image.size
    bottom = np.asarray(image.crop((0, height - 1, width, height)))
    return bool((bottom == 128).all())


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a photo with broken EXIF is used as it is."""
    try:
        return ImageOps.exif_transpose(image)
    except DECODE_ERRORS + (KeyError, TypeError, ZeroDivisionError):
        return image


def _rotated_size(header_size: tuple[int, int], upright: Image.Image) -> tuple[int, int]:
    """The sent size, swapped if the photo was turned a quarter (draft may have shrunk it)."""
    w, h = header_size
    uw, uh = upright.size
    turned = (uw >= uh) != (w >= h) and w != h
    return (h, w) if turned else (w, h)


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB: transparency flattened on white, 16-bit scaled, CMYK converted."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return Image.fromarray(_to_8bit(np.asarray(image)), "L").convert("RGB")
    if mode == "P" and "transparency" in image.info:
        image, mode = image.convert("RGBA"), "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """RGB in sRGB from an RGB or CMYK image with an embedded ICC profile; unchanged if broken."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(
            image, source, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image.convert("RGB") if image.mode != "RGB" else image
    return converted if converted is not None else image


STRIP_ROWS = 256
"""Rows converted at a time from 16 to 8 bits, so the conversion never copies the whole image."""


def _grey_to_8bit(image: Image.Image, factor: int = 1) -> Image.Image:
    """A 16- or 32-bit greyscale image as "L", scaled by its real range and reduced by
    ``factor``, one strip at a time: only the reduced 8-bit image is ever allocated whole."""
    width, height = image.size
    rows = max(factor, STRIP_ROWS // factor * factor)  # whole blocks of the reduction per strip
    strips = [(top, min(height, top + rows)) for top in range(0, height, rows)]
    top_value = max((float(np.asarray(image.crop((0, a, width, b))).max()) for a, b in strips),
                    default=0.0)
    grey = Image.new("L", (-(-width // factor), -(-height // factor)))
    for a, b in strips:
        strip = Image.fromarray(_to_8bit(np.asarray(image.crop((0, a, width, b))), top_value), "L")
        grey.paste(strip.reduce(factor) if factor > 1 else strip, (0, a // factor))
    grey.info.update(image.info)
    return grey


def _to_8bit(pixels: np.ndarray, top: float | None = None) -> np.ndarray:
    """A high-bit-depth greyscale array scaled to 0..255 by its real range (16-bit or less)."""
    values = pixels.astype(np.float32)
    if top is None:
        top = float(values.max()) if values.size else 0.0
    scale = 255.0 / (65535.0 if top > 255 else 255.0)
    return np.clip(values * scale, 0, 255).astype(np.uint8)


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """RGB image as baseline JPEG bytes without EXIF, ICC or other metadata."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()
