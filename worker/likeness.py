"""The likeness check on a finished generation: one more attempt when the result is not the person.

For a gated (photographic) style whose reference photos show a face, every result is scored
against all of them: the mean of its likeness to each reference face (``engine.faces.likeness``;
the mean, not the max, so one odd angle in a set neither carries nor sinks a result). When even
the best is under ``LIKENESS_MIN`` and the generation has not been retried for likeness yet, its pictures are kept on disk with their
scores and the generation goes back to ``queued``: the sweep submits it once more (a new
upstream request, so a new charge in the cost ledger — never the same picture charged twice;
the person's quota is counted once per request, the retry is the operator's cost). The second
finish delivers the best pictures of both attempts, best first. The offline engine (a local
preview of the photo itself) is not checked. Scores go to the ledger by model
(``/metrics``) and onto the record (``likeness``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from typing import Any

from core.likeness import best_first, is_gated, needs_retry
from core.models import MODELS
from core.request import GenerationRequest
from engine.providers.base import OutputImage
from worker import metrics, shared_files
from worker.context import WorkerContext
from worker.outputs import save_images
from worker.records import Record, Records, gen_key, gen_member, now

log = logging.getLogger(__name__)


REFERENCE_CACHE = 256
"""Reference photos whose face embeddings a worker keeps: the items of a series, a retry for
likeness and a person's next request share one photo, and its face analysis was most of a
generation's CPU in the worker."""
REFERENCE_KEEP_S = 900.0
"""Seconds a reference's embeddings stay in memory; one whose photo is gone (/forget, the
retention purge) is dropped at the next lookup, so no forgotten face outlives its photo long."""


class ReferenceFaces:
    """The face embeddings of recent reference photos, by path, modification time and size."""

    def __init__(self, size: int = REFERENCE_CACHE, keep_s: float = REFERENCE_KEEP_S) -> None:
        self.size = size
        self.keep_s = keep_s
        self._kept: OrderedDict[tuple[str, int, int], tuple[float, tuple[Any, ...]]] = OrderedDict()

    def get(self, path: str) -> tuple[Any, ...]:
        """OSError when the photo cannot be read."""
        self._drop_old()
        seen = os.stat(path)
        entry = (path, seen.st_mtime_ns, seen.st_size)
        if entry in self._kept:
            self._kept.move_to_end(entry)
            return self._kept[entry][1]
        faces = _embeddings(path)
        self._kept[entry] = (time.monotonic(), faces)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return faces

    def __len__(self) -> int:
        return len(self._kept)

    def _drop_old(self) -> None:
        oldest = time.monotonic() - self.keep_s
        for entry, (at, _) in list(self._kept.items()):
            if at < oldest or not os.path.exists(entry[0]):
                del self._kept[entry]


def _embeddings(path: str) -> tuple[Any, ...]:
    from PIL import Image

    from engine.faces.likeness import reference_embeddings

    return tuple(reference_embeddings([Image.open(path).convert("RGB")]))


REFERENCES = ReferenceFaces()


def _scores(references: list[str], images: list[OutputImage]) -> list[float | None] | None:
    """Each image's score against every reference photo with a face (the mean of the
    per-reference likeness, ``engine.faces.likeness.score``), or None when the check does not
    apply (no face in any reference)."""
    from io import BytesIO

    from PIL import Image

    from engine.faces.likeness import score

    refs: list[Any] = []
    for reference in references:
        try:
            refs.extend(REFERENCES.get(reference))
        except OSError:
            continue
    if not refs:
        return None
    out: list[float | None] = []
    for image in images:
        try:
            out.append(score(Image.open(BytesIO(image.data)).convert("RGB"), refs))
        except OSError:
            out.append(None)
    return out


async def gate(
    ctx: WorkerContext, record: Record, images: list[OutputImage], from_states: tuple[str, ...],
    expect_token: str = "",
) -> list[OutputImage] | None:
    """The images to deliver, best first; None when one more attempt was scheduled instead."""
    minimum = ctx.settings.likeness_min
    request = GenerationRequest.from_dict(record.json("request", {}))
    style = ctx.styles.get(request.style)
    references = record.references()
    if minimum <= 0 or style is None or not is_gated(style) or not references:
        return images
    if (model := MODELS.get(record["model"])) is not None and model.local:
        return images  # the local preview renders the photo itself; another try changes nothing
    references = [str(shared_files.local(r)) for r in references]  # another host's photos: this host's copies
    scores = await asyncio.to_thread(_scores, references, images)
    if scores is None:
        return images
    prior = record.json("likeness_prior", [])
    best = max((s or 0.0 for s in scores), default=0.0)
    if not prior and needs_retry(best, minimum):
        paths = save_images(ctx.settings.data_dir, record.id + "-try1", request.label or "", images)
        kept = [[str(p), s] for p, s in zip(paths, scores, strict=True)]
        if Records(ctx.redis).transition(
            gen_key(record.id), from_states, "queued", expect_token=expect_token,
            likeness_prior=kept, submit_sent_at="", not_before=0,
            due=(gen_member(record.id), now()),
        ):
            log.info("generation %s looks unlike the person (%.2f): one more attempt", record.id, best)
        return None
    count = len(images)
    for path, old in prior:
        try:
            images.append(OutputImage(data=shared_files.local(path).read_bytes(), content_type="image/png"))
            scores.append(old)
        except OSError:
            continue
    ranked = best_first(list(zip(images, scores, strict=True)), scores)
    keep = ranked[:count]
    top = max((s or 0.0 for _, s in keep), default=0.0)
    Records(ctx.redis).transition(gen_key(record.id), from_states, None, likeness=round(top, 3))
    labels = {"model": record["model"]}
    metrics.count(ctx.redis, "portraitbot_likeness_score_sum", labels, top)
    metrics.count(ctx.redis, "portraitbot_likeness_scored_total", labels)
    return [image for image, _ in keep]
