"""One worker kept running for the throughput drain, the offered loads and the soak."""

from __future__ import annotations

from dataclasses import dataclass

from app.bench.collector import Collector
from app.bench.load import load_backlog
from app.bench.phases import (
    SATURATION_FACTOR,
    WORKER_ARGS,
    RunContext,
    latency_at_load,
    pipeline_outputs,
    pipeline_throughput,
    soak,
)
from app.bench.processes import WORKER_READY, RssSampler, free_port, launched
from app.bench.results import LatencyAtLoad, Soak, Throughput
from app.bench.topics import create_pipeline_topics, isolated_settings, worker_env
from app.bench.worker_metrics import stage_seconds


@dataclass(frozen=True)
class PipelineSession:
    """What one worker did: drain rate, latency per load, soak, and its peak RSS."""

    throughput: Throughput
    stage_metrics: dict[str, dict[str, float]] | None
    latencies: list[LatencyAtLoad]
    skipped_loads: list[float]
    soak: Soak | None
    rss_peak_mb: float
    topology: str


async def run_pipeline_session(ctx: RunContext) -> PipelineSession:
    """Drain a backlog, then offer each load (lowest first), then soak; RSS sampled throughout.

    One worker for all three, so the soak measures a warmed-up process.
    """
    settings = isolated_settings(ctx.settings, ctx.phase_id("pipe"))
    await create_pipeline_topics(settings)
    ctx.say(f"pipeline: loading {ctx.config.articles} articles")
    backlog = ctx.corpus.payloads(ctx.phase_id("tput"), ctx.config.articles)
    await load_backlog(settings, settings.topics.raw, backlog)
    port = free_port()
    env = worker_env(settings, port, ctx.workdir / "worker")
    async with Collector(settings, pipeline_outputs(settings)) as collector:
        with launched("worker", WORKER_ARGS, env, ctx.workdir, WORKER_READY, port) as worker:
            with RssSampler([worker]) as rss:
                ctx.say(f"pipeline: worker draining ({settings.topology})")
                throughput = await pipeline_throughput(ctx, settings, collector, worker)
                ctx.say(f"pipeline: {throughput.per_s:,.0f} articles/s")
                stage_metrics = stage_seconds([port])
                latencies: list[LatencyAtLoad] = []
                skipped: list[float] = []
                for rate in ctx.config.loads:
                    if rate > SATURATION_FACTOR * throughput.per_s:
                        skipped.append(rate)
                        continue
                    latencies.append(await latency_at_load(ctx, settings, collector, worker, rate))
                soaked = None
                if ctx.config.soak_articles:
                    soaked = await soak(ctx, settings, collector, worker)
            return PipelineSession(
                throughput=throughput,
                stage_metrics=stage_metrics,
                latencies=latencies,
                skipped_loads=skipped,
                soak=soaked,
                rss_peak_mb=rss.peak_mb,
                topology=settings.topology,
            )
