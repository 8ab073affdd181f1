"""Finishing a generation: its images checked for likeness, ID photos made to spec, saved and
handed to delivery (``delivering``); or its end without images (failed, expired), with the
quota given back and its group told."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from core.request import GenerationRequest
from engine import idfinish
from engine.idfinish import is_id_request
from engine.providers.base import OutputImage
from worker import shared_files
from worker.context import WorkerContext
from worker.delivery import deliver_claimed, group_item_finished
from worker.ledger import Ledger
from worker.likeness import gate
from worker.outputs import save_images
from worker.records import WAITING, Record, Records, encode, gen_key, gen_member, new_id, now
from worker.redis_conn import key
from worker.steps import Steps

log = logging.getLogger(__name__)

LAST_FAILED = "lastfailed"
"""``lastfailed:<person>``: the person's last failed generation, for /retry."""


async def finish_id_photos(
    ctx: WorkerContext, request: GenerationRequest, images: list[OutputImage], compliant: bool
) -> tuple[list[OutputImage], list[str], dict[str, Any]]:
    """For ID photos, the compliant photo and its print sheet replace each image (as the CLI's);
    also the record's ``id_cards`` (what each file measured) and ``id_notes`` (why a picture
    is not to spec and what to send instead), for the caption."""
    if not is_id_request(request, ctx.styles):
        return images, [""] * len(images), {}
    finished = await asyncio.to_thread(
        idfinish.finish_id_photos, images, request, ctx.styles, ctx.id_photo_maker(), compliant)
    for note in finished.notes:
        log.info("ID photo not to spec: %s", note)  # the picture still goes, and the caption says why
    return finished.files, finished.suffixes, {"id_cards": finished.cards, "id_notes": finished.notes}


async def finish(
    ctx: WorkerContext, record: Record, images: tuple[OutputImage, ...] | list[OutputImage],
    from_states: tuple[str, ...], expect_token: str = "", compliant: bool = False,
    **extra: Any,
) -> None:
    if not images:
        await fail(ctx, record, from_states, "generate.no_images", {}, expect_token=expect_token)
        return
    checked = await gate(ctx, record, list(images), from_states, expect_token)
    if checked is None:
        return  # not the person: back in line for one more attempt
    request = GenerationRequest.from_dict(record.json("request", {}))
    files, suffixes, measured = await finish_id_photos(ctx, request, checked, compliant)
    paths = save_images(ctx.settings.data_dir, record.id, request.label or "", files,
                        suffixes=suffixes)
    # ID photos and their print sheets go as documents: a photo upload would recompress away
    # the spec's pixels, file size and the sheet's 300 DPI.
    documents = [i for i, suffix in enumerate(suffixes) if suffix.startswith(("sheet", "id_"))]
    written = {"outputs": [str(p) for p in paths], "documents": documents, "finished_at": now(),
               **measured, **extra}
    encoded = {k: encode(v) for k, v in written.items()}
    # One script: the item to delivering and, when it is its group's only one, the group's
    # delivery claimed (active -> sending under a token, its lease) with the group in hand.
    group_token = new_id()
    moved, group, claimed = Steps(ctx.redis).finished(
        record, from_states, expect_token, group_token, now() + ctx.timing.deliver_lease_s,
        {**encoded, "state": "delivering"})
    if not moved:
        _drop_unless_kept(ctx, record.id, paths)
        return
    finished = Record(record.id, {**record.fields, "state": "delivering", **encoded})
    if claimed and group is not None:
        await deliver_claimed(ctx, group, [finished], group_token)
    elif group is not None and group.state == "active":
        await group_item_finished(ctx, record["group"], finished)  # a series: the last one sends


def _drop_unless_kept(ctx: WorkerContext, gen_id: str, paths: list[Path]) -> None:
    """A finish that lost its compare-and-set: the generation was cancelled or forgotten
    meanwhile (keep nothing of it), or another poller finished it first with the same file
    names (keep them: they are its outputs)."""
    outputs = ctx.redis.hget(gen_key(gen_id), "outputs")
    if outputs and set(json.loads(outputs)) >= {str(p) for p in paths}:
        return
    shared_files.current().delete(paths)


async def fail(
    ctx: WorkerContext, record: Record, from_states: tuple[str, ...] | frozenset[str],
    message_id: str, params: dict[str, Any], *, expect_token: str = "",
) -> bool:
    """The generation ends without images; its group tells the person why. False when it
    was not this call's to end."""
    if Records(ctx.redis).transition(
        gen_key(record.id), from_states, "failed", expect_token=expect_token, error=message_id,
        error_params=params, finished_at=now(), due=(gen_member(record.id), None),
    ):
        log.info("generation %s failed: %s", record.id, message_id)
        ctx.redis.set(key(LAST_FAILED, record["person_id"]), record.id, ex=7 * 24 * 3600)
        Ledger.tally_outcome(ctx.tally, record["model"], "failed")
        ctx.tally.flush(ctx.redis)  # at once unless written within the last half second
        Ledger(ctx.redis).give_back(record.id)  # nothing delivered: the quota comes back
        await group_item_finished(ctx, record["group"])
        return True
    return False


async def expire(ctx: WorkerContext, record: Record) -> None:
    """Waited longer than the queue TTL: dropped with an apology, never generated late."""
    if Records(ctx.redis).transition(
        gen_key(record.id), ("queued",), "expired", error="queue.expired", finished_at=now(),
        due=(gen_member(record.id), None),
    ):
        ctx.redis.zrem(WAITING, record.id)
        Ledger(ctx.redis).refund(record.id, record["model"])  # a retry's booking, never sent again
        Ledger.tally_outcome(ctx.tally, record["model"], "expired")
        ctx.tally.flush(ctx.redis)
        Ledger(ctx.redis).give_back(record.id)
        await group_item_finished(ctx, record["group"])
