"""Delivery: a finished group goes to its chat once, in order; and progress in the chat.

A group (one picture, or the items of a series or batch) is ``ready`` when every item has
finished or failed. ``deliver`` moves it ``ready -> sending`` with a token, sends all pictures
in one message (failed items named in the caption), and records ``delivered`` with a write
that survives a Redis restart. A transient failure (Telegram 429 with ``retry_after``,
network) reschedules only the delivery; a permanent one (``delivery.blocked``) stops quietly.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import redis

from core.chat import Button, ButtonAction, Buttons, ChatTarget
from core.errors import PermanentUpstreamError, TransientUpstreamError
from core.models import MODELS, best_model, model_or_local
from core.sender import Deliverable, EndsProgress
from worker import shared_files
from worker.context import WorkerContext
from worker.credits import Credits
from worker.ledger import Ledger, active_key
from worker.metrics import Tally
from worker.records import (
    ACTIVE,
    FINISHED,
    Record,
    Records,
    encode,
    group_key,
    group_member,
    new_id,
    now,
    persist,
)
from worker.steps import Steps

log = logging.getLogger(__name__)
PACED_WAITS_MAX = 120
"""Times a delivery may wait for its group's send slot (Telegram: ~20 messages a minute per
group) before it is given up: an hour and more of a busy group's backlog."""


async def group_item_finished(ctx: WorkerContext, group_id: str, finished: Record | None = None) -> None:
    """When every item of the group is finished, deliver it here, on this worker's loop.
    ``finished``: the item that just finished, as it is now (a one-picture group needs no
    second read of it)."""
    records = Records(ctx.redis)
    group = records.group(group_id)
    if group is None or group.state != "active":
        return
    ids = group.json("gens", [])
    items = [finished] if finished is not None and ids == [finished.id] else records.gens_of(group)
    if any(item.state not in FINISHED for item in items):
        return
    # Straight to sending (no "ready" step between): the sweep takes the delivery over only
    # if this worker dies, when the due time (a lease) runs out. An RQ job for it cost a
    # dozen Redis commands, and a separate ready step a round trip.
    token = new_id()
    if records.transition(
        group_key(group_id), ("active",), "sending", token=token, shown_sending=1,
        due=(group_member(group_id), now() + ctx.timing.deliver_lease_s),
    ):
        await deliver_claimed(ctx, group, items, token)


# -- deliver --------------------------------------------------------------------------------


async def deliver(ctx: WorkerContext, group_id: str) -> None:
    """Send a ready group to its chat, once (a retry after a 429, or the sweep's takeover)."""
    records = Records(ctx.redis)
    group = records.group(group_id)
    if group is None or group.state != "ready" or now() < group.number("not_before"):
        return  # done, being sent, or waiting out a 429's retry_after
    token = new_id()
    if not records.transition(
        group_key(group_id), ("ready",), "sending", token=token, shown_sending=1,
        due=(group_member(group_id), now() + ctx.timing.deliver_lease_s),
    ):
        return
    await deliver_claimed(ctx, group, records.gens_of(group), token)


async def deliver_claimed(ctx: WorkerContext, group: Record, items: list[Record], token: str) -> None:
    """The group is ``sending`` under ``token``: send it and record the outcome."""
    target = ChatTarget.from_dict(group.json("target"))
    sender = ctx.senders.get(target.channel)
    lease = asyncio.create_task(_keep_lease(ctx, group.id, token))
    try:
        if sender is None:
            raise PermanentUpstreamError("delivery.no_channel")
        if not group["shown_sending"]:  # marked with the claim: no HSETNX of its own
            await show(ctx, group, "sending")
        await _send(ctx, sender, target, group, items)
    except TransientUpstreamError as error:
        await _delivery_later(ctx, group, token, error)
        return
    except PermanentUpstreamError as error:
        # The person blocked the bot or the chat is gone: stop quietly, keep a record.
        log.info("group %s not delivered: %s", group.id, error.message_id)
        _close_group(ctx, group, token, "failed", "undelivered", items, error=error.message_id)
        return
    except Exception:
        # A bug or an unmapped error in a sender: retried like a transient one, a few times.
        log.exception("delivery of group %s failed unexpectedly", group.id)
        await _delivery_later(ctx, group, token, TransientUpstreamError("error.internal"))
        return
    finally:
        lease.cancel()
    # The chat has the pictures now: recording that must survive a Redis restart, or the
    # delivery's lease would run out and the pictures would be sent again.
    await persist(lambda: _close_group(ctx, group, token, "delivered", "delivered", items))


async def _keep_lease(ctx: WorkerContext, group_id: str, token: str) -> None:
    """While this worker uploads, push its delivery's lease ahead (every third of it), so a
    slow upload is never taken over by another sweep and sent twice; a worker that dies stops
    renewing, and its lease runs out as before."""
    lease_s = ctx.timing.deliver_lease_s
    records = Records(ctx.redis)
    while True:
        await asyncio.sleep(lease_s / 3)
        try:
            owner = ctx.redis.hget(group_key(group_id), "token")
            if owner is None or (owner.decode() if isinstance(owner, bytes) else owner) != token:
                return  # no longer ours (ended, or taken over after a stall)
            records.set_due(group_member(group_id), now() + lease_s)
        except redis.RedisError as error:
            log.warning("delivery lease of group %s not renewed: %s", group_id, type(error).__name__)


async def _send(ctx: WorkerContext, sender: Any, target: ChatTarget, group: Record,
                items: list[Record]) -> None:
    language = target.language
    text = ctx.catalogues.text
    delivered = [
        (shared_files.local(path), number in item.json("documents", []), str(item.json("request", {}).get("style") or ""),
         f"{item.id}.{number + 1}")
        for item in items if item.state in ("delivering", "delivered")
        for number, path in enumerate(item.json("outputs", []))
    ]
    files = [Deliverable(path, as_document=document, title=_title(path, style, n),
                         label=(found.name(language) if (found := ctx.styles.get(style)) else ""),
                         source="" if document else source)
             for n, (path, document, style, source) in enumerate(delivered, start=1)]
    failed = [(n, item) for n, item in enumerate(items, start=1) if item.state in ("failed", "expired")]
    if files:
        lines = [group["label"]] if group["label"] else []
        lines += _id_photo_lines(ctx, language, items)
        if any((m := MODELS.get(item["model"])) is not None and m.local for item in items):
            lines.append(text(language, "generate.offline_preview"))
        if failed:
            numbers = ", ".join(str(n) for n, _ in failed)
            lines.append(text(language, "delivery.items_failed", items=numbers, total=len(items)))
            lines.append(text(language, "generate.retry_hint"))
            lines += _returned(ctx, language, [item for _, item in failed])
        await sender.send_images(target, files, "\n".join(lines), buttons=_result_buttons(ctx, language, items))
    elif failed:
        await notify(ctx, group.id, "failed", group)
        first = failed[0][1]
        error = first["error"] or "error.upstream_failed"
        reason = text(language, error, **first.json("error_params", {}))
        if error not in SAYS_WHAT_TO_DO:
            reason += "\n" + text(language, "generate.retry_hint")
        await sender.send_text(target, "\n".join([reason, *_returned(ctx, language, [i for _, i in failed])]))


def _returned(ctx: WorkerContext, language: str, failed: list[Record]) -> list[str]:
    """"3 credits are back in your balance" when failed pictures were paid in credits."""
    credits = Credits(ctx.redis)
    back = sum(credits.returned(item.id) for item in failed)
    return [ctx.catalogues.text(language, "credits.returned", credits=back)] if back else []


def _id_photo_lines(ctx: WorkerContext, language: str, items: list[Record]) -> list[str]:
    """Which document the ID photo meets, its compliance card (what the delivered files
    measured) and how to print its sheet, once per delivery; or why a picture is not to spec
    and what to send instead."""
    from core.idcard import card_lines
    from core.idspecs import get_spec, refused_note
    from engine.printsheet import SHEET_CAPTION_ID, sheet_caption_params

    made = [item for item in items if item.state in ("delivering", "delivered")]
    cards = [card for item in made for card in item.json("id_cards", [])]
    notes = list(dict.fromkeys(note for item in made for note in item.json("id_notes", [])))
    lines = [ctx.catalogues.text(language, note) for note in notes]
    for item in made:
        if not item.json("documents", []):
            continue  # only an ID photo comes with a print sheet (sent as a document)
        request = item.json("request", {})
        style = ctx.styles.get(request.get("style") or "")
        background = request.get("background") or (style.background if style is not None else None)
        spec = get_spec(request.get("id_spec"), background)
        if spec is None:
            return lines
        size = ctx.catalogues.text(
            language, "idphoto.caption", name=spec.name(language), size=spec.size_label(),
            width=spec.width_px, height=spec.height_px,
        )
        sheet = ctx.catalogues.text(language, SHEET_CAPTION_ID, **sheet_caption_params(spec))
        lines = [size, *card_lines(cards, ctx.catalogues.text, language), sheet, *lines]
        note = refused_note(request.get("id_spec"), request.get("background"))
        if note:  # "Canada passport photo requires a white background", not "blue background"
            lines.append(ctx.catalogues.text(language, note, name=spec.name(language)))
        return lines
    return lines


SAYS_WHAT_TO_DO = frozenset({"generate.photo_gone", "generate.submit_lost", "queue.expired"})
"""Failures whose message already says what to do next; "/retry with the same photo" would
contradict "send the photo again" or repeat "send /retry"."""


def _result_buttons(ctx: WorkerContext, language: str, items: list[Record]) -> Buttons:
    """Regenerate, another style, and (when a better model is configured) higher quality."""
    text = ctx.catalogues.text
    row = [
        Button.of(text(language, "result.regenerate"), ButtonAction.regen, "last"),
        Button.of(text(language, "result.other_style"), ButtonAction.styles),
    ]
    best = best_model()
    if best.provider in ctx.providers and all(item["model"] != best.key for item in items):
        row.append(Button.of(text(language, "result.higher_quality"), ButtonAction.hq, "last"))
    return (tuple(row),)


async def _delivery_later(
    ctx: WorkerContext, group: Record, token: str, error: TransientUpstreamError
) -> None:
    """Reschedule only the delivery (Telegram 429 says when); the images are already on disk.
    Waiting for a busy group's send slot (``paced``) is no failed attempt: it counts apart,
    against a much larger allowance."""
    paced = bool(error.params.get("paced"))
    attempts = int(group.number("deliver_attempts")) + (0 if paced else 1)
    waits = int(group.number("paced_waits")) + (1 if paced else 0)
    if attempts > ctx.timing.delivery_retries or waits > PACED_WAITS_MAX:
        _close_group(ctx, group, token, "failed", "undelivered", None, error=error.message_id)
        return
    delay = error.retry_after if error.retry_after is not None else min(60.0, 2.0**attempts)
    Records(ctx.redis).transition(
        group_key(group.id), ("sending",), "ready", expect_token=token, deliver_attempts=attempts, paced_waits=waits,
        not_before=now() + delay,
        due=(group_member(group.id), now() + delay),  # the sweep sends it again then
    )


def _close_group(
    ctx: WorkerContext, group: Record, token: str, state: str, outcome: str,
    items: list[Record] | None, **fields: Any,
) -> bool:
    records = Records(ctx.redis)
    # Only items that were delivering change (failed ones were counted when they failed). No
    # compare-and-set per item: the group's, won with its token in the same script, makes this
    # the one closer, and nothing else moves a delivering item. One round trip for all of it.
    closing = [item for item in (items if items is not None else records.gens_of(group))
               if item.state == "delivering"]
    at = now()
    mine = Tally()
    for item in closing:
        latency = at - item.number("created_at")
        Ledger.tally_outcome(mine, item["model"], outcome, latency if outcome == "delivered" else None)
    if not Steps(ctx.redis).close(
        group, token, state, "delivered" if outcome == "delivered" else "failed",
        [item.id for item in closing], active_key(group["person_id"]),
        {"delivered_at": repr(at), **{k: encode(v) for k, v in fields.items()}}, at, ctx.tally, mine,
    ):
        return False
    ledger = Ledger(ctx.redis)
    for item in closing:
        if outcome != "delivered":
            ledger.give_back(item.id)  # the pictures never reached the person (credits too)
        elif ctx.settings.payments == "stars":
            Credits(ctx.redis).settle(item.id)  # they did: the credits it held are spent
    return True


# -- group upkeep (the sweep) -------------------------------------------------------------------


async def revisit_group(ctx: WorkerContext, group: Record) -> None:
    """A group whose due time came: finish it, or redo a delivery whose worker died."""
    records = Records(ctx.redis)
    if group.state == "active":
        # Backstop: re-check the items (a worker may have died between an item and this check).
        stale = [i for i in records.gens_of(group) if i.state in ACTIVE]
        if not stale:
            await group_item_finished(ctx, group.id)
        return
    if group.state == "ready":
        await deliver(ctx, group.id)  # its RQ job has not come yet (a burst, or it was lost)
        return
    if group.state == "sending" and records.transition(
        group_key(group.id), ("sending",), "ready", expect_token=group["token"],
    ):
        await deliver(ctx, group.id)  # the worker sending it died: its lease ran out
        return
    records.clear_due(group_member(group.id))


# -- progress -----------------------------------------------------------------------------------


ENDED = ("cancelled", "failed")
"""Stages after which nothing more is coming: the acknowledgement is edited to say so."""
NOTIFY_FIELDS = ("state", "target", "ack", "model")
"""What a progress note needs of its group."""


async def notify(ctx: WorkerContext, group_id: str, stage: str, group: Record | None = None) -> None:
    """Show the group's stage in the chat once per stage (edits the acknowledgement)."""
    if not ctx.redis.hsetnx(group_key(group_id), f"shown_{stage}", 1):
        return
    if group is None:
        group = Records(ctx.redis).fields(group_key(group_id), group_id, NOTIFY_FIELDS)
    if group is not None:
        await show(ctx, group, stage)


async def show(ctx: WorkerContext, group: Record, stage: str) -> None:
    """Show a stage already marked shown (``notify`` marks it; a claim may mark it itself)."""
    target = ChatTarget.from_dict(group.json("target"))
    sender = ctx.senders.get(target.channel)
    if sender is None:
        return
    model = model_or_local(group["model"])
    text = ctx.catalogues.text(target.language, f"progress.{stage}", eta=int(model.latency_s))
    try:
        if stage in ENDED:  # the acknowledgement says how it ended, where the channel can edit it
            if group["ack"] and isinstance(sender, EndsProgress):
                await sender.end_progress(target, group["ack"], text)
            return
        await sender.show_progress(target, group["ack"] or None, text)
    except Exception:
        # Progress is a courtesy: it must never stop a generation or a delivery.
        log.info("progress for group %s not shown", group.id, exc_info=True)


def _title(path: Path, style: str, number: int) -> str:
    """A name a person can keep: ``portrait-anime-1.jpg``, ``portrait-id-photo-white-id-us.jpg``
    (the stored names are generation ids)."""
    _, _, suffix = path.stem.partition("-")
    tail = suffix if suffix and not suffix.isdigit() else str(number)
    words = "-".join(w for w in re.split(r"[^a-z0-9]+", f"{style} {tail}".lower()) if w)
    return f"portrait-{words}{path.suffix}"
