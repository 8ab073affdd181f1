"""Telegram updates in Redis, between the webhook's answer and the handlers (webhook mode).

The webhook route used to put each update on the Application's in-memory queue and answer
200: past ~85 updates/s that queue grew without bound, was lost on a restart, and Telegram
never sent those updates again. Now the route appends the raw update to a Redis stream
(``pb:tg:updates``) before answering — refused with 429 and ``Retry-After`` when the stream
holds ``TELEGRAM_UPDATE_QUEUE_MAX`` updates, so Telegram redelivers later — and every server
process runs a ``Consumer`` in one consumer group: it reads only as many updates as it has
handler slots for, handles each, then acknowledges and deletes it (``XACK`` + ``XDEL``). An
update a consumer read but did not finish (the process died) stays pending in the group and
is claimed by any consumer once it has been idle ``CLAIM_IDLE_S`` (``XAUTOCLAIM``). A second
handling of one update (a claim racing a slow handler, or Telegram's own redelivery) is
answered once: the conversation dedupes by ``update_id`` (``telegram:update:<id>``).

The request path only checks the secret, that the body is a JSON object with an integer
``update_id``, and appends it: no ``Update`` object is built there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import redis

from worker.redis_conn import KEY_PREFIX

log = logging.getLogger(__name__)

STREAM = f"{KEY_PREFIX}tg:updates"
GROUP = "handlers"
DEFAULT_MAX = 10_000
"""Updates waiting at most (``TELEGRAM_UPDATE_QUEUE_MAX``); a few KB each, so ~50 MB at most."""
RETRY_AFTER_S = 5
"""What a 429 asks Telegram to wait before redelivering."""
CLAIM_IDLE_S = 60.0
"""An update read this long ago and not acknowledged belongs to a dead consumer: claimed."""
BLOCK_MS = 1000
"""How long one read waits for new updates (the stop flag is seen this often)."""

_PUSH = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return false end
return redis.call('XADD', KEYS[1], '*', 'u', ARGV[2])
"""
"""Append unless full, in one step (two webhooks at once cannot both slip past the bound)."""


def parse_update_id(body: bytes) -> int | None:
    """The update's id if ``body`` is a JSON object with an integer ``update_id``."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    return update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else None


class UpdateQueue:
    """The bounded stream of raw updates."""

    def __init__(self, client: redis.Redis, max_len: int = DEFAULT_MAX) -> None:
        self.redis = client
        self.max_len = max(1, max_len)
        self._push = client.register_script(_PUSH)

    def push(self, body: bytes) -> bool:
        """Append one raw update; False when the queue is full (the caller answers 429)."""
        return self._push(keys=[STREAM], args=[self.max_len, body]) is not None

    def waiting(self) -> int:
        return int(self.redis.xlen(STREAM))

    def ensure_group(self) -> None:
        with contextlib.suppress(redis.ResponseError):  # BUSYGROUP: it exists already
            self.redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)


Handle = Callable[[dict[str, Any]], Awaitable[None]]


class Consumer:
    """One server process's reader: at most ``slots`` updates in hand, each acknowledged
    after its handler finished (successfully or not: a handler's error is logged by it)."""

    def __init__(self, queue: UpdateQueue, handle: Handle, *, slots: int = 32,
                 name: str | None = None, claim_idle_s: float | None = None,
                 block_ms: int = BLOCK_MS) -> None:
        self.queue = queue
        self.handle = handle
        self.slots = slots
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.claim_idle_ms = int((CLAIM_IDLE_S if claim_idle_s is None else claim_idle_s) * 1000)
        self.block_ms = block_ms
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._claimed_at = 0.0

    def start(self) -> None:
        self.queue.ensure_group()
        self._runner = asyncio.get_running_loop().create_task(self._run())

    async def stop(self, timeout: float = 10.0) -> None:
        """Read no more; let the updates in hand finish (unfinished ones are claimed later)."""
        self._stop.set()
        if self._runner is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._runner, timeout)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            room = self.slots - len(self._tasks)
            if room <= 0:  # every slot busy: read nothing until one is free
                await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                entries = self._claim(loop.time(), room)
                if not entries:
                    # A blocking read in a thread: the event loop keeps serving meanwhile.
                    entries = await asyncio.to_thread(self._read, room)
            except redis.ResponseError as error:
                if "NOGROUP" not in str(error):
                    raise
                self.queue.ensure_group()  # the stream was deleted (Redis emptied): start again
                continue
            except redis.RedisError as error:
                log.warning("telegram updates: Redis unavailable (%s); retrying", type(error).__name__)
                await asyncio.sleep(1.0)
                continue
            for entry_id, fields in entries:
                task = loop.create_task(self._one(entry_id, fields))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _claim(self, now: float, count: int) -> list[tuple[bytes, dict[bytes, bytes]]]:
        """Updates a dead consumer read and never finished, a few times a minute."""
        if now - self._claimed_at < min(5.0, max(0.2, self.claim_idle_ms / 4000)):
            return []
        self._claimed_at = now
        answer: Any = self.queue.redis.xautoclaim(STREAM, GROUP, self.name, self.claim_idle_ms,
                                             start_id="0-0", count=count)
        return [(entry_id, fields) for entry_id, fields in answer[1] if fields]

    def _read(self, count: int) -> list[tuple[bytes, dict[bytes, bytes]]]:
        answer: Any = self.queue.redis.xreadgroup(GROUP, self.name, {STREAM: ">"}, count=count,
                                                  block=self.block_ms)
        return list(answer[0][1]) if answer else []

    async def _one(self, entry_id: bytes, fields: dict[bytes, bytes]) -> None:
        try:
            raw = fields.get(b"u")
            data = json.loads(raw) if raw else None
            if isinstance(data, dict):
                await self.handle(data)
        except Exception:
            log.exception("telegram updates: handling %s failed", entry_id)
        # Acknowledged once handled, or failed (a broken update must not come back forever);
        # a handling cancelled half-way is not, and is claimed again after CLAIM_IDLE_S.
        try:
            pipe = self.queue.redis.pipeline(transaction=False)
            pipe.xack(STREAM, GROUP, entry_id)
            pipe.xdel(STREAM, entry_id)
            pipe.execute()
        except redis.RedisError:
            log.warning("telegram updates: could not acknowledge %s; handled again later", entry_id)
