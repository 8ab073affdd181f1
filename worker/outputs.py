"""Finished images on disk: ``DATA_DIR/output/images/YYYY-MM-DD/<generation>-<n>.<ext>``.

Names derive from the generation id, so fetching the same result twice (a retried step)
rewrites the same files instead of adding copies.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from engine.providers.base import OutputImage
from worker import shared_files

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def output_dir(data_dir: Path, at: float | None = None) -> Path:
    """The day's folder (UTC date) for finished images."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() if at is None else at))
    return Path(data_dir) / "output" / "images" / day


def save_images(
    data_dir: Path, gen_id: str, label: str, images: Sequence[OutputImage], at: float | None = None,
    suffixes: Sequence[str] = (),
) -> list[Path]:
    """Write the images atomically (temp file + rename) and return their paths, in order.

    ``suffixes`` name what each file is (``id_icao``, ``sheet_4x6``) after its number.
    """
    folder = output_dir(data_dir, at)
    folder.mkdir(parents=True, exist_ok=True)
    stem = "-".join(part for part in (_safe(label), gen_id) if part)
    paths = []
    for number, image in enumerate(images, start=1):
        suffix = suffixes[number - 1] if number <= len(suffixes) and suffixes[number - 1] else ""
        name = f"{stem}-{number}" + (f"_{_safe(suffix)}" if suffix else "")
        path = folder / f"{name}.{EXTENSIONS.get(image.content_type, 'png')}"
        shared_files.current().put(path, image.data)  # and in Redis, for other hosts' workers
        paths.append(path)
    return paths


def _safe(label: str) -> str:
    """A label as a short file-name part: letters, digits and dashes."""
    kept = "".join(c if c.isascii() and c.isalnum() else "-" for c in label.lower())
    return "-".join(part for part in kept.split("-") if part)[:40]
