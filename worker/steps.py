"""One Lua script per step of the chain: a step's state changes in one round trip.

A submit was a compare-and-set, a queue-line removal, a booking script, a progress mark and a
read of the group (five round trips, 13 commands) before the request left, and a
compare-and-set, a settle script and three more writes (10 commands) after its answer. Each is
one script now (``start_submit``, ``submitted``), as is the end of a one-picture generation:
``finished`` moves it to ``delivering`` and, when it was its group's last item, claims the
group's delivery in the same call, returning the group. The guarantees are the old ones: each
script is a compare-and-set on the record's state and token, and the booking keeps its rules
(``worker/ledger.py``: check and booking in one step, a resubmit keeps its unsettled booking).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from worker.days import DAY_KEY_TTL_S, day
from worker.ledger import cost_key
from worker.metrics import Tally
from worker.records import DUE, WAITING, Record, gen_key, gen_member, group_key, group_member
from worker.redis_conn import text

_START_SUBMIT = """
local r = redis.call('HMGET', KEYS[1], 'state', 'booked_usd', 'settled_usd', 'pool')
if r[1] ~= 'queued' then return {-1, 0, false} end
local fields = {'state', 'submitting', 'token', ARGV[3], 'attempts', ARGV[4],
                'submit_started_at', ARGV[5], 'lease_until', ARGV[2], 'submit_sent_at', ARGV[6]}
local booked = 1
if ARGV[7] == '1' and not (r[2] and not r[3]) then
  local budget = tonumber(ARGV[8])
  local amount = tonumber(ARGV[9])
  if budget > 0 then
    local spent = tonumber(redis.call('HGET', KEYS[4], 'total') or '0')
    if spent + amount > budget + 1e-9 then return {0, 0, false} end
  end
  local pool = r[4]
  local pool_budget = tonumber(ARGV[13])
  if pool and pool ~= '' and pool_budget > 0 then
    local pool_spent = tonumber(redis.call('HGET', KEYS[4], 'pool:' .. pool) or '0')
    if pool_spent + amount > pool_budget + 1e-9 then return {0, 0, false} end
  end
  if pool and pool ~= '' then redis.call('HINCRBYFLOAT', KEYS[4], 'pool:' .. pool, amount) end
  local total = tonumber(redis.call('HINCRBYFLOAT', KEYS[4], 'total', amount))
  redis.call('HINCRBYFLOAT', KEYS[4], 'model:' .. ARGV[10], amount)
  if total == amount then redis.call('EXPIRE', KEYS[4], ARGV[11]) end
  fields[#fields + 1] = 'booked_usd'; fields[#fields + 1] = ARGV[9]
  fields[#fields + 1] = 'booked_day'; fields[#fields + 1] = ARGV[12]
  if r[3] then redis.call('HDEL', KEYS[1], 'settled_usd') end
  booked = 2
end
redis.call('HSET', KEYS[1], unpack(fields))
if ARGV[16] == '1' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
redis.call('ZREM', KEYS[3], ARGV[14])
local ack = false
if ARGV[15] == 'first' or (ARGV[15] == 'once' and redis.call('HSETNX', KEYS[5], 'shown_generating', 1) == 1) then
  ack = redis.call('HGET', KEYS[5], 'ack') or ''
end
return {booked, 0, ack}
"""
"""queued -> submitting under a new token, the booking (paid models), ``submit_sent_at``, the
lease, out of the waiting line, and the group's "generating" mark (with its acknowledgement's
id when this is the first): {-1 not ours | 0 over the cap (nothing written) | 1 an earlier
booking kept | 2 booked now, 0, ack or false}. KEYS gen, due, waiting, the day's cost hash,
group. ARGV member, lease end, token, attempts, started, sent at, paid (1/0), budget, amount,
model, day TTL, day, pool budget, gen id, how "generating" is shown ('first': this is the
group's only item's first submit, show it; 'never': its later attempt, shown already; 'once':
several items, the first to submit shows it, marked on the group), whether the lease is the
due entry's score too (1/0: not when the sweep's fresh claim leases it)."""

_SUBMITTED = """
local r = redis.call('HMGET', KEYS[1], 'state', 'token', 'booked_usd', 'settled_usd', 'booked_day', 'pool')
if r[1] ~= 'submitting' or r[2] ~= ARGV[1] then return {0, false, 0, 0} end
local fields = {'state', ARGV[2], 'handle', ARGV[5], 'submitted_at', ARGV[6], 'cost_usd', ARGV[7], 'polls', '0'}
local delta = false
local settle_later = 0
if r[3] and not r[4] and (not r[5] or r[5] == ARGV[9]) then
  local change = tonumber(ARGV[7]) - tonumber(r[3])
  if change ~= 0 then
    redis.call('HINCRBYFLOAT', KEYS[3], 'total', change)
    redis.call('HINCRBYFLOAT', KEYS[3], 'model:' .. ARGV[8], change)
    if r[6] and r[6] ~= '' then redis.call('HINCRBYFLOAT', KEYS[3], 'pool:' .. r[6], change) end
  end
  fields[#fields + 1] = 'settled_usd'; fields[#fields + 1] = ARGV[7]
  delta = tostring(change)
elseif (r[3] and not r[4]) or (not r[3] and tonumber(ARGV[7]) ~= 0) then
  settle_later = 1
end
redis.call('HSET', KEYS[1], unpack(fields))
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3]) end
local woke = 0
if #KEYS >= 5 then
  redis.call('SET', KEYS[4], ARGV[10], 'EX', ARGV[11])
  woke = redis.call('DEL', KEYS[5])
end
return {1, delta, settle_later, woke}
"""
"""submitting -> submitted (or fetching) with the handle, the booking settled to the answer's
cost, and (with fal's webhook) the request id's mapping: {1 written | 0 not ours,
the settled change or false, 1 when the booking must be settled apart (another day's, or none),
1 when fal's webhook came before this answer}. KEYS gen, due, the day's cost hash,
[request key, early-wake key]. ARGV token, state, member, due (empty: left as it is), handle, submitted at, cost,
model, day, gen id, [request key TTL]."""

_FINISHED = """
local r = redis.call('HMGET', KEYS[1], 'state', 'token')
if not r[1] then return false end
local ok = false
for i = 1, tonumber(ARGV[3]) do if ARGV[3 + i] == r[1] then ok = true end end
if not ok then return false end
local at = 4 + tonumber(ARGV[3])
if ARGV[at] ~= '' and r[2] ~= ARGV[at] then return false end
redis.call('HSET', KEYS[1], unpack(ARGV, at + 3, #ARGV))
redis.call('ZREM', KEYS[2], 'gen:' .. ARGV[1])
local group = redis.call('HGETALL', KEYS[3])
if #group == 0 then return {0} end
local state, gens = '', ''
for i = 1, #group, 2 do
  if group[i] == 'state' then state = group[i + 1] elseif group[i] == 'gens' then gens = group[i + 1] end
end
if state ~= 'active' or gens ~= '["' .. ARGV[1] .. '"]' then return {0, group} end
redis.call('HSET', KEYS[3], 'state', 'sending', 'token', ARGV[at + 1], 'shown_sending', '1')
redis.call('ZADD', KEYS[2], ARGV[at + 2], 'grp:' .. ARGV[2])
return {1, group}
"""
"""The generation's move to ``delivering`` (a compare-and-set on its state and token, its due
entry gone) and, when it is its group's only item and the group is still
active, the group's ``active -> sending`` under a new token with its delivery lease: false
(not ours), {0} (no group), {0, group} (the group is not this script's to send: several items,
or ended), {1, group} (claimed; the group as it was before). KEYS gen, due, group.
ARGV gen id, group id, n, the from states, expected token, group token, group lease end, the fields to write."""


_CLOSE = """
local r = redis.call('HMGET', KEYS[1], 'state', 'token')
if r[1] ~= 'sending' or r[2] ~= ARGV[1] then return 0 end
local n_fields = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 5, 4 + 2 * n_fields))
redis.call('ZREM', KEYS[2], ARGV[2])
local at = 5 + 2 * n_fields
local n_items = tonumber(ARGV[at])
for i = 1, n_items do
  redis.call('HSET', KEYS[3 + i], 'state', ARGV[3], 'delivered_at', ARGV[at + i])
end
redis.call('SREM', KEYS[3], string.sub(ARGV[2], 5))
at = at + n_items + 1
local n_counts = tonumber(ARGV[at])
for i = 0, n_counts - 1 do
  redis.call('HINCRBYFLOAT', ARGV[at + 1 + 3 * i], ARGV[at + 2 + 3 * i], ARGV[at + 3 + 3 * i])
end
at = at + 1 + 3 * n_counts
for i = at, #ARGV, 2 do redis.call('EXPIRE', ARGV[i], ARGV[i + 1]) end
return 1
"""
"""A delivery's end: the group ``sending -> state`` (its token), its due entry gone, its items
that were delivering marked delivered (or failed), its person's active slot free, and the
process's pending counters (``worker/metrics.py: Tally``) when due. KEYS group, due, the
person's active set, the items. ARGV token, group member, item state, n fields, the fields,
n items, their delivered_at, n counts, (key, field, amount)…, then (key, lifetime)…"""


def generating_note(record: Record, attempts: int) -> str:
    """Whose submit shows "Generating…" (``_START_SUBMIT``'s last argument): a group of one
    item needs no mark on the group (two commands), its first attempt simply shows it."""
    if record["items"] != "1":
        return "once"  # several items, or a record from before ``items``
    return "first" if attempts == 1 else "never"


@dataclass(frozen=True)
class Started:
    """What ``start_submit`` answered."""

    outcome: int
    """-1 not ours, 0 over the cap, 1 an earlier booking kept, 2 booked now."""
    ack: str | None
    """The group's acknowledgement id when this submit is the group's first (show "generating")."""


@dataclass(frozen=True)
class Submitted:
    written: bool
    change_usd: float | None
    """What settling changed the booking by (None: settled apart, or nothing booked)."""
    settle_apart: bool
    woke: bool


class Steps:
    """The chain's one-round-trip steps on one Redis client."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client
        self._start = client.register_script(_START_SUBMIT)
        self._submitted = client.register_script(_SUBMITTED)
        self._finished = client.register_script(_FINISHED)
        self._close = client.register_script(_CLOSE)

    def start_submit(self, record: Record, token: str, attempts: int, started: float,
                     lease_until: float, sent_at: float, *, paid: bool, amount_usd: float,
                     budget_usd: float, pool_budget_usd: float, set_due: bool = True) -> Started:
        today = day()
        outcome, _, ack = self._start(
            keys=[gen_key(record.id), DUE, WAITING, cost_key(today), group_key(record["group"])],
            args=[gen_member(record.id), repr(lease_until), token, attempts, repr(started),
                  repr(sent_at), "1" if paid else "0", budget_usd, repr(amount_usd), record["model"],
                  DAY_KEY_TTL_S, today, pool_budget_usd, record.id, generating_note(record, attempts),
                  "1" if set_due else "0"])
        return Started(int(outcome), None if ack is None else text(ack))

    def submitted(self, gen_id: str, token: str, state: str, due: float | None, handle: str,
                  submitted_at: float, cost_usd: float, model: str, request_key: str | None,
                  early_wake_key: str | None, request_ttl_s: int) -> Submitted:
        today = day()
        keys = [gen_key(gen_id), DUE, cost_key(today)]
        args: list[str | int | float] = [token, state, gen_member(gen_id),
                                         "" if due is None else repr(due), handle,
                                         repr(submitted_at), repr(cost_usd), model, today, gen_id]
        if request_key is not None and early_wake_key is not None:
            keys += [request_key, early_wake_key]
            args.append(request_ttl_s)
        written, change, apart, woke = self._submitted(keys=keys, args=args)
        return Submitted(bool(written), float(text(change)) if change else None, bool(apart), bool(woke))

    def finished(self, record: Record, from_states: tuple[str, ...], expect_token: str,
                 group_token: str, group_lease_until: float, fields: dict[str, str]
                 ) -> tuple[bool, Record | None, bool]:
        """(moved to delivering, the group as it was, this call claimed its delivery)."""
        group_id = record["group"]
        args: list[str | int] = [record.id, group_id, len(from_states), *from_states, expect_token,
                                 group_token, repr(group_lease_until)]
        for name, value in fields.items():
            args += [name, value]
        answer = self._finished(keys=[gen_key(record.id), DUE, group_key(group_id)],
                                args=args)
        if not answer:
            return False, None, False
        if len(answer) < 2:
            return True, None, False
        raw = answer[1]
        group = Record(group_id, {text(raw[i]): text(raw[i + 1]) for i in range(0, len(raw), 2)})
        return True, group, bool(answer[0])


    def close(self, group: Record, token: str, state: str, item_state: str, items: list[str],
              active_key: str, fields: dict[str, str], at: float, tally: Tally, mine: Tally) -> bool:
        """End a delivery in one round trip. ``mine``: this delivery's counters, written with
        it together with everything pending in ``tally`` when that is due, else left pending."""
        fields = {"state": state, **fields}
        due = tally.writable()
        pending, lifetimes = tally.take() if due else ([], {})
        own, own_lifetimes = mine.take() if due else ([], {})
        own_lifetimes = {k: v for k, v in own_lifetimes.items() if not tally.has_lifetime(k)}
        args: list[str | int | float] = [token, group_member(group.id), item_state, len(fields)]
        for name, value in fields.items():
            args += [name, value]
        args += [len(items), *(repr(at) for _ in items), len(pending) + len(own)]
        for hash_key, name, amount in (*pending, *own):
            args += [hash_key, name, repr(amount)]
        for hash_key, seconds in {**lifetimes, **own_lifetimes}.items():
            args += [hash_key, seconds]
        try:
            closed = bool(self._close(keys=[group_key(group.id), DUE, active_key,
                                            *(gen_key(i) for i in items)], args=args))
        except redis.RedisError:
            tally.restore(pending, lifetimes)
            raise
        if due and not closed:
            tally.restore(pending, lifetimes)  # the others' counts; this delivery lost its claim
        elif due:
            tally.gave_lifetime(own_lifetimes)
        elif closed:
            tally.absorb(mine)  # written with the next flush
        return closed
