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
    """First poll at this fraction of the model's typical latency (core.models latency_s)."""
    poll_interval_s: float = 1.0
    """Poll cadence around the expected finish: this sets the added latency (p95 ~ this)."""
    poll_interval_max_s: float = 3.0
    """Cap of the backoff once a generation runs well past its expected time."""
    slow_after_factor: float = 1.5
    """Past this multiple of the expected latency, polls back off towards the cap."""
    sweep_tick_s: float = 0.25
    """How often the sweep looks for due work when it found none."""
    sweep_batch: int = 500
    """Members claimed per sweep tick."""
    sweep_concurrency: int = 256
    """Status calls in flight at once per process."""
    submit_retries: int = 3
    """Transient submit failures (5xx, 429, network) retried before giving up."""
    delivery_retries: int = 6
    """Transient delivery failures (Telegram 429, network) retried before giving up."""
    group_backstop_s: float = 60.0
    """Extra seconds past queue TTL + deadline after which the sweep re-checks a group."""

    def next_poll_delay(self, elapsed_s: float, expected_s: float) -> float:
        """Seconds until the next status call, ``elapsed_s`` after submit."""
        slow_after = expected_s * self.slow_after_factor
        if elapsed_s <= slow_after:
            return self.poll_interval_s
        overdue = (elapsed_s - slow_after) / max(expected_s, 1.0)
        return min(self.poll_interval_max_s, self.poll_interval_s * (1.0 + overdue * 2))
