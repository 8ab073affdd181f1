"""Image intake: every kind of file a person might send either becomes an upright RGB photo or
is refused with a message that says what to send instead. The bad files are made here."""

from __future__ import annotations

import functools
import io
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

import locales
from core.errors import UserInputError
from engine.facedetect import HaarFaceDetector
from engine.intake import MAX_PHOTO_BYTES, load_photo
from tests.faces import make_face_photo

# Pillow warns (it does not refuse) between 89 and 179 MP; intake refuses those itself.
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")

# --- file makers ------------------------------------------------------------------------


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def face_jpeg(size: tuple[int, int] = (640, 800), **options: object) -> bytes:
    return encoded(make_face_photo(size), "JPEG", quality=90, **options)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@functools.cache
def png_bomb(side: int = 30_000) -> bytes:
    """A valid 1-bit PNG of side x side pixels, all black, compressed to some 100 KB."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header is rewritten to claim another pixel size."""
    data = bytearray(face_jpeg((256, 256)))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def animated(fmt: str, **options: object) -> bytes:
    frames = [make_face_photo((300, 400), brightness=b) for b in (1.0, 0.7, 0.4)]
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=200,
                   loop=0, **options)


def rotated_jpeg_with_exif_orientation() -> bytes:
    """An upright portrait stored sideways, with EXIF telling viewers to turn it (as phones do)."""
    sideways = make_face_photo((600, 800)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # a GPS latitude that must not reach a provider
    return encoded(sideways, "JPEG", quality=90, exif=exif)


def cmyk_jpeg() -> bytes:
    image = Image.new("CMYK", (300, 300), (0, 255, 255, 0))  # pure red in print colours
    return encoded(image, "JPEG", quality=95)


def sixteen_bit_png() -> bytes:
    ramp = np.tile(np.linspace(0, 65535, 400, dtype=np.uint16), (300, 1))
    image = Image.fromarray(ramp)
    assert image.mode == "I;16"
    return encoded(image, "PNG")


def transparent_png() -> bytes:
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (100, 100, 200, 200))
    return encoded(image, "PNG")


def palette_gif_with_transparency() -> bytes:
    image = Image.new("P", (200, 200), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (50, 50, 150, 150))
    return encoded(image, "GIF", transparency=0)


def damaged_png() -> bytes:
    """A PNG with 16 bytes scrambled in the middle of its compressed pixels (a bad download)."""
    data = encoded(make_face_photo((300, 400)), "PNG")
    middle = (data.find(b"IDAT") + len(data)) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 16]) + data[middle + 16 :]


def pdf() -> bytes:
    return encoded(make_face_photo((300, 400)), "PDF")


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">'
       b'<circle cx="200" cy="200" r="150" fill="peachpuff"/></svg>')

# --- refusals ----------------------------------------------------------------------------

REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty file": (lambda: b"", "intake.not_an_image"),
    "text file": (lambda: b"Hello, here is my photo!\n" * 20, "intake.not_an_image"),
    "svg drawing": (lambda: SVG, "intake.not_an_image"),
    "pdf document": (pdf, "intake.not_an_image"),
    "html page": (lambda: b"<!doctype html><html><body><img src=x></body></html>",
                  "intake.not_an_image"),
    "tiff file": (lambda: encoded(make_face_photo((300, 400)), "TIFF"),
                  "intake.unsupported_format"),
    "truncated jpeg": (lambda: face_jpeg()[: len(face_jpeg()) * 2 // 3], "intake.corrupt"),
    "jpeg cut just before its end": (lambda: face_jpeg()[:-200], "intake.corrupt"),
    "jpeg header only": (lambda: face_jpeg()[:600], "intake.corrupt"),
    "jpeg cut in half and closed with an end marker": (
        lambda: face_jpeg()[: len(face_jpeg()) // 2] + b"\xff\xd9", "intake.corrupt"),
    "png with damaged pixels": (damaged_png, "intake.corrupt"),
    "one pixel png": (lambda: encoded(Image.new("RGB", (1, 1), "white"), "PNG"), "intake.too_small"),
    "thumbnail jpeg": (lambda: face_jpeg((90, 120)), "intake.too_small"),
    "animated gif": (lambda: animated("GIF"), "intake.animated"),
    "animated png": (lambda: animated("PNG"), "intake.animated"),
    "animated webp": (lambda: animated("WEBP"), "intake.animated"),
    "jpeg claiming 20000 x 20000 pixels": (lambda: jpeg_claiming_size(20000, 20000),
                                           "intake.too_many_pixels"),
    "jpeg claiming 12000 x 9000 pixels but holding far fewer": (
        lambda: jpeg_claiming_size(12000, 9000), "intake.corrupt"),
    "png bomb": (png_bomb, "intake.too_many_pixels"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unusable_file_is_refused_with_its_own_message(case: str) -> None:
    make, message_id = REFUSED[case]
    with pytest.raises(UserInputError) as caught:
        load_photo(make())
    assert caught.value.message_id == message_id
    english = locales.load().error_text("en", caught.value)
    chinese = locales.load().error_text("zh", caught.value)
    assert english != message_id and "{" not in english
    assert chinese != english and "{" not in chinese


def test_file_over_the_byte_cap_is_refused_before_it_is_parsed() -> None:
    data = face_jpeg() + b"\x00" * MAX_PHOTO_BYTES
    with pytest.raises(UserInputError) as caught:
        load_photo(data)
    assert caught.value.message_id == "intake.too_large"
    assert "20 MB" in locales.load().error_text("en", caught.value)


def test_png_bomb_is_refused_in_milliseconds_without_allocating_its_pixels() -> None:
    bomb = png_bomb()
    assert len(bomb) < 200_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UserInputError) as caught:
        load_photo(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert caught.value.message_id == "intake.too_many_pixels"
    assert elapsed < 0.05, f"took {elapsed * 1000:.0f} ms"
    assert peak < 5_000_000, f"allocated {peak} bytes"


def test_a_pixel_bomb_below_pillows_own_limit_is_still_refused_by_the_header() -> None:
    with pytest.raises(UserInputError) as caught:
        load_photo(png_bomb(side=8000))  # 64 MP: Pillow would only warn
    assert caught.value.message_id == "intake.too_many_pixels"


@functools.cache
def png16_bomb(side: int = 7000) -> bytes:
    """A valid side x side 16-bit greyscale PNG, all black: 95 KB that decode to 98 MB."""
    row = b"\x00" * (1 + side * 2)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 16, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def test_a_16_bit_bomb_under_the_pixel_cap_is_refused_by_its_bytes_with_a_friendly_message() -> None:
    bomb = png16_bomb()
    assert len(bomb) < 100_000 and 7000 * 7000 < 50_000_000
    started = time.perf_counter()
    with pytest.raises(UserInputError) as caught:
        load_photo(bomb)
    assert time.perf_counter() - started < 0.05
    assert caught.value.message_id == "intake.too_many_pixels"
    catalogues = locales.load()
    english = catalogues.error_text("en", caught.value)
    assert "41 megapixels" in english and "photo" in english
    for language in ("zh", "ja", "es"):
        text = catalogues.error_text(language, caught.value)
        assert "41" in text and text != english


def test_a_large_16_bit_png_under_the_byte_bound_is_decoded_small() -> None:
    photo = load_photo(png16_bomb(side=6000))
    assert photo.image.mode == "RGB" and photo.size == (2048, 2048)
    assert photo.original_size == (6000, 6000)


# --- accepted photos ---------------------------------------------------------------------

ACCEPTED: dict[str, tuple[Callable[[], bytes], str]] = {
    "jpeg": (face_jpeg, "JPEG"),
    "progressive jpeg": (lambda: face_jpeg(progressive=True), "JPEG"),
    "png": (lambda: encoded(make_face_photo(), "PNG"), "PNG"),
    "webp": (lambda: encoded(make_face_photo(), "WEBP", quality=85), "WEBP"),
    "bmp": (lambda: encoded(make_face_photo(), "BMP"), "BMP"),
    "heic from an iphone": (lambda: encoded(make_face_photo(), "HEIF", quality=80), "HEIF"),
    "mpo from a camera": (
        lambda: encoded(make_face_photo(), "MPO", save_all=True,
                        append_images=[make_face_photo(brightness=0.5)]),
        "MPO",
    ),
    "greyscale jpeg": (lambda: encoded(make_face_photo().convert("L"), "JPEG"), "JPEG"),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_common_photo_formats_become_rgb_with_the_face_still_findable(case: str) -> None:
    make, fmt = ACCEPTED[case]
    photo = load_photo(make())
    assert photo.format == fmt
    assert photo.image.mode == "RGB"
    assert photo.size == (640, 800)
    assert len(HaarFaceDetector().detect(photo.image)) == 1
    assert Image.open(io.BytesIO(photo.jpeg)).format == "JPEG"


def test_sideways_phone_photo_comes_out_upright_without_its_location() -> None:
    photo = load_photo(rotated_jpeg_with_exif_orientation())
    assert photo.size == (600, 800)
    assert photo.original_size == (600, 800)
    faces = HaarFaceDetector().detect(photo.image)
    assert len(faces) == 1 and faces[0].eyes is not None
    (_, left_y), (_, right_y) = faces[0].eyes
    assert abs(left_y - right_y) < 20  # eyes level: the face is upright
    sent = Image.open(io.BytesIO(photo.jpeg))
    assert not sent.getexif(), "EXIF (GPS, orientation) must not be passed on"


def test_cmyk_jpeg_keeps_its_colours() -> None:
    photo = load_photo(cmyk_jpeg())
    r, g, b = photo.image.getpixel((150, 150))  # type: ignore[misc]
    assert r > 200 and g < 60 and b < 60


def test_sixteen_bit_png_keeps_its_tones_instead_of_turning_white() -> None:
    photo = load_photo(sixteen_bit_png())
    grey = np.asarray(photo.image.convert("L"))
    assert grey[:, 0].mean() < 10
    assert 110 < grey[:, 200].mean() < 145
    assert grey[:, -1].mean() > 245


def test_transparent_background_is_flattened_on_white() -> None:
    photo = load_photo(transparent_png())
    assert photo.image.getpixel((10, 10)) == (255, 255, 255)
    assert photo.image.getpixel((150, 150)) == (200, 30, 30)


def test_still_gif_with_a_transparent_palette_colour_is_flattened_on_white() -> None:
    photo = load_photo(palette_gif_with_transparency())
    assert photo.image.getpixel((10, 10)) == (255, 255, 255)
    assert photo.image.getpixel((100, 100)) == (255, 0, 0)


def twelve_megapixel_jpeg() -> bytes:
    """Like an iPhone photo: 4032 x 3024 (drawn small and enlarged, which is quicker)."""
    small = make_face_photo((1344, 1008), face_width=300)
    return encoded(small.resize((4032, 3024), Image.Resampling.BICUBIC), "JPEG", quality=90)


def test_twelve_megapixel_photo_is_downscaled_not_refused() -> None:
    data = twelve_megapixel_jpeg()
    started = time.perf_counter()
    photo = load_photo(data)
    elapsed = time.perf_counter() - started
    assert photo.original_size == (4032, 3024)
    assert 1536 <= max(photo.size) <= 2048
    assert photo.size[0] * 3 == photo.size[1] * 4
    assert elapsed < 1.0
    assert len(photo.jpeg) < 1_500_000
    assert len(HaarFaceDetector().detect(photo.image)) == 1


def test_large_png_is_downscaled_to_the_working_size() -> None:
    big = make_face_photo((1000, 800), face_width=250).resize((3000, 2400))
    photo = load_photo(encoded(big, "PNG", compress_level=1))
    assert photo.size == (2048, 1638)
    assert photo.original_size == (3000, 2400)


def test_file_name_and_content_type_are_ignored_only_content_counts() -> None:
    png_named_like_a_jpeg = encoded(make_face_photo(), "PNG")
    assert load_photo(png_named_like_a_jpeg).format == "PNG"


def test_heic_from_an_iphone_with_its_rotation_comes_out_upright() -> None:
    sideways = make_face_photo((600, 800)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = load_photo(encoded(sideways, "HEIF", exif=exif.tobytes(), quality=80))
    assert photo.size == (600, 800)
    assert len(HaarFaceDetector().detect(photo.image)) == 1


def test_embedded_srgb_colour_profile_keeps_the_colours() -> None:
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (300, 300), (200, 120, 60))
    photo = load_photo(encoded(image, "PNG", icc_profile=srgb))
    r, g, b = photo.image.getpixel((150, 150))  # type: ignore[misc]
    assert abs(r - 200) <= 3 and abs(g - 120) <= 3 and abs(b - 60) <= 3


def test_broken_colour_profile_is_ignored_not_fatal() -> None:
    image = Image.new("RGB", (300, 300), (200, 120, 60))
    photo = load_photo(encoded(image, "PNG", icc_profile=b"not a profile at all" * 10))
    assert photo.image.getpixel((150, 150)) == (200, 120, 60)


def test_pixel_cap_counts_jpegs_at_the_scale_they_are_decoded_at() -> None:
    """A 12 MP JPEG decodes at half size (3 MP): under a 4 MP cap; the same photo as PNG is not."""
    small = make_face_photo((1008, 756), face_width=300).resize((4032, 3024))
    assert load_photo(encoded(small, "JPEG", quality=85), max_pixels=4_000_000).size[0] <= 2048
    with pytest.raises(UserInputError) as caught:
        load_photo(encoded(small, "PNG", compress_level=1), max_pixels=4_000_000)
    assert caught.value.message_id == "intake.too_many_pixels"
