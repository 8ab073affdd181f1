"""The worker's clock settings: leases, poll cadence, delivery retries. Values, not code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Seconds everywhere. Tests shorten the leases; production keeps the defaults."""

    submit_lease_s: float = 90.0
    """How long a submit may run before the sweep treats its worker as dead (> HTTP timeout)."""
    poll_lease_s: float = 30.0
    """How long a claimed poll or fetch may take before another sweep takes it over."""
    deliver_lease_s: float = 120.0
    """How long one delivery may run before another worker retries it."""
    first_poll_factor: float = 0.75
    """First poll at this fraction of the model's typical latency (core.models latency_s) ..."""
    first_poll_max_s: float = 1.0
    """... but never later than this many seconds after submit: upstream is often much faster
    than typical (fal finished a NanoPro picture in 4 s while the first poll waited 19 s)."""
    poll_interval_s: float = 1.0
    """Poll cadence around the expected finish: this sets the added latency (p95 ~ this)."""
    early_poll_ratio: float = 0.25
    """Before a result is likely, wait this fraction of the time already spent (1 s, 2 s, …)."""
    early_poll_max_s: float = 2.0
    """Cap of that early wait, seconds: an early finish is still seen within two seconds."""
    likely_from_factor: float = 0.5
    """From this multiple of the expected latency on, a result is likely: poll every second."""
    poll_interval_max_s: float = 3.0
    """Cap of the backoff once a generation runs well past its expected time."""
    slow_after_factor: float = 1.5
    """Past this multiple of the expected latency, polls back off towards the cap."""
    learned_interval_s: float = 0.5
    """Poll cadence inside the window where this process saw results come (worker/cadence.py)."""
    learned_early_ratio: float = 1.0
    """Before that window, wait this fraction of the time already spent (gaps double)."""
    sweep_tick_s: float = 0.25
    """How often the sweep looks for due work when it found none."""
    sweep_batch: int = 500
    """Members claimed per sweep tick."""
    sweep_concurrency: int = 256
    """Status calls in flight at once per process."""
    http_connections: int = 32
    """Connections of the worker's one HTTP pool. The sweep's status calls wait their turn for
    one: at 256 concurrent calls httpcore's pool bookkeeping was 22 % of the worker's CPU, and
    32 connections cut CPU by a quarter and added latency by a third (issue 16)."""
    submit_concurrency: int = 16
    """Submits on the wire at once per process. Half the HTTP pool: in a burst, hundreds of
    submits queued for a connection held up every status call and fetch behind them."""
    submit_retries: int = 3
    """Transient submit failures (5xx, 429, network) retried before giving up."""
    delivery_retries: int = 6
    """Transient delivery failures (Telegram 429, network) retried before giving up."""

    def first_poll_delay(self, expected_s: float) -> float:
        """Seconds from submit to the first status call for a model that typically takes
        ``expected_s``."""
        return min(expected_s * self.first_poll_factor, self.first_poll_max_s)

    def next_poll_delay(self, elapsed_s: float, expected_s: float) -> float:
        """Seconds until the next status call, ``elapsed_s`` after submit.

        Status calls are free but not weightless (CPU and Redis per call), so they are
        sparse while a result is possible but unlikely, every ``poll_interval_s`` around the
        expected finish, and back off once the generation runs late."""
        if elapsed_s < expected_s * self.likely_from_factor:
            early = max(self.poll_interval_s, elapsed_s * self.early_poll_ratio)
            return min(early, self.early_poll_max_s)
        slow_after = expected_s * self.slow_after_factor
        if elapsed_s <= slow_after:
            return self.poll_interval_s
        overdue = (elapsed_s - slow_after) / max(expected_s, 1.0)
        return min(self.poll_interval_max_s, self.poll_interval_s * (1.0 + overdue * 2))

    def learned_poll_delay(self, elapsed_s: float, opens_s: float, typical_s: float) -> float:
        """Seconds until the next status call when results have come from ``opens_s`` after
        submit (typically at ``typical_s``), as this process saw (worker/cadence.py)."""
        if elapsed_s < opens_s:
            early = max(self.poll_interval_s, elapsed_s * self.learned_early_ratio)
            return max(self.learned_interval_s, min(early, opens_s - elapsed_s))
        slow_after = typical_s * self.slow_after_factor
        if elapsed_s <= slow_after:
            return self.learned_interval_s
        overdue = (elapsed_s - slow_after) / max(typical_s, 1.0)
        return min(self.poll_interval_max_s, self.learned_interval_s * (1.0 + overdue * 4))
