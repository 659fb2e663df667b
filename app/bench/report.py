"""The human summary of a run, as rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_summary(console: Console, report: dict[str, Any]) -> None:
    """Throughput against the baseline, latency per offered load, memory, targets."""
    machine = report["machine"]
    console.print(
        f"[bold]brinkwatch bench[/bold] {machine['date']}  {machine['cpu_model']}, "
        f"{machine['cores']} cores, Python {machine['python']}, {machine['kafka']}"
    )
    console.print(
        f"{report['articles']:,} articles from {report['corpus']['source']}, "
        f"topology {report['settings']['topology']}, "
        f"{report['settings']['partitions']} partitions"
    )
    console.print(_throughput_table(report))
    if report["latency"]:
        console.print(_latency_table(report))
    for rate in report["latency_skipped_loads"]:
        console.print(f"[yellow]{rate:g} articles/s skipped: above the measured capacity")
    console.print(_resources_table(report))
    for goal, met in report["targets"].items():
        mark = "[green]met" if met else ("[red]missed" if met is False else "[dim]not measured")
        console.print(f"  target {goal}: {mark}")


def _throughput_table(report: dict[str, Any]) -> Table:
    rounds = len(report["rounds"])
    table = Table(title=f"Throughput (one backlog drained {rounds}x by each; median, range)")
    for column in ("", "per s", "lowest", "highest", "CPU ms/input", "processes"):
        table.add_column(column, justify="right")
    rows = [
        ("aiokafka passthrough (msgs)", "passthrough_per_s", report["baseline"]),
        ("I/O baseline (articles)", "io_baseline_per_s", report["io_baseline"]),
        ("stock Faust agent (msgs)", "faust_floor_per_s", report["faust_floor"]),
        ("brinkwatch, 1 worker", "pipeline_per_s", report["pipeline"]),
    ]
    for name, key, row in rows:
        cpu = row["cpu_ms_per_article"]
        spread = report["spread"][key]
        table.add_row(
            name,
            f"{spread['median']:,.0f}",
            f"{spread['min']:,.0f}",
            f"{spread['max']:,.0f}",
            f"{cpu:.3f}" if cpu is not None else "-",
            str(row["processes"]),
        )
    for name in ("ratio_to_faust_floor", "ratio_to_io_baseline", "throughput_ratio"):
        spread = report["spread"][name]
        table.add_row(
            name, f"{spread['median']:.3f}", f"{spread['min']:.3f}", f"{spread['max']:.3f}", "", ""
        )
    if report["scaled"]:
        scaled = report["scaled"]
        table.add_row(
            f"brinkwatch, {scaled['processes']} workers, {scaled['partitions']} partitions",
            f"{scaled['per_s']:,.0f}",
            "",
            "",
            "",
            str(scaled["processes"]),
        )
    return table


def _latency_table(report: dict[str, Any]) -> Table:
    table = Table(title="End-to-end latency, raw produced -> output produced (ms)")
    for column in (
        "offered/s",
        "achieved/s",
        "tagged p50",
        "p95",
        "p99",
        "alert p50",
        "p95",
        "p99",
        "delivered p99",
    ):
        table.add_column(column, justify="right")
    for lat in report["latency"]:
        tagged, alert, delivered = lat["to_tagged_ms"], lat["to_alert_ms"], lat["delivered_ms"]
        table.add_row(
            f"{lat['offered_per_s']:g}",
            f"{lat['achieved_per_s']:g}",
            f"{tagged['p50']}",
            f"{tagged['p95']}",
            f"{tagged['p99']}",
            f"{alert['p50']}",
            f"{alert['p95']}",
            f"{alert['p99']}",
            f"{delivered['p99']}",
        )
    return table


def _resources_table(report: dict[str, Any]) -> Table:
    table = Table(title="Worker resources")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("peak RSS (MB)", f"{report['rss_mb_peak']}")
    soak = report["soak"]
    if soak:
        table.add_row(f"RSS growth over {soak['articles']:,} articles (%)", f"{soak['growth_pct']}")
        before_after = f"{soak['rss_before_mb']} / {soak['rss_after_mb']}"
        table.add_row("RSS before / after soak (MB)", before_after)
    table.add_row("CPU per article (ms)", f"{report['cpu_ms_per_article'] or 0:.2f}")
    for stage, micros in report["domain_stage_us"].items():
        table.add_row(f"  domain {stage} (µs, in-process)", f"{micros:,.0f}")
    return table
