"""Reference photos as they arrive: image intake, the pre-flight check, saving to disk."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from core.chat import PhotoRef
from worker import shared_files
from worker.store import Reference


def person_dir(data_dir: Path, person_id: str) -> Path:
    """The folder of one person's photos; named by a hash so ids never shape a path."""
    digest = hashlib.sha256(person_id.encode()).hexdigest()[:24]
    return data_dir / "photos" / digest


class PhotoDesk:
    """Checks and stores reference photos. Heavy imports happen on first use, not at start."""

    def __init__(self, data_dir: Path, detector: Any | None = None) -> None:
        self.data_dir = data_dir
        self._detector = detector

    @property
    def detector(self) -> Any:
        if self._detector is None:
            from engine.detector import build_detector

            self._detector = build_detector(None)
        return self._detector

    def accept(self, person_id: str, data: bytes, source: PhotoRef | None = None) -> Reference:
        """Decode, normalise, check and save a photo; raise UserInputError if unusable."""
        from engine.intake import load_photo
        from engine.preflight import check_photo

        photo = load_photo(data)
        verdict = check_photo(photo, self.detector)
        folder = person_dir(self.data_dir, person_id)
        path = folder / f"{hashlib.sha256(photo.jpeg).hexdigest()[:20]}.jpg"
        shared_files.current().put(path, photo.jpeg)  # and in Redis, for workers on other hosts
        return Reference(
            path=str(path),
            received_at=time.time(),
            verdict=None if verdict.ok else verdict.message_id,
            verdict_params=None if verdict.ok else dict(verdict.params) or None,
            source=source.to_dict() if source else None,
        )

    def forget(self, person_id: str) -> int:
        """Delete every stored photo of a person; return how many files went."""
        folder = person_dir(self.data_dir, person_id)
        shared_files.current().delete_folder(folder)
        if not folder.exists():
            return 0
        removed = 0
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
            removed += 1
        folder.rmdir()
        return removed
