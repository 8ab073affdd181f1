"""How long until a person's running generations are done, for a passive-only account.

An account that cannot push answers "好了吗" with the time left instead of a generic reply.
The person's generations are the ``gen:`` members of their record set (``worker.queue``);
at most MAX_LOOKED_AT of them are looked at.
"""

from __future__ import annotations

import math

import redis

from core.settings import Settings
from worker.queue import GenerationQueue, person_key
from worker.redis_conn import text

RUNNING_STATES = frozenset({"queued", "submitting", "submitted", "running"})
MAX_LOOKED_AT = 20


class Running:
    """``remaining(person_id)`` -> whole seconds until the last running one is done, or None."""

    def __init__(self, redis_client: redis.Redis, settings: Settings) -> None:
        self.redis = redis_client
        self.queue = GenerationQueue(redis_client, settings)

    def remaining(self, person_id: str) -> int | None:
        members = [text(m) for m in self.redis.smembers(person_key(person_id))]  # type: ignore[union-attr]
        ids = [m.partition(":")[2] for m in members if m.startswith("gen:")][:MAX_LOOKED_AT]
        etas = [p.eta_s for p in map(self.queue.progress, ids) if p.state in RUNNING_STATES]
        return max(1, math.ceil(max(etas))) if etas else None
