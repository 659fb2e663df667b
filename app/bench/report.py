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
    table = Table(title="Throughput (backlog drained; outputs per second)")
    for column in ("", "per s", "x baseline", "CPU ms/article", "processes", "partitions"):
        table.add_column(column, justify="right")
    baseline = report["baseline"]
    rows = [("baseline passthrough", baseline), ("brinkwatch, 1 worker", report["pipeline"])]
    if report["scaled"]:
        rows.append((f"brinkwatch, {report['scaled']['processes']} workers", report["scaled"]))
    for name, row in rows:
        cpu = row["cpu_ms_per_article"]
        table.add_row(
            name,
            f"{row['per_s']:,.0f}",
            f"{row['per_s'] / baseline['per_s']:.3f}" if baseline["per_s"] else "-",
            f"{cpu:.2f}" if cpu is not None else "-",
            str(row["processes"]),
            str(row["partitions"]),
        )
    return table


def _latency_table(report: dict[str, Any]) -> Table:
    table = Table(title="End-to-end latency, raw produced -> tagged produced (ms)")
    for column in ("offered/s", "achieved/s", "p50", "p95", "p99", "max", "delivered p99"):
        table.add_column(column, justify="right")
    for lat in report["latency"]:
        tagged, delivered = lat["to_tagged_ms"], lat["delivered_ms"]
        table.add_row(
            f"{lat['offered_per_s']:g}",
            f"{lat['achieved_per_s']:g}",
            f"{tagged['p50']}",
            f"{tagged['p95']}",
            f"{tagged['p99']}",
            f"{tagged['max']}",
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
