"""Small statistics: percentiles of latencies."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by the nearest-rank method; NaN for no values."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(q / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def latency_summary(seconds: Iterable[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds, rounded to 0.1 ms."""
    values = sorted(s * 1000 for s in seconds)
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(values[-1], 1) if values else math.nan,
        "samples": len(values),
    }
