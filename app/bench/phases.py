"""One function per measurement. Each creates its own topics under the run id, loads them,
runs the measured process(es) as subprocesses and reads the outputs back by correlation id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.bench.collector import Collector
from app.bench.config import BenchConfig
from app.bench.corpus import Corpus
from app.bench.load import load_backlog, send_paced
from app.bench.processes import (
    WORKER_READY,
    Measured,
    free_port,
    launched_all,
    wait_ready,
)
from app.bench.results import LatencyAtLoad, Soak, Throughput
from app.bench.stats import latency_summary
from app.bench.topics import create_pipeline_topics, isolated_settings, worker_env
from app.bench.worker_metrics import wait_stages_drained
from app.settings import Settings

WORKER_ARGS = ("-m", "app.cli.main", "worker")
# Runs above this multiple of the measured capacity only measure a growing queue.
SATURATION_FACTOR = 1.25
# Drains are given time for at least this rate, plus a fixed allowance for start-up.
SLOWEST_EXPECTED_PER_S = 20.0
DRAIN_ALLOWANCE_S = 60.0
# A capped drain waits this long for outputs stamped inside its window to arrive.
IN_FLIGHT_GRACE_S = 2.0


@dataclass(frozen=True)
class RunContext:
    """What every phase needs: the base settings, sizes, articles, a work dir, a progress line."""

    settings: Settings
    config: BenchConfig
    corpus: Corpus
    workdir: Path
    say: Callable[[str], None]

    def phase_id(self, phase: str) -> str:
        """Correlation prefix of one phase (also the prefix of its topic names)."""
        return f"{self.config.run_id}-{phase}"


def _drain_timeout(articles: int) -> float:
    return DRAIN_ALLOWANCE_S + articles / SLOWEST_EXPECTED_PER_S


def pipeline_outputs(settings: Settings) -> dict[str, str]:
    """Output topics read back by the collector, by kind."""
    names = settings.topics
    return {names.tagged: "tagged", names.dlq: "dlq", names.alerts: "alert"}


async def drain(
    ctx: RunContext,
    collector: Collector,
    processes: list[Measured],
    phase_id: str,
    articles: int,
    partitions: int,
) -> Throughput:
    """Wait for all consumers, then for every input's output or the time cap; rate and CPU.

    The window runs from the moment every consumer is ready to the last output, or to
    ``drain_seconds`` after that moment when the backlog outlasts it (then the rate is the
    outputs stamped inside the window over its length). In the staged topology the end waits
    for detection to catch up. Outputs stamped before the window, from a consumer that was
    ready earlier than the others, are left out.
    """
    ready_at = await wait_ready(processes)
    cpu_before = sum(p.cpu_seconds() for p in processes)
    cap_at = ready_at + ctx.config.drain_seconds
    timeout = min(_drain_timeout(articles), max(cap_at - time.time(), 0.0))
    capped = not await collector.wait_for(phase_id, articles, timeout)
    cpu = sum(p.cpu_seconds() for p in processes) - cpu_before
    if capped:
        await asyncio.sleep(IN_FLIGHT_GRACE_S)  # outputs stamped in the window, still on the way
    ports = [p.web_port for p in processes if p.web_port]
    drained_at = await wait_stages_drained(ports) if ports and not capped else None
    outputs = collector.completions[phase_id]
    alerts = collector.alerts[phase_id]
    stamps = [o.stamped for o in outputs.values()]
    end = cap_at if capped else max([*stamps, drained_at or 0.0], default=ready_at)
    counted = sum(1 for s in stamps if ready_at <= s <= end)
    window = end - ready_at
    return Throughput(
        articles=articles,
        completed=len(outputs),
        tagged=sum(1 for o in outputs.values() if o.kind in ("tagged", "copy")),
        dead_letters=sum(1 for o in outputs.values() if o.kind == "dlq"),
        alerts=len(alerts),
        duplicates=sum(collector.kind_counts[phase_id].values()) - len(outputs) - len(alerts),
        per_s=counted / window if window > 0 else 0.0,
        window_s=window,
        cpu_ms_per_article=cpu / counted * 1000 if counted else None,
        processes=len(processes),
        partitions=partitions,
        capped=capped,
    )


async def latency_at_load(
    ctx: RunContext, settings: Settings, collector: Collector, worker: Measured, rate: float
) -> LatencyAtLoad:
    """Offer articles at ``rate`` per second for the configured time; latency per article."""
    phase_id = ctx.phase_id(f"l{round(rate)}")
    count = max(round(rate * ctx.config.load_seconds), 20)
    payloads = list(ctx.corpus.payloads(phase_id, count))
    ctx.say(f"latency: {count} articles at {rate:g}/s")
    sent_at = await send_paced(settings, settings.topics.raw, payloads, rate)
    if not await collector.wait_for(phase_id, count, _drain_timeout(count)):
        ctx.say(f"[yellow]{phase_id}: only {collector.completed(phase_id)}/{count} done")
    if worker.web_port:
        await wait_stages_drained([worker.web_port])  # the next load starts from an idle worker
    outputs = collector.completions[phase_id]
    tagged = {seq: o for seq, o in outputs.items() if o.kind == "tagged"}
    alerts = collector.alerts[phase_id]
    span = sent_at[-1] - sent_at[0]
    return LatencyAtLoad(
        offered_per_s=rate,
        achieved_per_s=round((count - 1) / span, 1) if span > 0 else rate,
        sent=count,
        completed=len(outputs),
        # Both ends are Kafka record timestamps (ms): raw set here, tagged by the worker.
        to_tagged_ms=latency_summary(max(o.stamped - sent_at[s], 0.0) for s, o in tagged.items()),
        delivered_ms=latency_summary(o.arrived - sent_at[s] for s, o in tagged.items()),
        to_alert_ms=latency_summary(max(o.stamped - sent_at[s], 0.0) for s, o in alerts.items()),
    )


async def soak(ctx: RunContext, settings: Settings, collector: Collector, worker: Measured) -> Soak:
    """Push ``soak_articles`` through the warmed-up worker; compare its idle RSS before/after."""
    phase_id = ctx.phase_id("soak")
    count = ctx.config.soak_articles
    rss_before = worker.rss_mb()
    rss_max = rss_before
    ctx.say(f"soak: {count} articles")
    started = time.time()
    loading = asyncio.create_task(
        load_backlog(settings, settings.topics.raw, ctx.corpus.payloads(phase_id, count))
    )
    deadline = time.monotonic() + _drain_timeout(count)
    while collector.completed(phase_id) < count and time.monotonic() < deadline:
        rss_max = max(rss_max, worker.rss_mb())
        await asyncio.sleep(0.5)
    await loading
    stamps = [o.stamped for o in collector.completions[phase_id].values()]
    elapsed = max(stamps, default=started) - started
    await asyncio.sleep(2.0)  # let the worker go idle, as it was before the soak
    outputs = collector.completions[phase_id].values()
    return Soak(
        articles=count,
        completed=collector.completed(phase_id),
        tagged=sum(1 for o in outputs if o.kind == "tagged"),
        dead_letters=sum(1 for o in outputs if o.kind == "dlq"),
        alerts=len(collector.alerts[phase_id]),
        rss_before_mb=rss_before,
        rss_after_mb=worker.rss_mb(),
        rss_max_mb=rss_max,
        per_s=collector.completed(phase_id) / elapsed if elapsed > 0 else 0.0,
    )


async def scaled_throughput(ctx: RunContext) -> Throughput:
    """Several workers in one consumer group draining a backlog on more partitions."""
    config = ctx.config
    phase_id = ctx.phase_id("scale")
    settings = isolated_settings(ctx.settings, phase_id, partitions=config.scale_partitions)
    await create_pipeline_topics(settings)
    ctx.say(f"scale: loading {config.articles} articles on {config.scale_partitions} partitions")
    backlog = ctx.corpus.payloads(phase_id, config.articles)
    await load_backlog(settings, settings.topics.raw, backlog)
    specs = []
    for index in range(config.scale_workers):
        port = free_port()
        env = worker_env(settings, port, ctx.workdir / f"scale-{index}")
        specs.append((f"scale-worker-{index}", WORKER_ARGS, env, port))
    async with Collector(settings, pipeline_outputs(settings)) as collector:
        with launched_all(specs, ctx.workdir, WORKER_READY) as workers:
            ctx.say(f"scale: {config.scale_workers} workers draining")
            return await drain(
                ctx, collector, workers, phase_id, config.articles, config.scale_partitions
            )
