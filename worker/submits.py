"""Leases of the submits a process has on the wire: renewed while it lives, taken only when it died.

fal charges at submit and its answer is the only way to learn the request's id, so a submit
the sweep gives up on while it is still on the wire (its answer merely slow, or waiting out
the provider's retry backoff) is a request fal charged for and nobody can fetch: the
generation fails as ``submit_lost`` (the money race of issue 16). A fixed lease longer than
any submit cannot be promised (retries, a slow proxy), so the lease says "its process is
alive" instead: the process renews ``lease_until`` of every submit it has in flight every
third of a lease (one script call for all of them), and another process may take a submit
over only when ``lease_until`` passed, checked in the same script that takes it
(``take_over``): a live process's submit is never taken, however long it takes.
"""

from __future__ import annotations

import time

import redis

from worker.records import DUE, gen_key, gen_member

_RENEW = """
local n = 0
for i = 1, #KEYS do
  local current = redis.call('HMGET', KEYS[i], 'state', 'token')
  if current[1] == 'submitting' and current[2] == ARGV[2 + i] then
    redis.call('HSET', KEYS[i], 'lease_until', ARGV[1])
    redis.call('ZADD', ARGV[2], 'XX', ARGV[1], ARGV[2 + #KEYS + i])
    n = n + 1
  end
end
return n
"""
"""For each in-flight submit still ours (state and token): push ``lease_until`` and its due
score ahead. ARGV: lease end, the due key, the tokens, then the due members (key order)."""

_TAKE_OVER = """
local current = redis.call('HMGET', KEYS[1], 'state', 'token', 'lease_until',
                           'submit_started_at', 'submit_sent_at')
if current[1] ~= 'submitting' or current[2] ~= ARGV[1] then return 0 end
local lease_until = tonumber(current[3] or '')
if not lease_until then
  local started = math.max(tonumber(current[4] or '') or 0, tonumber(current[5] or '') or 0)
  lease_until = started + tonumber(ARGV[4])
end
if lease_until > tonumber(ARGV[3]) then return {tostring(lease_until)} end
redis.call('HSET', KEYS[1], 'token', ARGV[2])
return 1
"""
"""Take a submit over (a new token) only when its lease ran out; else answer when it ends.
Records written before ``lease_until`` existed count from when the submit started."""


class SubmitLeases:
    """This process's submits on the wire: gen id -> token."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._renewed_at = time.monotonic()
        self._renew_script: object | None = None

    def __len__(self) -> int:
        return len(self._tokens)

    def hold(self, gen_id: str, token: str) -> None:
        self._tokens[gen_id] = token

    def let_go(self, gen_id: str) -> None:
        self._tokens.pop(gen_id, None)

    def renew(self, client: redis.Redis, lease_s: float, *, force: bool = False) -> int:
        """Every third of a lease: push the lease of every submit still on the wire."""
        current = time.monotonic()
        if not force and current - self._renewed_at < lease_s / 3:
            return 0
        self._renewed_at = current
        if not self._tokens:
            return 0
        ids = list(self._tokens)
        script = client.register_script(_RENEW)
        return int(script(keys=[gen_key(gen_id) for gen_id in ids],
                          args=[repr(time.time() + lease_s), DUE,
                                *(self._tokens[gen_id] for gen_id in ids),
                                *(gen_member(gen_id) for gen_id in ids)]))


def take_over(client: redis.Redis, gen_id: str, token: str, new_token: str, lease_s: float
              ) -> bool | float:
    """Take a dead process's submit: True when taken (the record's token is now ``new_token``),
    or the time its lease ends (its process is alive, or may be), False when not ours to take."""
    result = client.register_script(_TAKE_OVER)(
        keys=[gen_key(gen_id)], args=[token, new_token, repr(time.time()), lease_s])
    if isinstance(result, list):
        return float(result[0].decode() if isinstance(result[0], bytes) else result[0])
    return bool(result)
