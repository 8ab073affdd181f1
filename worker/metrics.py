"""Counters and latency histograms kept in Redis, shared by every process, rendered by
``/metrics`` in the Prometheus text format. Bounded label sets only (channel, intent,
model, outcome): never a person or a generation id."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

import redis
from redis.client import Pipeline

from worker.redis_conn import KEY_PREFIX

METRICS_KEY = f"{KEY_PREFIX}metrics"
LATENCY_BUCKETS = (5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0)
"""Seconds; spans the model table from nano2 (~15 s) to gpt (~150 s) and the 10-minute deadline."""
HELP = {
    "portraitbot_requests_total": ("counter", "Chat messages handled, by channel and kind (text, photo, button)."),
    "portraitbot_intents_total": ("counter", "Recognised intents of chat text, by channel and action."),
    "portraitbot_generations_total": ("counter", "Finished generations, by model and outcome."),
    "portraitbot_generation_seconds": ("histogram", "Request to delivery, by model."),
    "portraitbot_spend_usd_total": ("counter", "Money booked upstream, by model: the expected cost at submit, corrected up from the answer."),
    "portraitbot_spend_refunded_usd_total": ("counter", "Bookings given back (nothing or less was charged), by model; spent = spend - refunded."),
}
GAUGE_HELP = {
    "portraitbot_queue_depth": "Chain steps (submit, deliver) waiting for a worker.",
    "portraitbot_waiting": "Generations queued and not yet submitted upstream.",
    "portraitbot_in_flight": "Generations running upstream now.",
    "portraitbot_spend_usd_today": "Money spent upstream today (UTC day), from the cost ledger.",
    "portraitbot_budget_usd_daily": "The daily spend cap (DAILY_BUDGET_USD; 0 means none).",
    "portraitbot_workers": "Worker processes whose event loop beat within the last 10 seconds.",
}
"""Help texts of the gauges ``/metrics`` computes when asked (they are not stored)."""


def _field(name: str, labels: Mapping[str, str]) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}" if inner else name


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")[:64]


def count(client: redis.Redis | Pipeline, name: str, labels: Mapping[str, str], amount: float = 1) -> None:
    """Add to a counter (on a pipeline: queued with the caller's other writes)."""
    client.hincrbyfloat(METRICS_KEY, _field(name, labels), amount)


def observe(client: redis.Redis | Pipeline, name: str, labels: Mapping[str, str], seconds: float) -> None:
    """Record one duration in a histogram: the one bucket it falls in and the sum, two
    increments in one round trip (``render`` makes the buckets cumulative and counts them; one
    increment per bound was 14 Redis commands per delivered generation)."""
    bound = next((b for b in LATENCY_BUCKETS if seconds <= b), None)
    le = "+Inf" if bound is None else str(bound)
    batch = client if isinstance(client, Pipeline) else client.pipeline(transaction=False)
    batch.hincrbyfloat(METRICS_KEY, _field(f"{name}{HIT}", {**labels, "le": le}), 1)
    batch.hincrbyfloat(METRICS_KEY, _field(f"{name}_sum", labels), seconds)
    if batch is not client:
        batch.execute()


HIT = "_hit"
"""Stored suffix of a histogram's per-bucket (not cumulative) counts."""


def _cumulate(stored: dict[str, float]) -> dict[str, float]:
    """Per-bucket hits as Prometheus's cumulative ``_bucket`` series and ``_count``, added to
    any cumulative series an earlier version stored."""
    out = {k: v for k, v in stored.items() if HIT not in k.split("{")[0]}
    # Keyed by the name and the label text around ``le`` (kept as stored, already escaped).
    per_series: dict[tuple[str, str, str], dict[float, float]] = {}
    for series, value in stored.items():
        family, _, labels = series.partition("{")
        found = _LE.search(labels) if family.endswith(HIT) else None
        if found is None:
            continue
        start = found.start() + (1 if labels[found.start()] == "," else 0)
        before, after = labels[:start], labels[found.end():]
        bound = float("inf") if found.group(1) == "+Inf" else float(found.group(1))
        per_series.setdefault((family.removesuffix(HIT), before, after), {})[bound] = value
    for (name, before, after), hits in per_series.items():
        running = 0.0
        for bound in (*LATENCY_BUCKETS, float("inf")):
            running += hits.get(bound, 0.0)
            le = "+Inf" if bound == float("inf") else str(bound)
            series = f'{name}_bucket{{{before}le="{le}"{after}'
            out[series] = out.get(series, 0.0) + running
        rest = (before + after.lstrip(",")).rstrip("}").rstrip(",")
        count = f"{name}_count{{{rest}}}" if rest else f"{name}_count"
        out[count] = out.get(count, 0.0) + running
    return out


def render(client: redis.Redis, gauges: Mapping[str, float] | None = None) -> str:
    """Every stored metric plus the given gauges, as Prometheus exposition text."""
    stored = _cumulate({
        (k.decode() if isinstance(k, bytes) else k): float(v)
        for k, v in client.hgetall(METRICS_KEY).items()
    })
    lines: list[str] = []
    for name, (kind, text) in HELP.items():
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
        for series in sorted((k for k in stored if k.split("{")[0].startswith(name)), key=_series_order):
            lines.append(f"{series} {_number(stored[series])}")
    families: dict[str, list[str]] = {}
    for series, value in sorted((gauges or {}).items()):
        families.setdefault(series.split("{")[0], []).append(f"{series} {_number(value)}")
    for name, samples in families.items():
        # One HELP/TYPE per metric family, never per labelled series (the format requires it).
        if name in GAUGE_HELP:
            lines.append(f"# HELP {name} {GAUGE_HELP[name]}")
        lines += [f"# TYPE {name} gauge", *samples]
    return "\n".join(lines) + "\n"


_LE = re.compile(r'(?:^|,)le="([^"]*)"')


def _series_order(series: str) -> tuple[str, float]:
    """Series by name and labels, a histogram's buckets by their bound (5 before 10 before +Inf),
    not as strings ("+Inf", "10.0", "120.0", "5.0")."""
    name, _, labels = series.partition("{")
    found = _LE.search(labels)
    if found is None:
        return series, 0.0
    bound = found.group(1)
    rest = labels[: found.start()] + labels[found.end():]
    return name + "{" + rest, float("inf") if bound == "+Inf" else float(bound)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


TALLY_FLUSH_S = 0.5
"""How long a worker process adds up its counters in memory before writing them (one
HINCRBYFLOAT per series, not per generation: at 100 generations a second that was five
commands each)."""


class Tally:
    """This process's counter increments not yet written: ``(hash key, field) -> amount``.

    A generation's outcome, latency and spend were five increments each, written at once. Now
    they are added up here and written at most every ``TALLY_FLUSH_S``, all series in one
    round trip, or inside the script that closes a delivery when one is due (``take_due``), so
    at a low rate the counts are written with the step that made them. A process killed
    meanwhile loses at most that half second of counts (never money: the cost ledger is
    written by the booking scripts)."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str], float] = {}
        self._flushed_at = -TALLY_FLUSH_S
        self._lifetimes: dict[str, int] = {}
        self._given_lifetime: set[str] = set()

    def add(self, hash_key: str, name: str, amount: float, lifetime_s: int | None = None) -> None:
        """Add to a field of a hash (a daily hash gets ``lifetime_s`` with its first write)."""
        entry = (hash_key, name)
        self._pending[entry] = self._pending.get(entry, 0.0) + amount
        if lifetime_s is not None and hash_key not in self._given_lifetime:
            self._lifetimes[hash_key] = lifetime_s

    def count(self, name: str, labels: Mapping[str, str], amount: float = 1) -> None:
        self.add(METRICS_KEY, _field(name, labels), amount)

    def observe(self, name: str, labels: Mapping[str, str], seconds: float) -> None:
        bound = next((b for b in LATENCY_BUCKETS if seconds <= b), None)
        le = "+Inf" if bound is None else str(bound)
        self.add(METRICS_KEY, _field(f"{name}{HIT}", {**labels, "le": le}), 1)
        self.add(METRICS_KEY, _field(f"{name}_sum", labels), seconds)

    def due(self) -> bool:
        """Pending counts and the last write at least ``TALLY_FLUSH_S`` ago."""
        return bool(self._pending) and self.writable()

    def writable(self) -> bool:
        """The last write at least ``TALLY_FLUSH_S`` ago: counts made now are written now."""
        return time.monotonic() - self._flushed_at >= TALLY_FLUSH_S

    def take(self) -> tuple[list[tuple[str, str, float]], dict[str, int]]:
        """Everything pending (increments, lifetimes to set), forgotten here: the caller
        writes it, or gives it back with ``restore``."""
        taken = [(k, f, v) for (k, f), v in self._pending.items()]
        lifetimes = dict(self._lifetimes)
        self._pending.clear()
        self._lifetimes.clear()
        self._given_lifetime.update(lifetimes)
        self._flushed_at = time.monotonic()
        return taken, lifetimes

    def has_lifetime(self, hash_key: str) -> bool:
        return hash_key in self._given_lifetime or hash_key in self._lifetimes

    def gave_lifetime(self, hash_keys: Mapping[str, int]) -> None:
        self._given_lifetime.update(hash_keys)

    def absorb(self, other: Tally) -> None:
        """Take over another tally's pending counts."""
        for (hash_key, name), amount in other._pending.items():
            self.add(hash_key, name, amount, other._lifetimes.get(hash_key))
        other._pending.clear()
        other._lifetimes.clear()

    def restore(self, taken: list[tuple[str, str, float]], lifetimes: dict[str, int]) -> None:
        for hash_key, name, amount in taken:
            self.add(hash_key, name, amount)
        self._given_lifetime.difference_update(lifetimes)
        self._lifetimes.update(lifetimes)

    def flush(self, client: redis.Redis, *, force: bool = False) -> None:
        """Write what is pending when due (or ``force``), in one round trip."""
        if not (force and self._pending) and not self.due():
            return
        taken, lifetimes = self.take()
        pipe = client.pipeline(transaction=False)
        for hash_key, name, amount in taken:
            pipe.hincrbyfloat(hash_key, name, amount)
        for hash_key, seconds in lifetimes.items():
            pipe.expire(hash_key, seconds)
        try:
            pipe.execute()
        except redis.RedisError:
            self.restore(taken, lifetimes)  # written with the next flush
            raise
