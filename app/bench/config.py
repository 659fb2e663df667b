"""What one benchmark run measures, and how much of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

# The 2016 news stream beside the repository (never committed: it is dataset text).
DEFAULT_DATASET = (
    Path(__file__).resolve().parents[2].parent / "shared/data/articles/news_stream_2016H1.jsonl"
)


@dataclass(frozen=True)
class BenchConfig:
    """Sizes of each phase. The defaults are the full run behind docs/benchmarks.md."""

    articles: int = 100_000
    """Backlog read by every throughput drain; a drain ends when all of it is out ..."""
    drain_seconds: float = 60.0
    """... or this long after the consumer was ready, whichever comes first."""
    rounds: int = 3
    """Interleaved rounds of the four throughput drains (passthrough, I/O baseline, Faust
    floor, pipeline); each figure is the median over the rounds, with its spread."""
    loads: tuple[float, ...] = (100.0, 200.0, 500.0, 1_000.0, 1_500.0, 2_000.0)
    """Offered loads (articles/s) for the latency phase, lowest first."""
    load_seconds: float = 15.0
    """How long each offered load is held."""
    soak_articles: int = 100_000
    """Articles pushed through the warmed-up worker while its RSS is sampled (0 skips)."""
    scale_workers: int = 2
    """Worker processes in the scaling phase (0 or 1 skips it)."""
    scale_partitions: int = 6
    """Partitions of the scaling phase's topics."""
    topology: str | None = None
    """Worker topology; None keeps the configured one."""
    dataset: Path | None = DEFAULT_DATASET
    """JSONL of real articles; None or a missing file uses the synthetic generator."""
    stage_sample: int = 500
    """Articles timed in-process for the per-stage CPU split."""
    run_id: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")
    """Prefix of every topic and consumer group this run creates (and deletes at the end)."""

    @classmethod
    def smoke(cls, articles: int = 300) -> BenchConfig:
        """A run of a few hundred articles that exercises every phase, for CI."""
        return cls(
            articles=articles,
            rounds=1,
            loads=(50.0, 100.0),
            load_seconds=2.0,
            soak_articles=articles,
            scale_workers=2,
            scale_partitions=4,
            stage_sample=50,
        )
