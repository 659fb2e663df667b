"""Tune the incident grouping policy on the even-indexed labelled pairs; report the odd ones.

    python scripts/build_incident_eval.py
    python scripts/tune_incidents.py [--file artifacts/incident_eval.jsonl]

Runs the pipeline once over every pair with the sentence-level detector (``judgement="off"``:
the alerts the pairs were drawn from, where both articles of nearly every pair alert), then the
incident engine for each policy in a small grid: the key (first actor / dyad source), the key
of alerts that name no country (none / the outlets' home country), the similarity threshold,
the time window (max gap = quiet period), whether a category must be shared. Chooses by F1 on
the even half (0-based line indices) and prints that policy's figures on the odd half, which
took no part in the choice: with that detector, and with the default article-level judgement
(end to end, and given two alerts), and the missed same-event pairs by cause.

Among thresholds that score alike on the even half (same F1, precision and recall, the other
knobs equal), the middle one is chosen: a threshold at the edge of such a range is one pair
away from another count.
"""

from __future__ import annotations

import argparse
import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.domain.incidents.engine import IncidentEngine
from app.domain.incidents.keys import KeyBy
from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.pipeline import Pipeline
from app.evaluation.incidents import IncidentReport, analyze_pairs, evaluate, read_pairs
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
KEY_BY: list[KeyBy] = ["dyad_source", "first_actor", "headline"]
HOME = ["-", "USA"]
SIMILARITY = [0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3]
WINDOW_H = [24, 36, 48]
SHARED_CATEGORY = [False, True]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "artifacts/incident_eval.jsonl")
    args = parser.parse_args()
    pairs = read_pairs(args.file)
    off = Settings(_env_file=None, judgement="off")  # type: ignore[call-arg]
    alerts = analyze_pairs(pairs, Pipeline.from_settings(off))
    even = ([p for i, p in enumerate(pairs) if i % 2 == 0], alerts[0::2])
    results: list[tuple[float, float, float, tuple[Any, ...], IncidentEngine]] = []
    grid = itertools.product(KEY_BY, HOME, SIMILARITY, WINDOW_H, SHARED_CATEGORY)
    for key_by, home, sim, hours, shared in grid:
        engine = IncidentEngine(
            GroupingPolicy(
                max_gap=timedelta(hours=hours),
                min_similarity=sim,
                require_shared_category=shared,
                key_by=key_by,
                home_country=home,
            ),
            NotificationPolicy(resolve_after=timedelta(hours=hours)),
        )
        report = evaluate(*even, engine)
        choice = (key_by, home, sim, hours, shared)
        results.append((report.f1, report.precision, report.recall, choice, engine))
    results.sort(key=lambda r: r[:3], reverse=True)
    print("top policies on even: f1 precision recall (key_by, home, sim, window_h, shared)")
    for f1, precision, recall, choice, _ in results[:10]:
        print(f"  {f1:.3f} {precision:.3f} {recall:.3f} {choice}")
    top = results[0]
    plateau = sorted(
        (r for r in results if r[:3] == top[:3] and _others(r[3]) == _others(top[3])),
        key=lambda r: r[3][2],
    )
    _, _, _, choice, best = plateau[len(plateau) // 2]
    print(f"chosen: {choice} (thresholds scoring alike: {[r[3][2] for r in plateau]})")
    odd = [p for i, p in enumerate(pairs) if i % 2 == 1]
    show("odd, judgement off", evaluate(odd, alerts[1::2], best))
    judged = analyze_pairs(odd, Pipeline.from_settings(Settings(_env_file=None)))  # type: ignore[call-arg]
    show("odd, default judgement", evaluate(odd, judged, best))


def _others(choice: tuple[Any, ...]) -> tuple[Any, ...]:
    """A grid choice without its similarity threshold."""
    return choice[:2] + choice[3:]


def show(name: str, report: IncidentReport) -> None:
    figures = report.to_dict()
    print(f"{name}: end to end {report.scores()}")
    print(f"{name}: given two alerts {figures['given_alerts']}")
    print(
        f"{name}: same-event pairs without two alerts {figures['positives_without_two_alerts']},"
        f" with different keys {figures['positives_with_different_keys']}"
    )
    print(f"{name}: same-event pairs missed, by cause {figures['misses']}")


if __name__ == "__main__":
    main()
