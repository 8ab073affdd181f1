"""Polls a worker process runs from its own clock, with no Redis round trip per status call.

A generation polled through ``pb:due`` cost a claim, a read and a rescheduling write per
status call — about four Redis commands a call, 17 calls for a 20 s upstream. Instead the
process that submits a generation (or claims one from ``pb:due``) keeps it here: an in-memory
heap of next poll times, polled by the sweep on time to the millisecond. ``pb:due`` holds
only its lease (a score ``poll_lease_s`` ahead), renewed for all owned generations at once
(one ``ZMSCORE`` and one ``ZADD``) every third of a lease. When the process dies the leases
run out and any other sweep claims the generations, as before. A member whose score is gone
(cancelled, finished, forgotten) or due now (fal's webhook woke it, or this process stalled
past its lease) is dropped here and left to the sweep's claim.
"""

from __future__ import annotations

import heapq
import itertools
import time

import redis

from worker.records import DUE, Record, gen_member

RENEW_CHUNK = 1000
"""Members renewed per ZMSCORE/ZADD pair."""


class OwnedPolls:
    """This process's generations between polls: gen id -> (next poll time, fields, polls)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str]] = []
        self._entries: dict[str, tuple[float, int, Record, int]] = {}
        self._seq = itertools.count()
        self._renewed_at = time.monotonic()

    def __len__(self) -> int:
        return len(self._entries)

    def own(self, light: Record, when: float, polls: int) -> None:
        """Poll ``light`` (the poll's fields of a record) at ``when`` (Unix seconds)."""
        seq = next(self._seq)
        self._entries[light.id] = (when, seq, light, polls)
        heapq.heappush(self._heap, (when, seq, light.id))

    def drop(self, gen_id: str) -> None:
        self._entries.pop(gen_id, None)

    def next_at(self) -> float | None:
        """When the next owned poll is due (None when nothing is owned)."""
        while self._heap:
            when, seq, gen_id = self._heap[0]
            entry = self._entries.get(gen_id)
            if entry is not None and entry[1] == seq:
                return when
            heapq.heappop(self._heap)  # replaced or dropped since
        return None

    def take_due(self, now: float, limit: int) -> list[tuple[Record, int]]:
        """Up to ``limit`` generations whose poll time came, removed from the heap."""
        taken: list[tuple[Record, int]] = []
        while len(taken) < limit:
            when = self.next_at()
            if when is None or when > now:
                break
            _, _, gen_id = heapq.heappop(self._heap)
            _, _, light, polls = self._entries.pop(gen_id)
            taken.append((light, polls))
        return taken

    def renew(self, client: redis.Redis, lease_s: float, *, force: bool = False) -> None:
        """Push every owned generation's lease ahead, every third of a lease."""
        current = time.monotonic()
        if not force and current - self._renewed_at < lease_s / 3:
            return
        self._renewed_at = current
        ids = list(self._entries)
        for start in range(0, len(ids), RENEW_CHUNK):
            chunk = ids[start:start + RENEW_CHUNK]
            members = [gen_member(gen_id) for gen_id in chunk]
            scores = client.zmscore(DUE, members)
            wall = time.time()
            keep = {}
            for gen_id, member, score in zip(chunk, members, scores, strict=True):
                if score is None or score <= wall:
                    self.drop(gen_id)  # finished, cancelled or forgotten; or woken: the sweep's
                else:
                    keep[member] = wall + lease_s
            if keep:
                client.zadd(DUE, keep, xx=True)

    def release(self, client: redis.Redis) -> None:
        """Stopping: make every owned generation due now, so another process polls it at once
        instead of after its lease."""
        members = {gen_member(gen_id): time.time() for gen_id in self._entries}
        self._entries.clear()
        self._heap.clear()
        if members:
            client.zadd(DUE, members, xx=True)
