"""Daily counters in Redis: the cost ledger, per-person quota, outcome and latency stats.

Days are UTC days (``YYYYMMDD``); quotas reset at UTC midnight. The quota check and the
reservation happen in one Lua script, so two messages arriving together cannot both slip
under a limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from worker import metrics
from worker.credits import Credits
from worker.days import DAY_KEY_TTL_S, day  # noqa: F401  (day: re-exported, callers import it from here)
from worker.records import gen_key
from worker.redis_conn import key, text

_RESERVE = """
local active = redis.call('SCARD', KEYS[1])
if active >= tonumber(ARGV[1]) then return {'quota.active_limit', active, 0} end
local images = tonumber(ARGV[4])
local estimate = tonumber(ARGV[6])
local limit = tonumber(ARGV[2])
local address_limit = tonumber(ARGV[8])
local used = tonumber(redis.call('INCRBY', KEYS[2], images)) - images
if used == 0 then redis.call('EXPIRE', KEYS[2], ARGV[7]) end
local address_used = 0
if address_limit > 0 then
  address_used = tonumber(redis.call('INCRBY', KEYS[4], images)) - images
  if address_used == 0 then redis.call('EXPIRE', KEYS[4], ARGV[7]) end
end
local refused = false
if limit > 0 and used + images > limit then refused = 'quota.daily_limit'
elseif address_limit > 0 and address_used + images > address_limit then refused = 'quota.address_limit'
else
  local budget = tonumber(ARGV[5])
  if budget > 0 and tonumber(redis.call('HGET', KEYS[3], 'total') or '0') + estimate > budget then
    refused = 'quota.budget_exhausted'
  end
  local pool_budget = tonumber(ARGV[10])
  if not refused and ARGV[9] ~= '' and pool_budget > 0 then
    local pool_spent = tonumber(redis.call('HGET', KEYS[3], 'pool:' .. ARGV[9]) or '0')
    if pool_spent + estimate > pool_budget then refused = 'quota.budget_exhausted' end
  end
end
if refused then
  redis.call('DECRBY', KEYS[2], images)
  if address_limit > 0 then redis.call('DECRBY', KEYS[4], images) end
  return {refused, used, address_used}
end
redis.call('SADD', KEYS[1], ARGV[3])
return {'', used, address_used}
"""
"""Check every limit and reserve in one step. KEYS: the person's active set, their daily count,
the day's cost hash, the client address's daily count (the web chat). A pool (``web``) has its
own share of the budget, ``pool:<name>`` in the cost hash. A daily count gets its lifetime when
this reservation made it (its value is then just these images), not at every reservation. The
counts are added first and taken back on a refusal (one command less than a read and an add
when it is granted, one more when refused; nobody sees the difference inside the script)."""


# Booking a generation's expected cost before its submit is part of the submit's own script
# (worker/steps.py: _START_SUBMIT): check against the cap and booking in one step.

_SETTLE = """
local r = redis.call('HMGET', KEYS[2], 'booked_usd', 'settled_usd', 'booked_day', 'pool')
if not r[1] or r[2] then return nil end
if r[3] and r[3] ~= ARGV[3] then return {'day', r[3]} end
local delta = tonumber(ARGV[1]) - tonumber(r[1])
if delta ~= 0 then
  redis.call('HINCRBYFLOAT', KEYS[1], 'total', delta)
  redis.call('HINCRBYFLOAT', KEYS[1], 'model:' .. ARGV[2], delta)
  if r[4] and r[4] ~= '' then redis.call('HINCRBYFLOAT', KEYS[1], 'pool:' .. r[4], delta) end
end
redis.call('HSET', KEYS[2], 'settled_usd', ARGV[1])
return tostring(delta)
"""
"""Correct a booking to what was really charged (0: nothing was), once. KEYS[1] is the cost
hash of the day ARGV[3] the caller expects the booking on; a booking of another day (a submit
that waited past midnight) answers that day, and the caller asks again with its hash."""


_GIVE_BACK = """
local images = tonumber(redis.call('HGET', KEYS[1], 'quota_images') or '0')
if images <= 0 or redis.call('HSETNX', KEYS[1], 'quota_returned', '1') == 0 then return 0 end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
local back = math.min(images, used)
if back > 0 then redis.call('DECRBY', KEYS[2], back) end
if #KEYS >= 3 then
  local address_back = math.min(images, tonumber(redis.call('GET', KEYS[3]) or '0'))
  if address_back > 0 then redis.call('DECRBY', KEYS[3], address_back) end
end
return back
"""
"""Give a generation's images back to its person's quota of the day it was reserved, once:
the flag and the decrement are one step, so a failure racing a cancel returns it only once."""


def seconds_to_reset(at: float | None = None) -> float:
    """Seconds until the next UTC midnight, when daily quotas reset."""
    current = time.time() if at is None else at
    return 86400.0 - (current % 86400.0)


def hours_to_reset(at: float | None = None) -> int:
    """Whole hours (rounded up, at least 1) until the quotas reset, for messages."""
    return max(1, int(-(-seconds_to_reset(at) // 3600)))


def active_key(person_id: str) -> str:
    return key("active", person_id)


def daily_key(person_id: str, on: str | None = None) -> str:
    return key("daily", on or day(), person_id)


def address_key(client: str, on: str | None = None) -> str:
    """The web chat's images per client address and day (``ChatTarget.client``)."""
    return key("daily", on or day(), "addr", client)


def cost_key(on: str | None = None) -> str:
    return key("cost", on or day())


def stats_key(on: str | None = None) -> str:
    return key("stats", on or day())


@dataclass(frozen=True)
class Limits:
    max_active: int
    daily_limit: int
    daily_budget_usd: float
    address_limit: int = 0
    """Images per client address and day (the web chat); 0: none."""
    pool_budget_usd: float = 0.0
    """The share of the budget the request's pool may spend (the web chat's); 0: no share."""


class Ledger:
    """Quota reservations, spend and outcomes."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self.redis = redis_client
        self._reserve = redis_client.register_script(_RESERVE)
        self._settle = redis_client.register_script(_SETTLE)
        self._give_back = redis_client.register_script(_GIVE_BACK)

    def reserve(
        self, person_id: str, group_id: str, images: int, estimate_usd: float, limits: Limits,
        on: str | None = None, *, client: str = "", pool: str = "",
    ) -> tuple[str | None, int, bool]:
        """Reserve an active slot and ``images`` of the day's quota (the person's, and the client
        address's when ``client`` is given): (the refusal's message id or None, images the person
        may still start that day under the limits that apply, whether this is the person's first
        reservation that day)."""
        address_limit = limits.address_limit if client else 0
        daily = daily_key(person_id, on)
        refused, used, address_used = self._reserve(
            keys=[active_key(person_id), daily, cost_key(on),
                  address_key(client, on) if client else daily],
            args=[
                limits.max_active, limits.daily_limit, group_id, images,
                limits.daily_budget_usd, estimate_usd, DAY_KEY_TTL_S,
                address_limit, pool, limits.pool_budget_usd if pool else 0,
            ],
        )
        lefts = [limit - int(count) for limit, count in
                 ((limits.daily_limit, used), (address_limit, address_used)) if limit > 0]
        return text(refused) or None, max(0, min(lefts)) if lefts else 0, int(used) == 0

    def give_back(self, gen_id: str) -> int:
        """The generation failed, expired or was cancelled: its images count no more against
        the person's daily quota, and its held credits go back (once, whatever ends it). How
        many images came back."""
        Credits(self.redis).release(gen_id)  # and its credits, when it was paid in credits
        person, on, client = self.redis.hmget(gen_key(gen_id), ["person_id", "quota_day", "quota_client"])
        if not person or not on:
            return 0
        keys = [gen_key(gen_id), daily_key(text(person), text(on))]
        if client:
            keys.append(address_key(text(client), text(on)))
        return int(self._give_back(keys=keys))

    def release(self, person_id: str, group_id: str) -> None:
        """The group finished: its active slot is free again."""
        self.redis.srem(active_key(person_id), group_id)

    def active(self, person_id: str) -> int:
        return int(self.redis.scard(active_key(person_id)))

    def used_today(self, person_id: str) -> int:
        return int(self.redis.get(daily_key(person_id)) or 0)

    def spent_today(self) -> float:
        return float(self.redis.hget(cost_key(), "total") or 0.0)

    def record_cost(self, model: str, usd: float) -> None:
        """Spend happens at submit (fal pre-charges), so it is booked there."""
        with self.redis.pipeline() as pipe:
            pipe.hincrbyfloat(cost_key(), "total", usd)
            pipe.hincrbyfloat(cost_key(), f"model:{model}", usd)
            pipe.expire(cost_key(), DAY_KEY_TTL_S)
            pipe.execute()
        metrics.count(self.redis, "portraitbot_spend_usd_total", {"model": model}, usd)

    def settle(self, gen_id: str, model: str, usd: float) -> None:
        """The submit's answer says what was charged (0 when nothing was): correct the booking.

        A booking nobody settles (the worker died mid-submit, the answer was unreadable) stays
        at the expected cost, so the cap and /metrics never count less than fal charged."""
        on = day()
        delta = self._settle(keys=[cost_key(on), gen_key(gen_id)], args=[usd, model, on])
        if isinstance(delta, list):
            on = text(delta[1]) if delta[1] else ""
            if not on:
                if usd:
                    self.record_cost(model, usd)  # booked nothing (a free model's price changed)
                return
            delta = self._settle(keys=[cost_key(on), gen_key(gen_id)], args=[usd, model, on])
        if delta is None:
            if usd and not self.redis.hexists(gen_key(gen_id), "booked_usd"):
                self.record_cost(model, usd)  # booked nothing (a free model's price changed)
            return
        change = float(text(delta))
        if change > 0:
            metrics.count(self.redis, "portraitbot_spend_usd_total", {"model": model}, change)
        elif change < 0:
            metrics.count(self.redis, "portraitbot_spend_refunded_usd_total", {"model": model}, -change)

    def refund(self, gen_id: str, model: str) -> None:
        """Nothing was charged (refused, expired or cancelled before it left): free the booking."""
        self.settle(gen_id, model, 0.0)

    def record_outcome(self, model: str, outcome: str, latency_s: float | None = None) -> None:
        """Count one finished generation by model and outcome (and its latency when delivered):
        the daily /stats hash and the never-reset /metrics counters in one round trip."""
        stats = stats_key()
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(stats, f"{model}:{outcome}", 1)
        if latency_s is not None:
            pipe.hincrbyfloat(stats, f"{model}:latency_sum", latency_s)
        metrics.count(pipe, "portraitbot_generations_total", {"model": model, "outcome": outcome})
        if latency_s is not None:
            metrics.observe(pipe, "portraitbot_generation_seconds", {"model": model}, latency_s)
        if pipe.execute()[0] == 1:
            # The day's first of this model and outcome may have made the hash: give it its
            # lifetime (every later count would only repeat that).
            self.redis.expire(stats, DAY_KEY_TTL_S)

    @staticmethod
    def tally_outcome(tally: metrics.Tally, model: str, outcome: str, latency_s: float | None = None) -> None:
        """``record_outcome``'s counts, added to a worker process's tally (written in bulk)."""
        stats = stats_key()
        tally.add(stats, f"{model}:{outcome}", 1, DAY_KEY_TTL_S)
        if latency_s is not None:
            tally.add(stats, f"{model}:latency_sum", latency_s, DAY_KEY_TTL_S)
        tally.count("portraitbot_generations_total", {"model": model, "outcome": outcome})
        if latency_s is not None:
            tally.observe("portraitbot_generation_seconds", {"model": model}, latency_s)

    def today(self) -> tuple[dict[str, float], dict[str, float]]:
        """(costs, stats) of today as plain dicts."""
        costs = {text(k): float(v) for k, v in self.redis.hgetall(cost_key()).items()}
        stats = {text(k): float(v) for k, v in self.redis.hgetall(stats_key()).items()}
        return costs, stats
