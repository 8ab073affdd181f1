"""Credits per person, in Redis: the free trial, holds per generation, Stars grants and refunds.

Every change is one Lua script, so it is exact under concurrency and idempotent by its id:

* a **hold** (``reserve``) is keyed by generation id: holding twice holds once; ``settle``
  (delivered) and ``release`` (failed, cancelled, expired, timed out) each end it once,
  whichever comes first — a release racing a delivery cannot both pay and return;
* a **grant** is keyed by ``telegram_payment_charge_id`` (or an operator's grant id): a
  ``successful_payment`` delivered twice credits once, and one delivered again after the
  process died before crediting credits then;
* a **refund** takes a charge's credits back once (the balance may go below zero when they
  were already spent: the Stars went back).

Per person (``pb:credits:<person>``) the books always balance::

    granted + free = spent + refunded + balance + held

(``held`` is 0 once every picture has ended). Daily totals for /stats are in
``pb:credits:day:<YYYYMMDD>``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from core.chat import POOL_PREFIX
from worker.days import DAY_KEY_TTL_S, day
from worker.redis_conn import key, text

HOLD_TTL_S = 30 * 24 * 3600
"""Seconds a hold's record (and a charge's) is kept after it was made."""
CHARGE_TTL_S = 366 * 24 * 3600
"""Seconds a payment's record is kept: a refund may be asked for long after."""
STARS_SEEN = key("credits", "stars_seen")
"""How many of the bot's Stars transactions (getStarTransactions order) were read already."""
HELD = key("credits", "held")
"""Sorted set of generation ids holding credits, by when: the timeout sweep's list."""

_FREE = """
if redis.call('HSETNX', KEYS[1], 'free', ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'balance', ARGV[1])
end
"""
"""The free trial, given once per person the first time their credits are looked at."""

_RESERVE = _FREE + """
local n = (#ARGV - 3) / 2
local total = 0
for i = 1, n do
  if redis.call('EXISTS', KEYS[2 + i]) == 0 then total = total + tonumber(ARGV[3 + 2 * i]) end
end
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
if total > balance then return {0, balance} end
for i = 1, n do
  local hold = KEYS[2 + i]
  if redis.call('EXISTS', hold) == 0 then
    redis.call('HSET', hold, 'person', ARGV[2], 'credits', ARGV[3 + 2 * i], 'state', 'held', 'at', ARGV[3])
    redis.call('EXPIRE', hold, $HOLD_TTL)
    redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2 + 2 * i])
  end
end
if total > 0 then
  redis.call('HINCRBY', KEYS[1], 'balance', 0 - total)
  redis.call('HINCRBY', KEYS[1], 'held', total)
end
return {1, balance - total}
""".replace("$HOLD_TTL", str(HOLD_TTL_S))
"""Hold the credits of every generation of a request, or none: KEYS person, the held set,
one hold per generation; ARGV free, person, now, then (generation id, credits) pairs."""

_END = """
if redis.call('HGET', KEYS[1], 'state') ~= 'held' then return -1 end
local credits = tonumber(redis.call('HGET', KEYS[1], 'credits'))
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'ended', ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('HINCRBY', KEYS[2], 'held', 0 - credits)
if ARGV[1] == 'settled' then
  redis.call('HINCRBY', KEYS[2], 'spent', credits)
  redis.call('HINCRBY', KEYS[4], 'spent', credits)
else
  redis.call('HINCRBY', KEYS[2], 'balance', credits)
  redis.call('HINCRBY', KEYS[4], 'returned', credits)
end
redis.call('EXPIRE', KEYS[4], $DAY_TTL)
return credits
""".replace("$DAY_TTL", str(DAY_KEY_TTL_S))
"""End a hold once: ``settled`` (delivered, spent) or ``released`` (back to the balance)."""

_GRANT = _FREE + """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'person', ARGV[2], 'credits', ARGV[3], 'stars', ARGV[4],
  'state', 'granted', 'at', ARGV[5], 'payer', ARGV[6], 'pack', ARGV[7])
redis.call('EXPIRE', KEYS[2], $CHARGE_TTL)
redis.call('HINCRBY', KEYS[1], 'granted', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'balance', ARGV[3])
if tonumber(ARGV[4]) > 0 then
  redis.call('HINCRBY', KEYS[3], 'stars', ARGV[4])
  redis.call('HINCRBY', KEYS[3], 'sold', ARGV[3])
else
  redis.call('HINCRBY', KEYS[3], 'given', ARGV[3])
end
redis.call('EXPIRE', KEYS[3], $DAY_TTL)
return 1
""".replace("$CHARGE_TTL", str(CHARGE_TTL_S)).replace("$DAY_TTL", str(DAY_KEY_TTL_S))
"""Credit a charge (or an operator's grant) once: KEYS person, charge, day."""

_REFUND = """
if redis.call('HGET', KEYS[1], 'state') ~= 'granted' then return -1 end
local credits = tonumber(redis.call('HGET', KEYS[1], 'credits'))
local stars = tonumber(redis.call('HGET', KEYS[1], 'stars') or '0')
local pkey = KEYS[3]
redis.call('HSET', KEYS[1], 'state', 'refunded', 'refunded_at', ARGV[2])
redis.call('HINCRBY', pkey, 'refunded', credits)
redis.call('HINCRBY', pkey, 'balance', 0 - credits)
redis.call('HINCRBY', KEYS[2], 'refunded', credits)
redis.call('HINCRBY', KEYS[2], 'stars_refunded', stars)
redis.call('EXPIRE', KEYS[2], $DAY_TTL)
return credits
""".replace("$DAY_TTL", str(DAY_KEY_TTL_S))
"""Take a granted charge's credits back once (a Stars refund)."""

_RESTORE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'refunded' then return -1 end
local credits = tonumber(redis.call('HGET', KEYS[1], 'credits'))
local stars = tonumber(redis.call('HGET', KEYS[1], 'stars') or '0')
local pkey = KEYS[3]
redis.call('HSET', KEYS[1], 'state', 'granted')
redis.call('HINCRBY', pkey, 'refunded', 0 - credits)
redis.call('HINCRBY', pkey, 'balance', credits)
redis.call('HINCRBY', KEYS[2], 'refunded', 0 - credits)
redis.call('HINCRBY', KEYS[2], 'stars_refunded', 0 - stars)
return credits
"""
"""Undo ``refund`` when Telegram refused to send the Stars back."""


def account_key(person_id: str) -> str:
    return key("credits", person_id)


def hold_key(gen_id: str) -> str:
    return key("credits", "hold", gen_id)


def charge_key(charge_id: str) -> str:
    return key("credits", "charge", charge_id)


def day_key(on: str | None = None) -> str:
    return key("credits", "day", on or day())


@dataclass(frozen=True)
class Account:
    """One person's credits (``held``: reserved by pictures still being made)."""

    balance: int
    held: int
    free: int
    granted: int
    spent: int
    refunded: int


@dataclass(frozen=True)
class Charge:
    """A grant: who, how many credits, for how many Stars, and whether it was refunded."""

    charge_id: str
    person_id: str
    credits: int
    stars: int
    state: str
    payer: str
    """The Telegram user id who paid (refundStarPayment needs it)."""


class Credits:
    """The credits ledger. ``free`` is FREE_CREDITS, given once per person."""

    def __init__(self, redis_client: redis.Redis, free: int = 0) -> None:
        self.redis = redis_client
        self.free = free
        self._free = redis_client.register_script(_FREE)
        self._reserve = redis_client.register_script(_RESERVE)
        self._end = redis_client.register_script(_END)
        self._grant = redis_client.register_script(_GRANT)
        self._refund = redis_client.register_script(_REFUND)
        self._restore = redis_client.register_script(_RESTORE)

    def account(self, person_id: str) -> Account:
        """The person's credits now (their free trial is given on first look)."""
        self._free(keys=[account_key(person_id)], args=[self._free_of(person_id)])
        raw = {text(k): int(v) for k, v in self.redis.hgetall(account_key(person_id)).items()}
        return Account(raw.get("balance", 0), raw.get("held", 0), raw.get("free", 0),
                       raw.get("granted", 0), raw.get("spent", 0), raw.get("refunded", 0))

    def _free_of(self, person_id: str) -> int:
        """The free trial is a person's; a group's pool starts with what operators grant."""
        _, _, user = person_id.partition(":")
        return 0 if user.startswith(POOL_PREFIX) else self.free

    def balance(self, person_id: str) -> int:
        return self.account(person_id).balance

    def has_grants(self, person_id: str) -> bool:
        """Was the person ever given or sold credits (beyond the free trial)?"""
        return int(self.redis.hget(account_key(person_id), "granted") or 0) > 0

    def reserve(self, person_id: str, holds: list[tuple[str, int]], at: float | None = None) -> tuple[bool, int]:
        """Hold each generation's credits, all or none: (held, balance left or the balance that
        was short). A generation already holding is not held again."""
        args: list[str | int | float] = [self._free_of(person_id), person_id, time.time() if at is None else at]
        for gen_id, credits in holds:
            args += [gen_id, int(credits)]
        held, balance = self._reserve(
            keys=[account_key(person_id), HELD, *(hold_key(g) for g, _ in holds)], args=args)
        return bool(held), int(balance)

    def settle(self, gen_id: str) -> int:
        """The picture reached the person: its held credits are spent (once). How many."""
        return self._finish(gen_id, "settled")

    def release(self, gen_id: str) -> int:
        """Nothing reached the person: its held credits go back (once). How many came back."""
        return self._finish(gen_id, "released")

    def _finish(self, gen_id: str, state: str) -> int:
        person = self.redis.hget(hold_key(gen_id), "person")
        if person is None:
            return 0
        ended = int(self._end(
            keys=[hold_key(gen_id), account_key(text(person)), HELD, day_key()],
            args=[state, gen_id, time.time()]))
        return max(0, ended)

    def held_credits(self, gen_id: str) -> int:
        """Credits the generation holds now (0 when it holds none or ended)."""
        credits, state = self.redis.hmget(hold_key(gen_id), ["credits", "state"])
        return int(credits or 0) if state and text(state) == "held" else 0

    def returned(self, gen_id: str) -> int:
        """Credits the generation held and gave back (0 when it held none or was delivered)."""
        credits, state = self.redis.hmget(hold_key(gen_id), ["credits", "state"])
        return int(credits or 0) if state and text(state) == "released" else 0

    def stale_holds(self, older_than_s: float, at: float | None = None, limit: int = 500) -> list[str]:
        """Generations holding credits longer than ``older_than_s`` (the sweep releases the
        ones whose picture ended without reaching the person)."""
        until = (time.time() if at is None else at) - older_than_s
        found = self.redis.zrangebyscore(HELD, "-inf", until, start=0, num=limit)
        return [text(g) for g in found if isinstance(g, bytes | str)]

    def end_stale(self, older_than_s: float, at: float | None = None) -> int:
        """Holds older than any generation lives: spend those whose picture was delivered,
        return those that failed, were cancelled or whose record is gone (forgotten,
        expired). The sweep's safety net for a process that died between a generation's end
        and its settling; how many holds ended."""
        from worker.records import GenState, gen_key

        ended = 0
        for gen_id in self.stale_holds(older_than_s, at):
            raw = self.redis.hget(gen_key(gen_id), "state")
            state = text(raw) if raw is not None else None
            if state == GenState.delivered:
                ended += bool(self.settle(gen_id))
            elif state in (None, GenState.failed, GenState.cancelled, GenState.expired):
                ended += bool(self.release(gen_id))
        return ended

    def grant(self, person_id: str, charge_id: str, credits: int, *, stars: int = 0,
              payer: str = "", pack: str = "") -> bool:
        """Credit a payment (or an operator's grant) once per ``charge_id``; True the first time."""
        return bool(self._grant(
            keys=[account_key(person_id), charge_key(charge_id), day_key()],
            args=[self._free_of(person_id), person_id, int(credits), int(stars), time.time(), payer, pack]))

    def stars_seen(self) -> int:
        return int(self.redis.get(STARS_SEEN) or 0)

    def saw_stars(self, count: int) -> None:
        """Remember that the first ``count`` Stars transactions were read (grants are by
        charge id, so two processes reading the same page credit it once)."""
        self.redis.set(STARS_SEEN, count)

    def charge(self, charge_id: str) -> Charge | None:
        raw = {text(k): text(v) for k, v in self.redis.hgetall(charge_key(charge_id)).items()}
        if not raw:
            return None
        return Charge(charge_id, raw["person"], int(raw["credits"]), int(raw.get("stars") or 0),
                      raw["state"], raw.get("payer", ""))

    def refund(self, charge_id: str) -> int:
        """Take a charge's credits back, once: how many (0 when unknown or already refunded)."""
        person = self.redis.hget(charge_key(charge_id), "person")
        if person is None:
            return 0
        taken = int(self._refund(keys=[charge_key(charge_id), day_key(), account_key(text(person))],
                                 args=["", time.time()]))
        return max(0, taken)

    def restore(self, charge_id: str) -> int:
        """Undo a ``refund`` whose Stars could not be sent back."""
        person = self.redis.hget(charge_key(charge_id), "person")
        if person is None:
            return 0
        return max(0, int(self._restore(keys=[charge_key(charge_id), day_key(), account_key(text(person))])))

    def day_totals(self, on: str | None = None) -> dict[str, int]:
        """The day's Stars and credits: stars, sold, given, spent, returned, refunded, stars_refunded."""
        return {text(k): int(v) for k, v in self.redis.hgetall(day_key(on)).items()}
