"""Scoring a generated picture against the person's reference photo(s)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.facedetect import ImageInput
from engine.faces.model import analyse, likeness


def reference_embeddings(photos: Sequence[ImageInput]) -> list[np.ndarray]:
    """The main (largest) face of each usable reference photo; photos without a face are skipped."""
    found = []
    for photo in photos:
        faces = analyse(photo)
        if faces:
            found.append(faces[0].embedding)
    return found


def score(result: ImageInput, references: Sequence[np.ndarray]) -> float | None:
    """How much ``result`` looks like the person, 0..1: its best-matching face against the mean
    over references (several selfies smooth out one bad angle). None when either side has no face."""
    if not references:
        return None
    faces = analyse(result)
    if not faces:
        return None
    return max(
        float(np.mean([likeness(face.embedding, ref) for ref in references])) for face in faces
    )
