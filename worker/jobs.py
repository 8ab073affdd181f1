"""RQ job functions: plain importable top-level functions taking a record id.

Each one hands its step to the process's context loop (``worker.context.current()``) and
waits; the step is idempotent, so RQ's at-least-once delivery is safe.
"""

from __future__ import annotations

import contextlib

from core.errors import PortraitBotError
from engine.providers.base import Handle
from worker import chain, delivery
from worker.context import current
from worker.records import Records
from worker.rqueue import JOB_TIMEOUT_S


def submit_job(gen_id: str) -> None:
    """Submit one queued generation. Nothing enqueues this now (the sweep owns submits); it
    stays for jobs an earlier version left in the queue when a worker is upgraded in place."""
    ctx = current()
    ctx.run(chain.submit(ctx, gen_id), timeout=JOB_TIMEOUT_S)


def deliver_job(group_id: str) -> None:
    """Send one finished group to its chat. Like ``submit_job``, only for jobs an earlier
    version queued: the worker that finishes a group delivers it, the sweep if it dies."""
    ctx = current()
    ctx.run(delivery.deliver(ctx, group_id), timeout=JOB_TIMEOUT_S)


def cancel_job(gen_id: str) -> None:
    """Ask upstream to stop a cancelled generation (the bot has no provider clients)."""
    ctx = current()
    record = Records(ctx.redis).gen(gen_id)
    if record is None or record.state != "cancelled" or not record["handle"]:
        return
    provider = ctx.providers.get(chain.model_of(record).provider)
    if provider is None:
        return
    handle = Handle.from_dict(record.json("handle"))
    with contextlib.suppress(PortraitBotError):
        ctx.run(provider.cancel(handle), timeout=JOB_TIMEOUT_S)


def ended_job(group_id: str, stage: str) -> None:
    """Edit a cancelled request's acknowledgement to say so (``delivery.notify``)."""
    ctx = current()
    ctx.run(delivery.notify(ctx, group_id, stage), timeout=JOB_TIMEOUT_S)
