"""Compare ``brinkwatch bench --json`` reports side by side, as a Markdown table.

Reports named ``<variant>.<round>.json`` are grouped by variant and summarised by the median
of the rounds, so interleaved A/B runs on a busy machine can be read at a glance::

    python scripts/profile_compare.py runs/*.json
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def main(paths: list[str]) -> None:
    """Print one row per variant."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name in paths:
        path = Path(name)
        variant = path.stem.rsplit(".", 1)[0] if "." in path.stem else path.stem
        groups[variant].append(json.loads(path.read_text()))
    loads = sorted(
        {load for runs in groups.values() for r in runs for load in r["latency_ms"]}, key=float
    )
    header = ["variant", "runs", "articles/s", "x Faust floor", "x I/O baseline", "x baseline"]
    header += ["CPU ms/article"]
    header += [f"p50/p99 ms @{load}/s" for load in loads]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for variant, runs in groups.items():
        row = [
            variant,
            str(len(runs)),
            _fmt(_median([r["pipeline_articles_per_s"] for r in runs]), 0),
            _fmt(_median([r.get("ratio_to_faust_floor") for r in runs]), 3),
            _fmt(_median([r.get("ratio_to_io_baseline") for r in runs]), 3),
            _fmt(_median([r["throughput_ratio"] for r in runs]), 3),
            _fmt(_median([r["cpu_ms_per_article"] for r in runs]), 2),
        ]
        for load in loads:
            at = [r["latency_ms"].get(load) for r in runs]
            p50 = _median([a["p50"] if a else None for a in at])
            p99 = _median([a["p99"] if a else None for a in at])
            row.append("saturated" if p50 is None else f"{_fmt(p50)} / {_fmt(p99)}")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
