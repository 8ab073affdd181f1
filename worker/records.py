"""Generation and group records in Redis, and their atomic state transitions.

A generation (``pb:gen:<id>``, a hash) is one request to one model; a group
(``pb:grp:<id>``) is what the person asked for at once — one generation, or the items of a
series or batch — and is delivered as one message. Every step of the chain changes state
only through ``transition`` (a Lua compare-and-set), so when two workers run the same step,
exactly one of them acts. Records hold paths, never image bytes.

Generation states::

    queued -> submitting -> submitted -> running -> fetching -> delivering -> delivered
        \\          \\             \\_________\\__________\\____ failed / cancelled
         expired    (sync providers go submitting -> fetching, holding their images)

``pb:due`` is a sorted set of ``gen:<id>`` / ``grp:<id>`` scored by when the sweep must look
at them next: the next poll, or the end of a step's lease (a crashed worker's step is
picked up again when its lease runs out).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import redis

from worker.redis_conn import key, text

log = logging.getLogger(__name__)
T = TypeVar("T")

REDIS_OUTAGE_S = 60.0
"""How long a must-not-lose write keeps retrying while Redis restarts."""
REDIS_RETRY_S = 0.2
"""Seconds between those retries."""



class GenState(StrEnum):
    """A generation's state (the ``state`` field of ``pb:gen:<id>``). Members are their own
    strings, so ``record.state == GenState.queued`` and ``"queued" in ACTIVE`` both hold."""

    queued = "queued"
    submitting = "submitting"
    submitted = "submitted"
    running = "running"
    fetching = "fetching"
    delivering = "delivering"
    delivered = "delivered"
    failed = "failed"
    cancelled = "cancelled"
    expired = "expired"


class GroupState(StrEnum):
    """A group's state (``pb:grp:<id>``): what the person asked for at once."""

    active = "active"
    ready = "ready"
    sending = "sending"
    delivered = "delivered"
    failed = "failed"
    cancelled = "cancelled"


FINISHED = frozenset({GenState.delivering, GenState.delivered, GenState.failed, GenState.cancelled,
                      GenState.expired})
"""A generation in one of these states has nothing more to do upstream."""
ACTIVE = frozenset({GenState.queued, GenState.submitting, GenState.submitted, GenState.running,
                    GenState.fetching})
"""A generation in one of these states may still cost money or need a step."""
RECORD_TTL_S = 30 * 24 * 3600
"""Seconds a record is kept at most (history, /retry, stats), then Redis drops it."""


def record_ttl_s(retention_days: float) -> int:
    """A record's lifetime: ``RETENTION_DAYS`` (at most 30 days; 0 means the 30 days), so an
    operator who keeps pictures a day does not keep 3 keys and ~4 KB per generation a month."""
    if retention_days <= 0:
        return RECORD_TTL_S
    return max(3600, min(RECORD_TTL_S, int(retention_days * 86400)))


DUE = key("due")
WAITING = key("waiting")
"""Sorted set of queued generation ids by enqueue time: the queue position."""

_TRANSITION = """
local current = redis.call('HMGET', KEYS[1], 'state', 'token')
local state = current[1]
if not state then return 0 end
local n_from = tonumber(ARGV[3])
local ok = false
for i = 1, n_from do if ARGV[3 + i] == state then ok = true end end
if not ok then return 0 end
local i = 4 + n_from
if ARGV[i] ~= '' and current[2] ~= ARGV[i] then return 0 end
if i < #ARGV then redis.call('HSET', KEYS[1], unpack(ARGV, i + 1, #ARGV)) end
if ARGV[2] == '-' then redis.call('ZREM', KEYS[2], ARGV[1])
elseif ARGV[2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
return 1
"""
"""One read (state and token) and one write (every field) per transition: a Lua call's inner
commands are Redis commands too (an HSET per field made a step cost a dozen)."""

_CLAIM_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then
  local pairs = {}
  for n, member in ipairs(due) do pairs[2 * n - 1] = ARGV[3]; pairs[2 * n] = member end
  redis.call('ZADD', KEYS[1], unpack(pairs))
end
return due
"""
"""Claim due members and push them a lease ahead with one ZADD (not one per member)."""


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def gen_member(gen_id: str) -> str:
    return f"gen:{gen_id}"


def group_member(group_id: str) -> str:
    return f"grp:{group_id}"


def gen_key(gen_id: str) -> str:
    return key("gen", gen_id)


def group_key(group_id: str) -> str:
    return key("grp", group_id)


def encode(value: Any) -> str:
    """A field value: JSON for structures, plain text for strings and numbers."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Record:
    """A decoded hash (generation or group), read at one moment."""

    id: str
    fields: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def state(self) -> str:
        return self["state"]

    def number(self, name: str, default: float = 0.0) -> float:
        value = self.fields.get(name)
        return float(value) if value not in (None, "") else default

    def json(self, name: str, default: Any = None) -> Any:
        value = self.fields.get(name)
        return json.loads(value) if value else default

    def references(self) -> list[str]:
        """The reference photos' paths, best first: the person's set (``references``), or the one
        ``reference`` of a record from before sets; empty for a text-only request."""
        paths = self.json("references", [])
        if paths:
            return [str(p) for p in paths]
        return [self["reference"]] if self["reference"] else []


class Records:
    """Reads and atomic writes of generation and group records."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self.redis = redis_client
        self._transition = redis_client.register_script(_TRANSITION)
        self._claim = redis_client.register_script(_CLAIM_DUE)

    def _load(self, record_key: str, record_id: str) -> Record | None:
        raw = self.redis.hgetall(record_key)
        if not raw:
            return None
        return Record(record_id, {text(k): text(v) for k, v in raw.items()})

    def gen(self, gen_id: str) -> Record | None:
        return self._load(gen_key(gen_id), gen_id)

    def group(self, group_id: str) -> Record | None:
        return self._load(group_key(group_id), group_id)

    def gens_of(self, group: Record) -> list[Record]:
        """The group's generations, in the order they were asked for (one round trip)."""
        ids = list(group.json("gens", []))
        if len(ids) == 1:
            found = self.gen(ids[0])
            return [found] if found is not None else []
        pipe = self.redis.pipeline(transaction=False)
        for gen_id in ids:
            pipe.hgetall(gen_key(gen_id))
        return [Record(gen_id, {text(k): text(v) for k, v in raw.items()})
                for gen_id, raw in zip(ids, pipe.execute(), strict=True) if raw]

    def fields(self, record_key: str, record_id: str, names: tuple[str, ...]) -> Record | None:
        """Some fields of a record (one HMGET): a poll needs five of a record's thirty."""
        values = self.redis.hmget(record_key, list(names))
        if values[0] is None:
            return None
        return Record(record_id, {n: text(v) for n, v in zip(names, values, strict=True) if v is not None})

    def transition(
        self,
        record_key: str,
        from_states: tuple[str, ...] | frozenset[str],
        to_state: str | None,
        *,
        expect_token: str = "",
        due: tuple[str, float | None] | None = None,
        **fields: Any,
    ) -> bool:
        """Compare-and-set: when the state is one of ``from_states`` (and the record's ``token``
        is ``expect_token``, if given), write ``fields`` (and ``state``) and move the due entry.

        ``due`` is ``(member, score)``; a ``None`` score removes the member.
        """
        if to_state is not None:
            fields["state"] = to_state
        member, score = due if due else ("", "")
        score_arg = "-" if due and score is None else ("" if not due else repr(score))
        args: list[Any] = [member, score_arg, len(from_states), *from_states, expect_token]
        for name, value in fields.items():
            args += [name, encode(value)]
        return bool(self._transition(keys=[record_key, DUE], args=args))

    def claim_due(self, now: float, limit: int, lease_s: float) -> list[str]:
        """Take up to ``limit`` due members, pushing each one's score ``lease_s`` ahead."""
        members = self._claim(keys=[DUE], args=[now, limit, now + lease_s])
        return [text(m) for m in members]

    def set_due(self, member: str, when: float) -> None:
        self.redis.zadd(DUE, {member: when})

    def clear_due(self, member: str) -> None:
        self.redis.zrem(DUE, member)


def now() -> float:
    return time.time()


async def persist(write: Callable[[], T]) -> T:
    """Run a Redis write that must not be lost, retrying through a Redis restart.

    Used where the fact only exists in this process's memory: the provider's handle (fal has
    charged for it) and "the chat has the pictures".
    """
    deadline = time.monotonic() + REDIS_OUTAGE_S
    while True:
        try:
            return write()
        except (redis.ConnectionError, redis.TimeoutError):
            if time.monotonic() > deadline:
                raise
            log.warning("Redis unavailable; retrying a write that must not be lost")
            await asyncio.sleep(REDIS_RETRY_S)
