"""One worker kept running for the offered loads and the soak, its RSS sampled throughout."""

from __future__ import annotations

from dataclasses import dataclass

from app.bench.collector import Collector
from app.bench.phases import (
    SATURATION_FACTOR,
    WORKER_ARGS,
    RunContext,
    latency_at_load,
    pipeline_outputs,
    soak,
)
from app.bench.processes import WORKER_READY, RssSampler, free_port, launched, wait_ready
from app.bench.results import LatencyAtLoad, Soak
from app.bench.topics import create_pipeline_topics, isolated_settings, worker_env


@dataclass(frozen=True)
class PipelineSession:
    """What one worker did: latency per load, soak, and its peak RSS."""

    latencies: list[LatencyAtLoad]
    skipped_loads: list[float]
    soak: Soak | None
    rss_peak_mb: float
    topology: str


async def run_pipeline_session(ctx: RunContext, capacity_per_s: float) -> PipelineSession:
    """Offer each load (lowest first), then soak; loads far above ``capacity_per_s`` skipped.

    One worker for both, so the soak measures a process warmed up by the loads.
    """
    settings = isolated_settings(ctx.settings, ctx.phase_id("pipe"))
    await create_pipeline_topics(settings)
    port = free_port()
    env = worker_env(settings, port, ctx.workdir / "worker")
    async with Collector(settings, pipeline_outputs(settings)) as collector:
        with launched("worker", WORKER_ARGS, env, ctx.workdir, WORKER_READY, port) as worker:
            with RssSampler([worker]) as rss:
                await wait_ready([worker])
                latencies: list[LatencyAtLoad] = []
                skipped: list[float] = []
                for rate in ctx.config.loads:
                    if rate > SATURATION_FACTOR * capacity_per_s:
                        skipped.append(rate)
                        continue
                    latencies.append(await latency_at_load(ctx, settings, collector, worker, rate))
                soaked = None
                if ctx.config.soak_articles:
                    soaked = await soak(ctx, settings, collector, worker)
            return PipelineSession(
                latencies=latencies,
                skipped_loads=skipped,
                soak=soaked,
                rss_peak_mb=rss.peak_mb,
                topology=settings.topology,
            )
