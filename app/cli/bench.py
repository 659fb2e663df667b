"""``brinkwatch bench``: throughput, latency and memory of the real worker against a baseline."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from app.settings import Settings, get_settings

console = Console(stderr=True)


@click.command("bench")
@click.option("--articles", type=int, default=None, help="Backlog size of the throughput runs.")
@click.option("--drain-seconds", type=float, default=None, help="Time cap of each drain.")
@click.option("--rounds", type=int, default=None, help="Rounds of the four throughput drains.")
@click.option(
    "--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the report."
)
@click.option("--smoke", is_flag=True, help="A few hundred articles through every phase (CI).")
@click.option("--topology", type=click.Choice(["staged", "fused"]), default=None)
@click.option("--loads", default=None, help="Offered loads, e.g. '100,500,1000' (articles/s).")
@click.option("--load-seconds", type=float, default=None, help="How long each load is held.")
@click.option("--soak-articles", type=int, default=None, help="RSS soak length (0 skips).")
@click.option("--scale-workers", type=int, default=None, help="Workers in the scaling run.")
@click.option("--synthetic", is_flag=True, help="Generated articles even if the dataset exists.")
@click.option(
    "--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), help="Latency PNG."
)
@click.option("--keep-logs", is_flag=True, help="Keep the work dir with the process logs.")
def bench_command(
    articles: int | None,
    drain_seconds: float | None,
    rounds: int | None,
    json_path: Path | None,
    smoke: bool,
    topology: str | None,
    loads: str | None,
    load_seconds: float | None,
    soak_articles: int | None,
    scale_workers: int | None,
    synthetic: bool,
    plot_path: Path | None,
    keep_logs: bool,
) -> None:
    """Benchmark the worker against three baselines drained in the same run, on the same broker.

    The aiokafka passthrough, the I/O baseline (the worker's record shapes, no domain work) and
    a stock Faust agent drain one backlog in turn with the worker, --rounds times; then one
    worker takes the offered --loads (an empty list skips them) and the soak, and
    --scale-workers share more partitions. docs/benchmarks.md explains every figure.
    """
    from app.bench.config import BenchConfig
    from app.bench.report import print_summary
    from app.bench.runner import run_bench

    config = BenchConfig.smoke() if smoke else BenchConfig()
    changes: dict[str, Any] = {
        "articles": articles,
        "drain_seconds": drain_seconds,
        "rounds": rounds,
        "topology": topology,
        "loads": tuple(float(x) for x in loads.split(",") if x) if loads is not None else None,
        "load_seconds": load_seconds,
        "soak_articles": soak_articles,
        "scale_workers": scale_workers,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    if synthetic:
        changes["dataset"] = None
    config = dataclasses.replace(config, **changes)
    settings = get_settings()
    _ensure_broker(settings)
    workdir = Path(tempfile.mkdtemp(prefix="brinkwatch-bench-"))
    try:
        report = asyncio.run(run_bench(settings, config, workdir, console.print))
    except BaseException:
        console.print(f"[red]bench failed; process logs kept in {workdir}")
        raise
    print_summary(console, report)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2) + "\n")
        console.print(f"wrote {json_path}")
    if plot_path and report["latency"]:
        from app.bench.plot import plot_latency

        console.print(f"wrote {plot_latency(report, plot_path)}")
    if keep_logs:
        console.print(f"process logs: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def _ensure_broker(settings: Settings) -> None:
    """Start or reuse the local broker unless an external cluster is configured."""
    if not settings.uses_local_broker:
        return
    from app.localkafka import start

    with console.status("starting the local Kafka broker (first run downloads it)..."):
        status = start(settings.local_broker)
    console.print(f"kafka: {status.bootstrap} ({'started' if status.started_by_us else 'reused'})")
