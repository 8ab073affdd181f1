"""The sweep: one asyncio task per worker process that polls every due generation concurrently.

Why not one RQ job per poll? A fal generation takes 15-150 s; polled every second or two,
a few thousand in flight are hundreds of status calls a second. As RQ jobs each poll costs
a dequeue, registry bookkeeping and (with the default ``Worker``) a fork; as a blocking job
per generation a whole process sits idle for the whole generation. The sweep instead claims
due members of ``pb:due`` (a sorted set scored by next-poll time) with one Lua call, pushes
their score a lease ahead (so a sweep that dies mid-poll is replaced by another process's
sweep when the lease ends), and runs the status calls concurrently on one shared
``httpx.AsyncClient``. ``scripts/bench_worker.py`` measures the difference (docs/worker.md).

The sweep also does the RQ scheduler's duty in-process (moving ``enqueue_in`` jobs whose time
came onto the queue), instead of RQ's forked scheduler process: forking a process that runs
an event-loop thread is unsafe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import redis
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from worker import chain, delivery, retention, shared_files
from worker.context import WorkerContext
from worker.credits import Credits
from worker.records import Record, Records
from worker.rqueue import QUEUE_NAME

log = logging.getLogger(__name__)

SCHEDULER_TICK_S = 1.0
"""How often scheduled (``enqueue_in``) jobs whose time came are moved to the queue."""
SCHEDULER_LOCK_REFRESH_S = 15.0
"""How often the scheduler lock (TTL 61 s) is refreshed or taken over from a dead process."""
STALE_HOLD_FACTOR = 2
"""A hold older than this many generation deadlines belongs to a generation that is over."""
STOP_WAIT_S = 10.0
"""On stop, how long the steps in flight may take to end."""
REDIS_DOWN_WAIT_S = 1.0
"""Pause after a Redis error before the sweep tries again (Redis restarting)."""


async def revisit(ctx: WorkerContext, member: str, claimed_at: float | None = None) -> None:
    """Do whatever a due member needs now: poll, fetch, recover a dead step, expire, deliver.
    ``claimed_at``: when this sweep's claim pushed its due score a poll lease ahead."""
    records = Records(ctx.redis)
    kind, _, record_id = member.partition(":")
    if kind == "grp":
        group = records.group(record_id)
        if group is None:
            records.clear_due(member)
        else:
            await delivery.revisit_group(ctx, group)
        return
    # What the sweep claims is mostly a submit (due at once) or a takeover: the whole record.
    # A generation's regular polls are its process's own (worker/owned.py), without Redis.
    record = records.gen(record_id)
    state = record.state if record is not None else ""
    if record is None:
        records.clear_due(member)
    elif state in ("submitted", "running"):
        await chain.poll(ctx, record)
    elif state == "fetching":
        await chain.refetch(ctx, record)
    elif state == "submitting":
        await chain.recover_submit(ctx, record)
    elif state == "queued":
        # Due at once on enqueue, or a retry whose backoff ended: the sweep owns the submit.
        # submit() expires it instead when it waited too long.
        await chain.submit(ctx, record.id, record, claimed_at)
    else:
        records.clear_due(member)


class Sweep:
    """The loop; ``run`` until ``stop`` is set."""

    def __init__(self, ctx: WorkerContext, *, scheduler: bool = True) -> None:
        self.ctx = ctx
        self.stop = threading.Event()
        self.tasks: set[asyncio.Task[None]] = set()
        self.polls: set[asyncio.Task[None]] = set()
        """Owned polls in flight: counted apart, so submits waiting their turn (a burst) never
        hold up a poll whose result may be ready."""
        self.scheduler = (
            RQScheduler([QUEUE_NAME], connection=ctx.redis, serializer=JSONSerializer)
            if scheduler else None
        )
        self._locks_at = 0.0
        self._scheduled_at = 0.0
        self._retained_at = -float(retention.PURGE_EVERY_S)
        self._gone_at = -float(shared_files.GONE_CHECK_S)
        self.revisits = 0

    def upstream(self) -> int:
        """Generations of this process accepted upstream: polled from its clock, or polling now."""
        return len(self.ctx.owned) + len(self.polls)

    async def run(self) -> None:
        timing = self.ctx.timing
        records = Records(self.ctx.redis)
        owned = self.ctx.owned
        claim_at = 0.0  # pb:due is asked once a tick (or again at once after a full claim)
        while not self.stop.is_set():
            # This process's own polls first, on time (no Redis command per poll) ...
            poll_room = timing.sweep_concurrency - len(self.polls)
            for light, polls in owned.take_due(time.time(), max(0, poll_room)):
                self._start(self._poll(light, polls), self.polls)
            room = min(timing.sweep_batch, timing.sweep_concurrency - len(self.tasks))
            claimed: list[str] = []
            claimed_at = 0.0
            try:
                self._schedule()
                self._retain()
                self._clear_gone()
                owned.renew(self.ctx.redis, timing.poll_lease_s)
                self.ctx.submitting.renew(self.ctx.redis, timing.submit_lease_s)
                self.ctx.tally.flush(self.ctx.redis)  # counters, every half second at most
                # ... then what is due in pb:due: submits, takeovers, wake-ups, deliveries.
                if room > 0 and time.monotonic() >= claim_at:
                    claimed_at = time.time()
                    claimed = records.claim_due(claimed_at, room, timing.poll_lease_s)
                    full_claim = len(claimed) >= room
                    claim_at = time.monotonic() + (0.0 if full_claim else timing.sweep_tick_s)
            except redis.RedisError as error:
                log.warning("sweep: Redis unavailable (%s); retrying", type(error).__name__)
                await asyncio.sleep(REDIS_DOWN_WAIT_S)
                continue
            except Exception:
                log.exception("sweep: unexpected error; carrying on")
                await asyncio.sleep(REDIS_DOWN_WAIT_S)
                continue
            for member in claimed:
                self._start(self._one(member, claimed_at))
            next_own = owned.next_at()
            wait = min(claim_at - time.monotonic(),
                       timing.sweep_tick_s if next_own is None else next_own - time.time())
            # Full: wait for tasks to finish rather than spin.
            full = room <= 0 or poll_room <= 0
            await asyncio.sleep(min(timing.sweep_tick_s, max(0.01 if full else 0.0, wait)))
        self.ctx.stopping = True
        await self._drain(STOP_WAIT_S)
        with contextlib.suppress(redis.RedisError):
            owned.release(self.ctx.redis)  # another process polls them now, not after the lease
        with contextlib.suppress(redis.RedisError):
            self.ctx.tally.flush(self.ctx.redis, force=True)

    async def _drain(self, seconds: float) -> None:
        """Stopping: let the steps in flight end, renewing the leases of submits still on
        the wire meanwhile (a lapsed one would be failed by another process, though charged)."""
        end = time.monotonic() + seconds
        lease_s = self.ctx.timing.submit_lease_s
        while (self.tasks or self.polls) and time.monotonic() < end:
            with contextlib.suppress(redis.RedisError):
                self.ctx.submitting.renew(self.ctx.redis, lease_s)
            await asyncio.wait(self.tasks | self.polls,
                               timeout=min(lease_s / 4, max(0.0, end - time.monotonic())))

    def _start(self, coro: Coroutine[Any, Any, None], into: set[asyncio.Task[None]] | None = None) -> None:
        tasks = self.tasks if into is None else into
        task = asyncio.create_task(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def _poll(self, light: Record, polls: int) -> None:
        try:
            await chain.poll(self.ctx, light, polls)
            self.revisits += 1
        except Exception:
            # Not owned any more: its lease runs out and a sweep claims it again.
            log.exception("sweep: poll of %s failed; retried after its lease", light.id)

    async def _one(self, member: str, claimed_at: float) -> None:
        try:
            await revisit(self.ctx, member, claimed_at)
            self.revisits += 1
        except Exception:
            # The member stays claimed until its lease ends, then it is tried again.
            log.exception("sweep: %s failed; retried after its lease", member)

    def _retain(self) -> None:
        """Delete people's old photos and results (worker/retention.py), in a thread."""
        settings = self.ctx.settings
        current = time.monotonic()
        if current - self._retained_at < retention.PURGE_EVERY_S / 10:
            return  # ask Redis for the hourly lock a few times an hour, not every tick
        self._retained_at = current
        # Credits held by generations long over (a process died before settling them).
        Credits(self.ctx.redis).end_stale(settings.generation_deadline_seconds * STALE_HOLD_FACTOR)
        if settings.retention_days > 0 and retention.due(self.ctx.redis, Path(settings.data_dir)):
            task = asyncio.create_task(self._purge(Path(settings.data_dir), settings.retention_days))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def _clear_gone(self) -> None:
        """Delete this host's copies of files another host forgot (/forget; SHARED_FILES=redis)."""
        files = shared_files.current()
        current = time.monotonic()
        if not files.shared or current - self._gone_at < shared_files.GONE_CHECK_S:
            return
        self._gone_at = current
        task = asyncio.create_task(self._clear_gone_now(files))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _clear_gone_now(self, files: shared_files.SharedFiles) -> None:
        try:
            await asyncio.to_thread(files.clear_gone)
        except (OSError, redis.RedisError) as error:
            log.warning("forgotten files not cleared yet (%s); tried again shortly", type(error).__name__)

    async def _purge(self, data_dir: Path, days: float) -> None:
        try:
            await asyncio.to_thread(retention.purge, data_dir, days)
        except OSError as error:
            log.warning("retention: purge failed (%s); tried again next hour", error)

    def _schedule(self) -> None:
        if self.scheduler is None:
            return
        current = time.monotonic()
        if current - self._locks_at >= SCHEDULER_LOCK_REFRESH_S:
            self.scheduler.acquire_locks()
            self._locks_at = current
        if current - self._scheduled_at >= SCHEDULER_TICK_S and self.scheduler.acquired_locks:
            self.scheduler.enqueue_scheduled_jobs()
            self._scheduled_at = current
