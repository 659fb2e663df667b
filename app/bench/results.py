"""Result records of the phases, as plain dataclasses that turn into the JSON report."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Throughput:
    """A drained backlog: how many inputs, what came out, how fast, at what CPU cost."""

    articles: int
    completed: int
    tagged: int
    dead_letters: int
    alerts: int
    duplicates: int
    """Outputs beyond the first per input: redeliveries after a rebalance (at-least-once)."""
    per_s: float
    window_s: float
    cpu_ms_per_article: float | None
    processes: int = 1
    partitions: int = 0
    runs_per_s: list[float] | None = None
    """Every repeat's rate when this figure is a median of several drains."""
    capped: bool = False
    """True when the drain ended at the time cap with part of the backlog still unread."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class LatencyAtLoad:
    """End-to-end latency while articles were offered at a fixed rate."""

    offered_per_s: float
    achieved_per_s: float
    sent: int
    completed: int
    to_tagged_ms: dict[str, float]
    delivered_ms: dict[str, float]
    to_alert_ms: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass(frozen=True)
class Soak:
    """RSS of the warmed-up worker before and after a long stream of articles."""

    articles: int
    completed: int
    tagged: int
    dead_letters: int
    alerts: int
    rss_before_mb: float
    rss_after_mb: float
    rss_max_mb: float
    per_s: float

    @property
    def growth_pct(self) -> float:
        """RSS growth over the soak, in percent of the RSS before it."""
        return (self.rss_after_mb - self.rss_before_mb) / self.rss_before_mb * 100

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        fields = {k: round(v, 1) if isinstance(v, float) else v for k, v in asdict(self).items()}
        return {**fields, "growth_pct": round(self.growth_pct, 2)}
