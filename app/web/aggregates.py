"""Bounded rolling aggregates behind the dashboard's charts and health panel.

Everything here is fed from the Kafka topics themselves (see ``stream_tail``), so with several
workers each dashboard shows the whole stream. Memory is bounded by construction: fixed-size
rings, and time buckets pruned to the history window.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict, deque
from typing import Any

from app.web.alert_store import SEVERITY_LEVELS, dyad_label
from schemas import DeadLetter, EscalationAlert

BUCKET_S = 600  # the activity chart's resolution: 10 minutes
HISTORY_BUCKETS = 36  # 6 hours of 10-minute buckets
MAX_KEYS_PER_BUCKET = 200  # more distinct countries/dyads than this in 10 minutes go to "other"
TOP_SERIES = 6  # series drawn per chart; the rest is summed into "other"


def bucket_of(timestamp: float) -> int:
    """Start (epoch seconds) of the 10-minute bucket holding ``timestamp``."""
    return int(timestamp // BUCKET_S) * BUCKET_S


class SeenIds:
    """A bounded set of recently seen ids, so a redelivered message is not counted twice."""

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, item_id: str) -> bool:
        """True the first time an id is offered (within the last ``capacity`` ids)."""
        if item_id in self._ids:
            return False
        self._ids[item_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True


class BucketedCounter:
    """Weighted counts per key in 10-minute buckets over the history window."""

    def __init__(self) -> None:
        self._buckets: dict[int, dict[str, float]] = {}

    def add(self, timestamp: float, key: str, weight: float = 1.0) -> None:
        """Add ``weight`` to ``key`` in the bucket of ``timestamp``; prune old buckets."""
        start = bucket_of(timestamp)
        counter = self._buckets.get(start)
        if counter is None:
            counter = self._buckets[start] = {}
            self._prune()  # only a new bucket can push an old one out of the window
        if key not in counter and len(counter) >= MAX_KEYS_PER_BUCKET:
            key = "other"
        counter[key] = counter.get(key, 0.0) + weight

    def _prune(self) -> None:
        oldest = max(self._buckets) - (HISTORY_BUCKETS - 1) * BUCKET_S
        for stale in [b for b in self._buckets if b < oldest]:
            del self._buckets[stale]

    def totals(self, since: float) -> dict[str, float]:
        """Summed weights per key over the buckets from ``since``'s bucket on, largest first."""
        total: dict[str, float] = {}
        for start, counter in self._buckets.items():
            if start >= bucket_of(since):
                for key, weight in counter.items():
                    total[key] = total.get(key, 0.0) + weight
        return dict(sorted(total.items(), key=lambda item: (-item[1], item[0])))

    def series(self, now: float, top: int = TOP_SERIES) -> dict[str, Any]:
        """The ``top`` heaviest keys as per-bucket series over the window, rest as "other"."""
        last = bucket_of(now)
        starts = [last - i * BUCKET_S for i in range(HISTORY_BUCKETS - 1, -1, -1)]
        leaders = [key for key in self.totals(starts[0]) if key != "other"]
        shown = leaders[:top]
        series: dict[str, list[float]] = {key: [] for key in shown}
        other: list[float] = []
        for start in starts:
            counter = self._buckets.get(start, {})
            for key in shown:
                series[key].append(round(counter.get(key, 0.0), 2))
            other.append(round(sum(v for k, v in counter.items() if k not in shown), 2))
        if any(other):
            series["other"] = other
        return {"bucket_seconds": BUCKET_S, "starts": starts, "series": series}


class AlertActivity:
    """Escalation activity: alerts weighted by severity, per country and per dyad."""

    def __init__(self) -> None:
        self.countries = BucketedCounter()
        self.dyads = BucketedCounter()
        self.levels = BucketedCounter()
        self._seen = SeenIds()

    def add(self, alert: EscalationAlert) -> None:
        """Count an alert once, at its detection time."""
        if not self._seen.first_time(alert.alert_id):
            return
        when = alert.detected_at.timestamp()
        for code in sorted(set(alert.actors)):
            self.countries.add(when, code, alert.severity)
        dyad = dyad_label(alert)
        if dyad:
            self.dyads.add(when, dyad, alert.severity)
        self.levels.add(when, alert.severity_level)

    def severity_counts(self, now: float) -> dict[str, int]:
        """Alerts per severity level over the history window."""
        totals = self.levels.totals(now - (HISTORY_BUCKETS - 1) * BUCKET_S)
        return {level: int(totals.get(level, 0)) for level in SEVERITY_LEVELS}


class TopicMix:
    """Which IPTC topics the tagged stream carries, per 10-minute bucket."""

    def __init__(self, min_score: float = 0.5) -> None:
        self.min_score = min_score
        self.labels = BucketedCounter()
        self._seen = SeenIds()

    def add(self, article_id: str, topics: list[dict[str, Any]], timestamp: float) -> None:
        """Count each confident topic of an article once (untagged articles count too)."""
        if not self._seen.first_time(article_id):
            return
        labels = [
            str(t.get("label")) for t in topics if float(t.get("score", 0.0)) >= self.min_score
        ]
        for label in labels or ["(no topic)"]:
            self.labels.add(timestamp, label)

    def recent(self, now: float, minutes: int = 60) -> list[dict[str, Any]]:
        """Topic counts over the last ``minutes``, largest first."""
        totals = self.labels.totals(now - minutes * 60)
        return [{"label": k, "count": int(v)} for k, v in totals.items()]


class LatencyWindow:
    """End-to-end latency (ingest -> alert) of the most recent alerts."""

    def __init__(self, capacity: int = 2000) -> None:
        self._samples: deque[float] = deque(maxlen=capacity)

    def add(self, alert: EscalationAlert) -> None:
        """Record one alert's ingest-to-detection time."""
        seconds = (alert.detected_at - alert.ingested_at).total_seconds()
        self._samples.append(max(seconds, 0.0))

    def summary(self) -> dict[str, float | int | None]:
        """p50 and p99 in seconds (nearest rank), and how many samples they rest on."""
        ordered = sorted(self._samples)
        return {
            "count": len(ordered),
            "p50_s": _nearest_rank(ordered, 0.50),
            "p99_s": _nearest_rank(ordered, 0.99),
        }


def _nearest_rank(ordered: list[float], quantile: float) -> float | None:
    if not ordered:
        return None
    return ordered[max(math.ceil(quantile * len(ordered)) - 1, 0)]


class DeadLetterLog:
    """The last dead letters (without their payloads) and their timestamps, for rates."""

    def __init__(self, capacity: int = 50, rate_capacity: int = 20_000) -> None:
        self._recent: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._times: deque[tuple[float, str]] = deque(maxlen=rate_capacity)

    def add(self, letter: DeadLetter, timestamp: float) -> None:
        """Remember a dead letter; ``timestamp`` is when it reached the DLQ topic."""
        self._recent.append(
            {
                "stage": letter.stage,
                "error_type": letter.error_type,
                "reason": letter.reason[:300],
                "source": f"{letter.source_topic}/{letter.source_partition}@{letter.source_offset}",
                "failed_at": letter.failed_at.isoformat(),
                "preview": letter.payload_preview[:160],
            }
        )
        self._times.append((timestamp, letter.stage))

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest dead letters first."""
        return list(reversed(self._recent))[:limit]

    def rate_per_stage(self, now: float, window_s: float) -> dict[str, float]:
        """Dead letters per second per stage over the last ``window_s`` seconds."""
        counts: Counter[str] = Counter(
            stage for when, stage in self._times if now - window_s <= when <= now + 1
        )
        return {stage: counts[stage] / window_s for stage in ("validate", "tag", "detect")}
