"""The throughput drains: four consumers of one backlog, interleaved, in several rounds.

Each round drains the same backlog (loaded once) with the bare aiokafka passthrough, the I/O
baseline, the stock Faust agent and the brinkwatch worker, one after the other, each with its
own consumer group and output topics. Ratios are taken within a round, where the consumers
shared the machine's state of the moment; the report gives their median over the rounds and
the spread (lowest, highest).
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.bench.collector import Collector
from app.bench.load import load_backlog
from app.bench.phases import WORKER_ARGS, RunContext, drain, pipeline_outputs
from app.bench.processes import (
    IO_BASELINE_READY,
    PASSTHROUGH_READY,
    WORKER_READY,
    free_port,
    launched,
)
from app.bench.results import Throughput
from app.bench.shapes import output_shapes, records_per_article, write_shapes
from app.bench.topics import create_pipeline_topics, isolated_settings, worker_env
from app.bench.worker_metrics import stage_seconds
from app.streaming.topic_admin import ensure_topics

KINDS = ("passthrough", "io_baseline", "faust_floor", "pipeline")
RATIOS = {
    "throughput_ratio": "passthrough",
    "ratio_to_io_baseline": "io_baseline",
    "ratio_to_faust_floor": "faust_floor",
}


@dataclass(frozen=True)
class Rounds:
    """Every drain of every round, the chosen figures, and the worker's stage timings."""

    runs: dict[str, list[Throughput]]
    stage_metrics: dict[str, dict[str, float]] | None
    shape: dict[str, float]

    def median(self, kind: str) -> Throughput:
        """The drain with the median rate, carrying every round's rate."""
        runs = self.runs[kind]
        middle = sorted(runs, key=lambda run: run.per_s)[len(runs) // 2]
        return dataclasses.replace(middle, runs_per_s=[round(run.per_s, 1) for run in runs])

    def ratios(self) -> dict[str, list[float]]:
        """Per round: the worker's rate over each baseline's."""
        pipeline = self.runs["pipeline"]
        return {
            name: [
                round(mine.per_s / theirs.per_s, 4) if theirs.per_s else float("nan")
                for mine, theirs in zip(pipeline, self.runs[kind], strict=True)
            ]
            for name, kind in RATIOS.items()
        }


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, lowest and highest of the rounds' values."""
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }


async def run_rounds(ctx: RunContext) -> Rounds:
    """Load the backlog once, then drain it ``rounds`` times with each consumer in turn."""
    backlog_id = ctx.phase_id("tput")
    base = isolated_settings(ctx.settings, backlog_id)
    source = base.topics.raw
    await ensure_topics(base, [source])
    ctx.say(f"throughput: loading {ctx.config.articles:,} articles")
    await load_backlog(base, source, ctx.corpus.payloads(backlog_id, ctx.config.articles))
    ctx.say("throughput: taking the worker's record shapes for the I/O baseline")
    shapes = output_shapes(ctx.settings, ctx.corpus, backlog_id)
    shapes_path = write_shapes(ctx.workdir / "shapes.json", shapes)
    runs: dict[str, list[Throughput]] = {kind: [] for kind in KINDS}
    metrics = None
    for index in range(ctx.config.rounds):
        for kind in KINDS:
            name = f"{backlog_id}-{kind[:4]}{index}"
            result, stages = await _drain_one(ctx, kind, name, source, shapes_path)
            runs[kind].append(result)
            metrics = stages or metrics
            ctx.say(f"round {index + 1} {kind}: {result.per_s:,.0f}/s ({result.window_s:.0f} s)")
    return Rounds(runs, metrics, records_per_article(shapes))


async def _drain_one(
    ctx: RunContext, kind: str, name: str, source: str, shapes: Path
) -> tuple[Throughput, dict[str, dict[str, float]] | None]:
    """One consumer of ``kind`` with its own group ``name`` and output topics, drained."""
    settings = isolated_settings(ctx.settings, name, raw=source)
    port = free_port()
    env = worker_env(settings, port, ctx.workdir / name)
    outputs = pipeline_outputs(settings)
    web_port: int | None = None
    marker = WORKER_READY
    args: tuple[str, ...]
    if kind == "passthrough":
        sink = f"{name}.copy"
        outputs = {sink: "copy"}
        await ensure_topics(settings, [sink])
        args = ("-m", "app.bench.passthrough", source, sink, name)
        marker = PASSTHROUGH_READY
    elif kind == "faust_floor":
        sink = f"{name}.copy"
        outputs = {sink: "copy"}
        await ensure_topics(settings, [sink])
        datadir = str(ctx.workdir / name / "data")
        args = ("-m", "app.bench.faust_floor", source, sink, name, str(port), datadir)
    elif kind == "io_baseline":
        await create_pipeline_topics(settings)
        args = ("-m", "app.bench.io_baseline", source, name, name, str(shapes))
        marker = IO_BASELINE_READY
    else:
        await create_pipeline_topics(settings)
        args = WORKER_ARGS
        web_port = port
    phase_id = ctx.phase_id("tput")
    partitions = settings.partitions
    async with Collector(settings, outputs) as collector:
        with launched(kind, args, env, ctx.workdir / name, marker, web_port) as process:
            result = await drain(
                ctx, collector, [process], phase_id, ctx.config.articles, partitions
            )
            stages = stage_seconds([port]) if web_port else None
    return result, stages


def rounds_report(rounds: Rounds) -> dict[str, Any]:
    """The throughput part of the JSON report."""
    medians = {kind: rounds.median(kind) for kind in KINDS}
    ratios = rounds.ratios()
    return {
        "baseline_msgs_per_s": round(medians["passthrough"].per_s, 1),
        "io_baseline_articles_per_s": round(medians["io_baseline"].per_s, 1),
        "faust_floor_articles_per_s": round(medians["faust_floor"].per_s, 1),
        "pipeline_articles_per_s": round(medians["pipeline"].per_s, 1),
        **{name: spread(values)["median"] for name, values in ratios.items()},
        "spread": {
            **{f"{kind}_per_s": spread([run.per_s for run in rounds.runs[kind]]) for kind in KINDS},
            **{name: spread(values) for name, values in ratios.items()},
        },
        "rounds": [
            {
                **{f"{kind}_per_s": round(rounds.runs[kind][i].per_s, 1) for kind in KINDS},
                **{name: values[i] for name, values in ratios.items()},
            }
            for i in range(len(rounds.runs["pipeline"]))
        ],
        "io_baseline_records_per_article": rounds.shape,
        "baseline": medians["passthrough"].as_dict(),
        "io_baseline": medians["io_baseline"].as_dict(),
        "faust_floor": medians["faust_floor"].as_dict(),
        "pipeline": medians["pipeline"].as_dict(),
    }
