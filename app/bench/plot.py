"""The latency-against-load figure for docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: no display on CI or servers

import matplotlib.pyplot as plt  # after use(): the backend must be chosen first


def plot_latency(report: dict[str, Any], path: Path) -> Path:
    """Draw p50/p95/p99 end-to-end latency per offered load; write a PNG to ``path``."""
    loads = [lat["offered_per_s"] for lat in report["latency"]]
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    for quantile, style in (("p50", "o-"), ("p95", "s--"), ("p99", "^-")):
        values = [lat["to_tagged_ms"][quantile] for lat in report["latency"]]
        axes.plot(loads, values, style, label=quantile)
    axes.axhline(100, color="grey", linewidth=0.8, linestyle=":", label="p99 goal at 500/s")
    axes.set_xlabel("offered load (articles/s)")
    axes.set_ylabel("raw -> tagged latency (ms)")
    axes.set_yscale("log")
    machine = report["machine"]
    axes.set_title(
        f"brinkwatch, 1 worker, {report['settings']['topology']} "
        f"({machine['cores']} cores, {machine['date'][:10]})",
        fontsize=10,
    )
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
