"""Where finished images go: ``{DATA_DIR}/output/images/YYYY-MM-DD/`` with descriptive names,
and a small JSON record per generation beside them.

A name says when, what and how: ``20261121-143005_anime_nanopro_3f9c2a_01.jpg`` (UTC time,
style or batch label, model, a short generation id, 1-based index). The record holds style,
model, seed, cost and timings, and a SHA-256 of the prompt rather than the prompt itself: a
prompt can carry what a person wrote about themselves, and the hash is enough to tell two
runs apart. Nothing secret is ever written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.providers.base import OutputImage

IMAGES_DIR = Path("output") / "images"
"""Under the data directory; seed 000 delivers from ``output/images/``."""
LABEL_MAX_CHARS = 40
"""Longest style/label part of a file name, characters."""
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def day_folder(data_dir: Path, when: datetime) -> Path:
    """``{data_dir}/output/images/YYYY-MM-DD`` for ``when`` (UTC)."""
    return data_dir / IMAGES_DIR / when.astimezone(UTC).strftime("%Y-%m-%d")


def slug(text: str | None, fallback: str = "portrait") -> str:
    """A file-name-safe form of a style key or batch label (no separators, no dots first)."""
    cleaned = re.sub(r"[^\w-]+", "_", (text or "").strip().lower()).strip("_-.")
    return cleaned[:LABEL_MAX_CHARS].rstrip("_-") or fallback


def image_stem(when: datetime, label: str | None, model: str, short_id: str) -> str:
    """The shared start of a generation's file names (without index and extension)."""
    stamp = when.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}_{slug(label)}_{slug(model, 'model')}_{slug(short_id, 'x')}"


def extension(image: OutputImage) -> str:
    return EXTENSIONS.get(image.content_type, "png")


def save_images(
    images: Sequence[OutputImage],
    folder: Path,
    stem: str,
    *,
    suffixes: Sequence[str] | None = None,
    numbers: Sequence[int] | None = None,
) -> list[Path]:
    """Write each image as ``{stem}_{NN}[_{suffix}].{ext}`` in ``folder``; returns the paths.

    ``NN`` counts from 1, or is ``numbers[i]`` (files made from one picture share its number).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for position, image in enumerate(images):
        number = numbers[position] if numbers else position + 1
        suffix = f"_{slug(suffixes[position], '')}" if suffixes and suffixes[position] else ""
        path = folder / f"{stem}_{number:02d}{suffix}.{extension(image)}"
        write_atomically(path, image.data)
        paths.append(path)
    return paths


def write_metadata(folder: Path, stem: str, record: dict[str, Any]) -> Path:
    """Write the generation's JSON record as ``{stem}.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.json"
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    write_atomically(path, text.encode("utf-8"))
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half an image."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
