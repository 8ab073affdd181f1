"""One generation from start to end, without Redis: for ``portraitbot generate`` and tests.

prompt (``core.prompts``) -> model (``core.models.route``) -> submit -> poll with backoff until
done (cancelled upstream after the deadline) -> fetch -> ID-photo compliance when asked ->
save under ``output/images/YYYY-MM-DD`` with a metadata record. Series and batches run their
items concurrently (a cap on how many at once), keep their order, and one failed item is
reported on its own without sinking the others.

The worker does the same steps as separate short jobs; this module is the synchronous path.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from core.errors import PermanentUpstreamError, PortraitBotError
from core.models import LOCAL_PROVIDER, route
from core.request import GenerationRequest
from core.settings import Settings
from core.styles import Catalogue
from engine import calls, output
from engine.idfinish import IdPhotoMaker, default_id_photo, finish_id_photos
from engine.providers.base import Handle, OutputImage, Provider, ProviderJob, Status

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4
"""Series/batch items in flight at once: enough to overlap waits, few enough for rate limits."""
POLL_FIRST_S = 1.0
"""Seconds before the first status call; fal rarely finishes sooner."""
POLL_MAX_S = 5.0
"""Longest pause between status calls, seconds (polling is free, but not worth hammering)."""
POLL_FACTOR = 1.5
"""Each pause is this much longer than the last, up to ``POLL_MAX_S``."""

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Item:
    """One thing to generate: the request and its reference photos (JPEG bytes)."""

    request: GenerationRequest
    references: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What became of one item: saved files, or the error that stopped it."""

    index: int
    request: GenerationRequest
    model: str | None = None
    paths: tuple[Path, ...] = ()
    metadata: Path | None = None
    cost_usd: float | None = None
    seconds: float = 0.0
    error: PortraitBotError | None = None
    notes: tuple[str, ...] = ()
    """Message ids the person should see: a substituted model, an offline preview, ..."""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Generator:
    """Runs generations with the providers of one process (passed in, never global)."""

    settings: Settings
    providers: Mapping[str, Provider]
    catalogue: Catalogue
    out_dir: Path | None = None
    """Where images go; default ``{DATA_DIR}/output/images/YYYY-MM-DD``."""
    deadline_s: float | None = None
    """Seconds before an unfinished job is cancelled; default the settings' (10 min)."""
    poll_first_s: float = POLL_FIRST_S
    poll_max_s: float = POLL_MAX_S
    sleep: Sleep = asyncio.sleep
    id_photo: IdPhotoMaker | None = None
    """Turns a generated image into (ID photo, print sheet) files; default ``engine.idphoto``."""
    _clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    async def run_all(self, items: Sequence[Item], concurrency: int = DEFAULT_CONCURRENCY) -> list[Outcome]:
        """Every item, at most ``concurrency`` at once; outcomes in the items' order."""
        gate = asyncio.Semaphore(max(1, concurrency))

        async def one(index: int, item: Item) -> Outcome:
            async with gate:
                return await self.run(item, index=index)

        return list(await asyncio.gather(*(one(i, item) for i, item in enumerate(items))))

    async def run(self, item: Item, *, index: int = 0) -> Outcome:
        """One item to the end; failures come back in ``Outcome.error``, never raised."""
        started = self._clock()
        try:
            return await self._run(item, index, started)
        except PortraitBotError as error:
            log.info("generation %d failed: %s", index, error.message_id)
            return Outcome(index, item.request, error=error, seconds=self._clock() - started)
        except Exception:
            # A bug in one item must not sink the others of a series or batch.
            log.exception("generation %d failed unexpectedly", index)
            return Outcome(index, item.request, error=PortraitBotError(),
                           seconds=self._clock() - started)

    async def _run(self, item: Item, index: int, started: float) -> Outcome:
        request, refs = item.request, item.references
        chosen = route(
            request.model,
            available_providers=frozenset(self.providers) - {LOCAL_PROVIDER},
            has_reference=bool(refs),
            operator_default=self.settings.default_model or None,
        )
        model, notes = chosen.model, [chosen.note] if chosen.note else []
        provider = self.providers.get(model.provider)
        if provider is None:
            raise PermanentUpstreamError("generate.provider_missing", provider=model.provider)
        if model.local:
            notes.append("generate.offline_preview")
        request = replace(request, model=model.key, aspect_ratio=model.fit_aspect_ratio(request.aspect_ratio))
        refs = refs[: max(model.max_refs, 1)] if refs else ()
        jobs = [calls.provider_job(part, model, self.catalogue, refs, chunk=number)
                for number, part in enumerate(calls.split(request, model))]
        prompt, seed = jobs[0].prompt, jobs[0].seed

        timings: dict[str, float] = {}
        gathered = await asyncio.gather(*(self._one_job(provider, job, timings) for job in jobs),
                                        return_exceptions=True)
        results = [r for r in gathered if not isinstance(r, BaseException)]
        failures = [r for r in gathered if isinstance(r, BaseException)]
        for failure in failures:
            if not results or not isinstance(failure, PortraitBotError):
                raise failure
            # Part of a split request failed: keep (and save) the pictures already paid for.
            notes.append(failure.message_id)
        images = [image for batch, _, _ in results for image in batch]
        cost = sum(c for _, c, _ in results if c is not None)
        request_ids = [handle.request_id for _, _, handle in results]
        for _, _, handle in results:
            # The offline engine names its own caption notes (the preview note first).
            for note in handle.data.get("notes", ()):
                if note not in notes:
                    notes.append(note)
        if any(n.startswith("offline.") for n in notes) and "generate.offline_preview" in notes:
            notes.remove("generate.offline_preview")
        compliant = all(handle.data.get("id_compliant") for _, _, handle in results)

        make = self.id_photo or default_id_photo(self.settings)
        finished = finish_id_photos(images, request, self.catalogue, make, compliant)
        notes.extend(n for n in finished.notes if n not in notes)
        files, suffixes, numbers = finished.files, finished.suffixes, finished.numbers
        when = datetime.now(UTC)
        generation_id = uuid.uuid4().hex[:6]
        folder = self.out_dir or output.day_folder(self.settings.data_dir, when)
        stem = output.image_stem(when, request.label or request.style, model.key, generation_id)
        paths = output.save_images(files, folder, stem, suffixes=suffixes, numbers=numbers)
        seconds = self._clock() - started
        record = {
            "id": generation_id,
            "created_at": when.isoformat(),
            "style": request.style,
            "label": request.label,
            "scene_given": bool(request.scene),
            "custom_prompt": bool(request.prompt),
            "prompt_sha256": hashlib.sha256(prompt.encode("utf-8")).hexdigest(),
            "prompt_chars": len(prompt),
            "model": model.key,
            "provider": model.provider,
            "endpoint": model.endpoint(bool(refs)),
            "seed": seed,
            "aspect_ratio": request.aspect_ratio,
            "count": request.count,
            "references": len(refs),
            "id_spec": request.id_spec,
            "background": request.background,
            "id_cards": finished.cards,
            "cost_usd": round(cost, 4),
            "upstream_request_ids": request_ids,
            "timings_s": {k: round(v, 3) for k, v in timings.items()} | {"total": round(seconds, 3)},
            "images": [p.name for p in paths],
            "notes": notes,
        }
        metadata = output.write_metadata(folder, stem, record)
        log.info("generation %s: %d image(s) with %s in %.1f s", generation_id, len(paths), model.key, seconds)
        return Outcome(index, request, model.key, tuple(paths), metadata, round(cost, 4), seconds,
                       notes=tuple(notes))

    async def _one_job(self, provider: Provider, job: ProviderJob,
                       timings: dict[str, float]) -> tuple[tuple[OutputImage, ...], float | None, Handle]:
        begun = self._clock()
        submitted = await provider.submit(job)
        timings["submit"] = max(timings.get("submit", 0.0), self._clock() - begun)
        handle = submitted.handle
        if submitted.images is not None:
            return submitted.images, submitted.cost_usd, handle
        waited = self._clock()
        await self._wait_until_done(provider, handle)
        timings["wait"] = max(timings.get("wait", 0.0), self._clock() - waited)
        fetched = self._clock()
        images = await provider.result(handle)
        timings["fetch"] = max(timings.get("fetch", 0.0), self._clock() - fetched)
        return images, submitted.cost_usd, handle

    async def _wait_until_done(self, provider: Provider, handle: Handle) -> None:
        """Poll with growing pauses; past the deadline cancel upstream and give up."""
        deadline_s = self.deadline_s or float(self.settings.generation_deadline_seconds)
        deadline = self._clock() + deadline_s
        pause = self.poll_first_s
        while True:
            await self.sleep(min(pause, max(0.0, deadline - self._clock())))
            status: Status = await provider.poll(handle)
            if status.state == "done":
                return
            if self._clock() >= deadline:
                try:
                    await provider.cancel(handle)
                except PortraitBotError as error:
                    log.warning("cancel of %s failed: %s", handle.request_id, error.message_id)
                raise PermanentUpstreamError("generate.timed_out", minutes=max(1, round(deadline_s / 60)))
            pause = min(pause * POLL_FACTOR, self.poll_max_s)
