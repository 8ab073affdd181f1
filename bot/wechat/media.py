"""Result images made fit for WeChat temporary media: a JPEG, small in bytes and pixels."""

from __future__ import annotations

import io
from pathlib import Path

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""WeChat documents 10 MB for temporary images in one place and 2 MB in another; stay under 2."""
MAX_SIDE_PX = 1920
"""Longest side sent; chat clients show less, and it keeps the JPEG well under the byte cap."""
JPEG_QUALITIES = (90, 82, 74, 66, 58, 50)
"""Qualities tried in turn until the JPEG fits MAX_UPLOAD_BYTES."""
MAX_PHOTO_BYTES = 20 * 1024 * 1024
"""A person's photo larger than this is refused before decoding (WeChat compresses to less)."""


def wechat_jpeg(path: Path) -> bytes:
    """The image at ``path`` as an RGB JPEG of at most MAX_SIDE_PX and MAX_UPLOAD_BYTES."""
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        else:
            image = image.convert("RGB")
    image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    while True:
        for quality in JPEG_QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= MAX_UPLOAD_BYTES:
                return buffer.getvalue()
        # Noise-like images can stay large even at low quality: shrink and try again.
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)))
