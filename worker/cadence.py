"""When to ask fal again, learned from what this process saw: few status calls for long upstreams.

A status call costs the worker about 0.8 ms of CPU (issue 16: at 60 s upstream, 47 calls a
generation were 43 ms). Upstream times of one model cluster, so each process keeps, per
model, the elapsed time of the last status call that still said "not done" for its recent
generations (a lower bound of when fal finished). Once it has ``MIN_SAMPLES`` of them, a
generation is asked with gaps that double (1, 2, 4, 8 … s: an early finish is still seen)
until the window where results came (the low decile of those bounds, less a margin), then
every ``Timing.learned_interval_s`` through it, and rarer once it runs later than usual.
When upstream gets faster, the doubling polls see it and the window moves down; slower,
the in-window polls say "not done" and their bounds move it up. Without samples (a fresh
process, a model seldom used) the schedule is ``Timing.next_poll_delay``'s.
"""

from __future__ import annotations

from collections import deque

KEEP = 64
"""Recent bounds kept per model."""
MIN_SAMPLES = 8
"""Bounds needed before the learned schedule is used."""
LOW_QUANTILE = 0.1
"""The window opens at this quantile of the bounds ..."""
MARGIN_S = 1.0
"""... less this many seconds."""


class Cadence:
    """Per model: recent "not done yet" elapsed times of generations that then finished."""

    def __init__(self) -> None:
        self._bounds: dict[str, deque[float]] = {}

    def learn(self, model: str, not_done_at_s: float) -> None:
        """A generation of ``model`` was not done ``not_done_at_s`` after submit, then done
        at the next call."""
        self._bounds.setdefault(model, deque(maxlen=KEEP)).append(not_done_at_s)

    def window(self, model: str) -> tuple[float, float] | None:
        """(opens, typical) seconds after submit, or None while too little is known."""
        bounds = self._bounds.get(model)
        if bounds is None or len(bounds) < MIN_SAMPLES:
            return None
        ordered = sorted(bounds)
        low = ordered[int(LOW_QUANTILE * (len(ordered) - 1))]
        return max(0.0, low - MARGIN_S), ordered[len(ordered) // 2]
