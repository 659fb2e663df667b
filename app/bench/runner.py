"""A whole benchmark run: the phases in order, then one JSON-ready report."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.bench.config import BenchConfig
from app.bench.corpus import load_corpus
from app.bench.machine import describe_machine
from app.bench.phases import RunContext, scaled_throughput
from app.bench.results import Throughput
from app.bench.rounds import Rounds, rounds_report, run_rounds
from app.bench.session import PipelineSession, run_pipeline_session
from app.bench.stage_split import domain_split_us
from app.bench.topics import delete_run_topics
from app.settings import Settings

# Goals from the throughput issue (targets, not tests).
TARGET_RATIO_TO_FAUST_FLOOR = 1.5
TARGET_RATIO_TO_IO_BASELINE = 0.35
TARGET_ALERT_P99_MS_AT_1000 = 100.0
TARGET_RSS_GROWTH_PCT = 10.0
TARGET_RSS_PEAK_MB = 300.0


async def run_bench(
    settings: Settings, config: BenchConfig, workdir: Path, say: Callable[[str], None]
) -> dict[str, Any]:
    """Run every phase against the broker in ``settings``; return the report."""
    if config.topology:
        settings = settings.model_copy(update={"topology": config.topology})
    corpus = load_corpus(config.dataset)
    ctx = RunContext(settings, config, corpus, workdir, say)
    # Other processes on the machine skew wall-clock figures; the report says how busy it was.
    load_before = os.getloadavg()
    say(f"corpus: {corpus.source}, {len(corpus.articles)} articles, run {config.run_id}")
    split = domain_split_us(settings, corpus, config.stage_sample)
    try:
        rounds = await run_rounds(ctx)
        capacity = rounds.median("pipeline").per_s
        pipeline = await run_pipeline_session(ctx, capacity)
        scaled = await scaled_throughput(ctx) if config.scale_workers > 1 else None
    finally:
        await delete_run_topics(settings, config.run_id)
    report = _report(ctx, rounds, pipeline, scaled, split)
    report["machine"]["load_average_before_after"] = [
        round(load_before[0], 2),
        round(os.getloadavg()[0], 2),
    ]
    return report


def _report(
    ctx: RunContext,
    rounds: Rounds,
    pipeline: PipelineSession,
    scaled: Throughput | None,
    split: dict[str, float],
) -> dict[str, Any]:
    throughput = rounds.median("pipeline")
    soaked, latencies = pipeline.soak, pipeline.latencies
    report: dict[str, Any] = {
        "run_id": ctx.config.run_id,
        "articles": ctx.config.articles,
        "drain_seconds": ctx.config.drain_seconds,
        "corpus": {
            "source": ctx.corpus.source,
            "distinct_articles": len(ctx.corpus.articles),
            "mean_bytes": round(ctx.corpus.mean_bytes),
        },
        **rounds_report(rounds),
        "latency_ms": {f"{lat.offered_per_s:g}": lat.to_tagged_ms for lat in latencies},
        "alert_latency_ms": {f"{lat.offered_per_s:g}": lat.to_alert_ms for lat in latencies},
        "latency_skipped_loads": pipeline.skipped_loads,
        "rss_mb_peak": round(pipeline.rss_peak_mb, 1),
        "rss_growth_pct": round(soaked.growth_pct, 2) if soaked else None,
        "cpu_ms_per_article": throughput.cpu_ms_per_article,
        "domain_stage_us": split,
        "worker_stage_seconds": rounds.stage_metrics,
        "worker_stage_ms_per_article": _stage_ms_per_article(rounds.stage_metrics),
        "latency": [lat.as_dict() for lat in latencies],
        "soak": soaked.as_dict() if soaked else None,
        "scaled": scaled.as_dict() if scaled else None,
        "scaled_ratio_to_one_worker": (
            round(scaled.per_s / throughput.per_s, 3) if scaled and throughput.per_s else None
        ),
        "machine": describe_machine(ctx.settings),
        "settings": _settings_used(ctx.settings, pipeline.topology),
    }
    report["targets"] = _targets(report)
    return report


def _stage_ms_per_article(stages: dict[str, dict[str, float]] | None) -> float | None:
    """Time inside the stage handlers per raw article, as the worker itself measured it.

    CPU per article minus this is what Faust and Kafka I/O cost, measured in the same process.
    """
    if not stages or not stages.get("validate", {}).get("count"):
        return None
    total = sum(stage["sum"] for stage in stages.values())
    return round(total / stages["validate"]["count"] * 1000, 3)


def _settings_used(settings: Settings, topology: str) -> dict[str, Any]:
    used = settings.model_dump(
        mode="json", exclude={"sasl_password", "sasl_username", "local_broker", "topics"}
    )
    return {**used, "topology": topology}


def _targets(report: dict[str, Any]) -> dict[str, bool | None]:
    at_1000 = report["alert_latency_ms"].get("1000")
    growth = report["rss_growth_pct"]
    return {
        "ratio_to_faust_floor>=1.5": report["ratio_to_faust_floor"] >= TARGET_RATIO_TO_FAUST_FLOOR,
        "ratio_to_io_baseline>=0.35": report["ratio_to_io_baseline"] >= TARGET_RATIO_TO_IO_BASELINE,
        "alert_p99_at_1000<=100ms": (
            at_1000["p99"] <= TARGET_ALERT_P99_MS_AT_1000 if at_1000 else None
        ),
        "rss_growth<10%": growth < TARGET_RSS_GROWTH_PCT if growth is not None else None,
        "rss_peak<300MB": report["rss_mb_peak"] < TARGET_RSS_PEAK_MB,
    }
