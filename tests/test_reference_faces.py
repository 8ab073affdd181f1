"""The worker keeps recent reference photos' face embeddings in memory (a series and its
likeness retry share one photo), but a forgotten photo's face does not outlive it: it is dropped
at the next lookup once the photo is gone, and every entry after REFERENCE_KEEP_S."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from worker.likeness import ReferenceFaces

FACE = Path(__file__).parent / "images" / "face.jpg"


def test_a_photo_is_analysed_once_then_forgotten_with_the_photo(tmp_path: Path) -> None:
    faces = ReferenceFaces()
    ann, bob = tmp_path / "ann.jpg", tmp_path / "bob.jpg"
    shutil.copy(FACE, ann)
    shutil.copy(FACE, bob)
    first = faces.get(str(ann))
    assert first, "the test face has a face"
    assert faces.get(str(ann)) is first, "analysed once"
    faces.get(str(bob))
    assert len(faces) == 2
    ann.unlink()  # /forget deleted Ann's photo
    faces.get(str(bob))
    assert len(faces) == 1, "Ann's face data left with her photo"
    with pytest.raises(OSError):
        faces.get(str(ann))


def test_entries_expire(tmp_path: Path) -> None:
    faces = ReferenceFaces(keep_s=0.0)
    photo = tmp_path / "p.jpg"
    shutil.copy(FACE, photo)
    first = faces.get(str(photo))
    assert faces.get(str(photo)) is not first, "kept no longer than keep_s: analysed again"
    assert len(faces) == 1
