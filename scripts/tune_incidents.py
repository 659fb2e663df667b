"""Tune the incident grouping policy on the even-indexed labelled pairs; report the odd ones.

    python scripts/build_incident_eval.py
    python scripts/tune_incidents.py [--file artifacts/incident_eval.jsonl]

Runs the pipeline once over every pair, then the incident engine for each policy in a small
grid. Chooses by F1 on the even half (0-based line indices) and prints that policy's figures on
the odd half, which took no part in the choice.
"""

from __future__ import annotations

import argparse
import itertools
from datetime import timedelta
from pathlib import Path

from app.domain.incidents.engine import IncidentEngine
from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.pipeline import Pipeline
from app.evaluation.incidents import analyze_pairs, evaluate, read_pairs
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SIMILARITY = [0.05, 0.08, 0.1, 0.12, 0.15, 0.18, 0.2, 0.25, 0.3, 0.4]
RESOLVE_AFTER_H = [12, 24, 36]
SHARED_CATEGORY = [False, True]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "artifacts/incident_eval.jsonl")
    args = parser.parse_args()
    pairs = read_pairs(args.file)
    alerts = analyze_pairs(pairs, Pipeline.from_settings(Settings()))
    halves = {
        name: ([p for i, p in enumerate(pairs) if i % 2 == r], alerts[r::2])
        for name, r in (("even", 0), ("odd", 1))
    }
    results = []
    for sim, hours, shared in itertools.product(SIMILARITY, RESOLVE_AFTER_H, SHARED_CATEGORY):
        engine = IncidentEngine(
            GroupingPolicy(
                max_gap=timedelta(hours=hours),
                min_similarity=sim,
                require_shared_category=shared,
            ),
            NotificationPolicy(resolve_after=timedelta(hours=hours)),
        )
        report = evaluate(*halves["even"], engine)
        results.append((report.f1, report.precision, report.recall, sim, hours, shared, engine))
    results.sort(key=lambda r: r[:3], reverse=True)
    print("top policies on even (f1, precision, recall, min_similarity, resolve_after_h, shared):")
    for row in results[:8]:
        print("  " + "  ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row[:6]))
    best = results[0]
    held_out = evaluate(*halves["odd"], best[-1])
    print(f"chosen: min_similarity={best[3]} resolve_after_h={best[4]} shared_category={best[5]}")
    print(f"held-out (odd): {held_out.to_dict()}")


if __name__ == "__main__":
    main()
