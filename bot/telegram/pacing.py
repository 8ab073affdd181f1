"""Pace sends into a group under Telegram's limit (about 20 messages a minute per group), shared
by every process through Redis, so ten people asking at once get everything without a 429.

Two books per group. ``reserved``: each message about to be sent holds a slot, the earliest
moment after every earlier slot (first come, first served) at which the group's window holds
fewer than ``limit`` messages. ``sent``: each message Telegram has accepted, at the moment the
answer came back (so at or after Telegram counted it). Just before sending, the caller
``confirm``s: the messages sent in the last window plus every other slot already due (in flight,
or about to be) must leave room. That check is what makes the pace hold however late an upload
starts or how long it takes: a slot only says when to try.

A slot is named: a delivery rescheduled to wait for its slot finds the one it already holds.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis import Redis

from worker.redis_conn import KEY_PREFIX

RESERVED_KEY = KEY_PREFIX + "telegram:pace:{chat_id}:reserved"
"""Redis sorted set: slot name -> the time it may be sent."""
SENT_KEY = KEY_PREFIX + "telegram:pace:{chat_id}:sent"
"""Redis sorted set: slot name -> when Telegram accepted it."""
STALE_S = 30.0
"""Seconds after its time a slot nobody confirmed or finished stops counting (a crashed sender)."""
POLL_S = 0.1
"""Seconds between confirmations while the group is full."""

RESERVE = """
local reserved, sent = KEYS[1], KEYS[2]
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', sent, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', reserved, '-inf', now - tonumber(ARGV[5]))
local held = redis.call('ZSCORE', reserved, ARGV[4])
if held then return tostring(held) end
local times = {}
for _, key in ipairs({reserved, sent}) do
  local flat = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  for i = 2, #flat, 2 do times[#times + 1] = tonumber(flat[i]) end
end
table.sort(times)
local count = #times
local names = #ARGV - 5
local at = now
if count > 0 and times[count] > at then at = times[count] end
local over = count + names - limit
if over > 0 and times[over] + window > at then at = times[over] + window end
for i = 6, #ARGV do redis.call('ZADD', reserved, at, ARGV[i]) end
local ttl = math.ceil((at - now + window + tonumber(ARGV[5])) * 1000)
redis.call('PEXPIRE', reserved, ttl)
return tostring(at)
"""

CONFIRM = """
local reserved, sent = KEYS[1], KEYS[2]
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', sent, '-inf', now - window)
local mine = {}
for i = 5, #ARGV do mine[ARGV[i]] = true end
local count = redis.call('ZCARD', sent)
local due = redis.call('ZRANGEBYSCORE', reserved, now - tonumber(ARGV[4]), now)
for _, name in ipairs(due) do
  if not mine[name] then count = count + 1 end
end
if count + (#ARGV - 4) <= limit then return '0' end
local oldest = redis.call('ZRANGE', sent, 0, 0, 'WITHSCORES')
if #oldest == 2 then return tostring(tonumber(oldest[2]) + window - now) end
return '-1'
"""

FINISH = """
local reserved, sent = KEYS[1], KEYS[2]
local now, window, ok = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
for i = 4, #ARGV do
  redis.call('ZREM', reserved, ARGV[i])
  if ok then redis.call('ZADD', sent, now, ARGV[i]) end
end
if ok then redis.call('PEXPIRE', sent, math.ceil(window * 1000) + 1000) end
return 1
"""


@dataclass(frozen=True)
class Slot:
    """Messages (one per picture of an album) about to go into one group."""

    chat_id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class GroupPacer:
    """Paces sends into groups; private chats are never paced (their limit is higher)."""

    redis: Redis
    limit: int
    window_s: float

    def _keys(self, chat_id: int) -> tuple[str, str]:
        return RESERVED_KEY.format(chat_id=chat_id), SENT_KEY.format(chat_id=chat_id)

    def _now(self) -> float:
        seconds, micros = self.redis.time()
        return float(seconds) + float(micros) / 1e6

    def reserve(self, chat_id: int, count: int = 1, name: str | None = None) -> tuple[Slot, float]:
        """Hold ``count`` slots (an album counts each picture); seconds until they are due.
        ``name`` makes the slot findable again (a rescheduled delivery)."""
        base = name or uuid.uuid4().hex
        names: Sequence[str] = tuple(f"{base}:{i}" for i in range(max(1, count)))
        now = self._now()
        at = float(self.redis.eval(RESERVE, 2, *self._keys(chat_id), now, self.window_s, self.limit,
                                   names[0], STALE_S, *names))
        return Slot(chat_id, tuple(names)), max(0.0, at - now)

    def confirm(self, slot: Slot) -> float:
        """0 when the slot's messages may go now; else seconds to wait before asking again."""
        wait = float(self.redis.eval(CONFIRM, 2, *self._keys(slot.chat_id), self._now(), self.window_s,
                                     self.limit, STALE_S, *slot.names))
        return 0.0 if wait == 0 else max(POLL_S, wait) if wait > 0 else POLL_S

    def finish(self, slot: Slot, *, sent: bool) -> None:
        """The call is over: accepted messages count in the window from now, a failed one frees
        its slot."""
        self.redis.eval(FINISH, 2, *self._keys(slot.chat_id), self._now(), self.window_s,
                        "1" if sent else "0", *slot.names)

    async def until_free(self, slot: Slot, delay: float, give_up_after: float | None) -> float:
        """Wait ``delay``, then until ``confirm`` lets the slot go; returns 0, or the seconds
        still to wait when that would pass ``give_up_after``."""
        deadline = None if give_up_after is None else time.monotonic() + give_up_after
        while True:
            if deadline is not None and time.monotonic() + delay > deadline:
                return max(delay, POLL_S)
            if delay > 0:
                await asyncio.sleep(delay)
            delay = await asyncio.to_thread(self.confirm, slot)
            if delay == 0:
                return 0.0


class PaceLater(Exception):
    """The group's slot is further off than the caller may wait: come back in ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"group send slot in {seconds:.1f} s")
        self.seconds = seconds


@asynccontextmanager
async def paced(pacer: GroupPacer | None, chat_id: int, count: int, name: str | None,
                give_up_after: float | None) -> AsyncIterator[None]:
    """Send inside this block: it starts when the group has room and records what was sent.
    Raises PaceLater (the slot kept for ``name``) when that is more than ``give_up_after`` away."""
    if pacer is None or chat_id > 0:
        yield
        return
    slot, delay = await asyncio.to_thread(pacer.reserve, chat_id, count, name)
    remaining = await pacer.until_free(slot, delay, give_up_after)
    if remaining:
        raise PaceLater(remaining)
    sent = False
    try:
        yield
        sent = True
    finally:
        await asyncio.to_thread(pacer.finish, slot, sent=sent)
