"""Worker liveness for ``/healthz``: each worker process refreshes a short-lived key from its
event loop (where polls and deliveries run), so a worker that was SIGKILLed or whose loop is
stuck drops out within seconds. RQ's own registration would count a killed worker as alive
for its ``worker_ttl`` (eight minutes by default)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading

import redis

from worker.redis_conn import KEY_PREFIX

ALIVE_PREFIX = f"{KEY_PREFIX}alive:"
ALIVE_TTL_S = 10
"""Seconds a worker counts as alive after its last beat: a dead one leaves /healthz this fast."""
BEAT_EVERY_S = 2.0
"""Seconds between beats; several beats fit in the TTL, so a slow Redis call does not flap."""
STOP_CHECK_S = 0.1
"""Seconds between looks at the stop flag while waiting for the next beat."""

log = logging.getLogger(__name__)


def beacon_key(name: str | None = None) -> str:
    """This process's key (host and pid, unless a worker name is given)."""
    return ALIVE_PREFIX + (name or f"{socket.gethostname()}:{os.getpid()}")


async def beat(client: redis.Redis, stop: threading.Event, name: str | None = None) -> None:
    """Refresh the key until ``stop`` is set, then remove it (a clean stop is seen at once)."""
    key = beacon_key(name)
    while not stop.is_set():
        try:
            client.set(key, "1", ex=ALIVE_TTL_S)
        except redis.RedisError as error:
            log.warning("alive: Redis unavailable (%s)", type(error).__name__)
        slept = 0.0
        while slept < BEAT_EVERY_S and not stop.is_set():  # short naps: stop is seen quickly
            await asyncio.sleep(STOP_CHECK_S)
            slept += STOP_CHECK_S
    with contextlib.suppress(redis.RedisError):
        client.delete(key)


def alive(client: redis.Redis) -> int:
    """How many worker processes beat within the last ``ALIVE_TTL_S`` seconds."""
    return sum(1 for _ in client.scan_iter(match=f"{ALIVE_PREFIX}*", count=1000))
