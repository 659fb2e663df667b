"""The latency-against-load figure for docs/benchmarks.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: no display on CI or servers

import matplotlib.pyplot as plt  # after use(): the backend must be chosen first


def plot_latency(
    report: dict[str, Any], path: Path, others: Sequence[tuple[str, dict[str, Any]]] = ()
) -> Path:
    """Draw p50/p99 end-to-end latency per offered load; write a PNG to ``path``.

    ``others`` adds (label, report) series, e.g. the other topology from a second run.
    """
    series = [(report["settings"]["topology"], report), *others]
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    for index, (label, data) in enumerate(series):
        loads = [lat["offered_per_s"] for lat in data["latency"]]
        color = f"C{index}"
        for quantile, style in (("p50", "o--"), ("p99", "^-")):
            values = [lat["to_tagged_ms"][quantile] for lat in data["latency"]]
            axes.plot(loads, values, style, color=color, label=f"{label} {quantile}")
    axes.axhline(100, color="grey", linewidth=0.8, linestyle=":", label="p99 goal (100 ms)")
    axes.set_xlabel("offered load (articles/s)")
    axes.set_ylabel("raw -> tagged latency (ms)")
    axes.set_yscale("log")
    machine = report["machine"]
    axes.set_title(
        f"brinkwatch, 1 worker ({machine['cores']} cores, {machine['date'][:10]})", fontsize=10
    )
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
