"""Worker liveness for ``/healthz``: each worker process refreshes a short-lived key from its
event loop (where polls and deliveries run), so a worker that was SIGKILLed or whose loop is
stuck drops out within seconds. RQ's own registration would count a killed worker as alive
for its ``worker_ttl`` (eight minutes by default).

The beats are one sorted set (member: the process, score: its last beat), so ``/healthz``
counts live workers with one ``ZCOUNT`` whatever the size of the keyspace; a ``SCAN`` over
per-worker keys took 1.6 s at a million keys and stalled every request meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

import redis

from worker.redis_conn import KEY_PREFIX, text

ALIVE_KEY = f"{KEY_PREFIX}alive"
"""Sorted set: worker process name -> time of its last beat (Unix seconds)."""
IN_FLIGHT_KEY = f"{KEY_PREFIX}inflight"
"""Hash: worker process name -> its generations accepted upstream, written with each beat
(/stats "in flight"). A set of ids with an add at submit and a remove at the end cost two
commands per generation for a number read once a minute."""
ALIVE_TTL_S = 10
"""Seconds a worker counts as alive after its last beat: a dead one leaves /healthz this fast."""
BEAT_EVERY_S = 2.0
"""Seconds between beats; several beats fit in the TTL, so a slow Redis call does not flap."""
STOP_CHECK_S = 0.1
"""Seconds between looks at the stop flag while waiting for the next beat."""

log = logging.getLogger(__name__)


def beacon_name(name: str | None = None) -> str:
    """This process's member (host and pid, unless a worker name is given)."""
    return name or f"{socket.gethostname()}:{os.getpid()}"


async def beat(client: redis.Redis, stop: threading.Event, name: str | None = None,
               upstream: Callable[[], int] | None = None) -> None:
    """Refresh the beat until ``stop`` is set, then remove it (a clean stop is seen at once);
    with ``upstream``, how many generations this process has upstream goes with each beat."""
    member = beacon_name(name)
    while not stop.is_set():
        try:
            pipe = client.pipeline(transaction=False)
            pipe.zadd(ALIVE_KEY, {member: time.time()})
            # Dead workers' beats are dropped by whoever beats next: the set stays small.
            pipe.zremrangebyscore(ALIVE_KEY, "-inf", time.time() - ALIVE_TTL_S)
            pipe.expire(ALIVE_KEY, ALIVE_TTL_S * 6)
            if upstream is not None:
                pipe.hset(IN_FLIGHT_KEY, member, upstream())
            pipe.execute()
        except redis.RedisError as error:
            log.warning("alive: Redis unavailable (%s)", type(error).__name__)
        slept = 0.0
        while slept < BEAT_EVERY_S and not stop.is_set():  # short naps: stop is seen quickly
            await asyncio.sleep(STOP_CHECK_S)
            slept += STOP_CHECK_S
    with contextlib.suppress(redis.RedisError):
        client.zrem(ALIVE_KEY, member)
        client.hdel(IN_FLIGHT_KEY, member)


def alive(client: redis.Redis) -> int:
    """How many worker processes beat within the last ``ALIVE_TTL_S`` seconds (one ZCOUNT)."""
    return int(client.zcount(ALIVE_KEY, time.time() - ALIVE_TTL_S, "+inf"))


def in_flight(client: redis.Redis) -> int:
    """Generations accepted upstream, as the live worker processes last told (within a beat);
    the counts of processes that died are dropped here."""
    counts = {text(k): int(v) for k, v in client.hgetall(IN_FLIGHT_KEY).items()}
    if not counts:
        return 0
    members = list(counts)
    beats = client.zmscore(ALIVE_KEY, members)
    oldest = time.time() - ALIVE_TTL_S
    gone = [m for m, at in zip(members, beats, strict=True) if at is None or at < oldest]
    if gone:
        client.hdel(IN_FLIGHT_KEY, *gone)
    return sum(n for m, n in counts.items() if m not in gone)
