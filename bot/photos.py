"""Reference photos as they arrive: image intake, the pre-flight check, saving to disk."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.chat import PhotoRef
from worker import shared_files
from worker.store import MAX_REFERENCES, Reference, Session

SET_WINDOW_S = 120.0
"""Seconds after the newest photo of a set within which another photo joins it (several web
uploads or WeChat images in a row); later, or after a generation was queued, a photo starts a
new set. A Telegram album is one set however long its parts take."""
CROWN_ROOM_MIN = 0.35
"""Face heights of room above the face box below which an ID photo's crown is surely cut off:
measured on the real faces here (``tests/images/face.jpg``, the astronaut) cropped ever closer
above the head, the measured ID-photo crop (``engine.idphoto``) refuses every photo under 0.35
and passes face.jpg from 0.41 (the astronaut's fuller hair needs about 0.7). So the warning
before a paid ID photo catches the clear cases; the measured crop still refuses the others."""
SHARP_ENOUGH = 20.0
"""Pre-flight sharpness at which a face counts as fully sharp when ranking a set (sharp faces
measure 10-40, ``engine.preflight.TOO_BLURRY_BELOW`` is 2)."""


def face_score(width: int, sharpness: float | None) -> float:
    """How good a reference a face is: its width in pixels, discounted when it is soft."""
    return round(width * min(1.0, (sharpness or 0.0) / SHARP_ENOUGH), 1)


def crown_cut(reference: Reference | None) -> bool:
    """True when the top of the head is surely outside this photo (``CROWN_ROOM_MIN``)."""
    return reference is not None and reference.crown_room is not None and reference.crown_room < CROWN_ROOM_MIN


def joins_set(session: Session, now: float) -> bool:
    """True when a photo arriving ``now`` adds to the person's current set instead of replacing it."""
    newest = max((r.received_at for r in session.references), default=None)
    if newest is None or (session.requested_at is not None and session.requested_at >= newest):
        return False
    return now - newest < SET_WINDOW_S


def with_photos(session: Session, new: Sequence[Reference], *, join: bool) -> Session:
    """The session with ``new`` photos taken in: the usable ones (pre-flight passed) join the set
    (or start a new one), the newest ``MAX_REFERENCES`` kept, best face first. With no usable photo
    at all, the last one becomes the reference alone, with its tip."""
    pool = {r.path: r for r in (*(session.references if join else ()), *new) if r.verdict is None}
    newest = sorted(pool.values(), key=lambda r: r.received_at)[-MAX_REFERENCES:]
    kept = tuple(sorted(newest, key=lambda r: -(r.face_score or 0.0)))
    if kept:
        return replace(session, reference=kept[0], references=kept)
    if not new:
        return session
    return replace(session, reference=new[-1], references=())


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
            face_score=face_score(verdict.face.w, verdict.sharpness) if verdict.face else None,
            crown_room=round(verdict.face.y / verdict.face.h, 3) if verdict.face and verdict.face.h else None,
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
