"""The UTC day the daily counters (quota, costs, credits) are kept under."""

from __future__ import annotations

import time

DAY_KEY_TTL_S = 8 * 24 * 3600
"""Daily counters are kept a week (for /stats), then expire."""


def day(at: float | None = None) -> str:
    """The UTC day of ``at`` as ``YYYYMMDD``."""
    return time.strftime("%Y%m%d", time.gmtime(time.time() if at is None else at))
