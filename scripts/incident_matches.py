"""How alike the alerts of one grouping key are in the 2016 stream: for each alert, its most
similar earlier alert of the same key within the grouping window, counted by similarity band,
with a random sample of headline pairs per band to read (stdout only: it prints article
headlines, keep the output out of the repository).

    python scripts/incident_matches.py [--shared ../shared] [--sample 30] [--seed 5]

The labelled pairs are grouped one pair at a time; in the stream an alert is compared with
every open incident of its key, so a busy key (the home country) makes chance matches likelier.
This shows which similarities those matches have and, read by hand, how many are one event.
Uses the current settings (``BRINKWATCH_JUDGEMENT=off`` for the sentence-level alerts).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from app.domain.incidents.engine import IncidentEngine
from app.domain.incidents.similarity import shingles, signature, similarity
from app.domain.pipeline import Pipeline
from app.evaluation.labelled_stream import STREAM_PATH, raw_article_of
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BANDS = [(0.0, 0.12), (0.12, 0.25), (0.25, 1.01)]
RECENT = 60  # earlier alerts of the key compared (more than a window holds in this stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    pipeline = Pipeline.from_settings(settings)
    engine = IncidentEngine(settings.incidents.grouping(), settings.incidents.notification())
    threshold, window = engine.grouping.min_similarity, engine.grouping.max_gap
    rows = [json.loads(line) for line in (args.shared / STREAM_PATH).open(encoding="utf-8")]
    rows.sort(key=lambda row: row["date"])
    now = datetime.now(UTC)
    earlier: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    matches: list[tuple[float, str, str, str]] = []
    for row in rows:
        raw = json.dumps({"id": row["id"], **raw_article_of(row)}).encode()
        alert = pipeline.analyze(raw, now).alert
        if alert is None:
            continue
        key, sig = engine.key(alert), signature(shingles(alert))
        scored = [
            (similarity(sig, other), title)
            for at, title, other in earlier[key][-RECENT:]
            if alert.published_at - at <= window
        ]
        best = max(scored, default=(0.0, ""))
        if best[0] >= threshold:
            matches.append((best[0], key, best[1], alert.title))
        earlier[key].append((alert.published_at, alert.title, sig))
    print(f"alerts matching an earlier alert of their key (>= {threshold}): {len(matches)}")
    rng = random.Random(args.seed)
    for low, high in BANDS:
        band = [m for m in matches if low <= m[0] < high]
        print(f"\n[{max(low, threshold)}, {min(high, 1.0)}): {len(band)}")
        for score, key, first, second in sorted(
            rng.sample(band, min(args.sample, len(band))), reverse=True
        ):
            print(f"  {score:.2f} {key} | {first[:70]} || {second[:70]}")


if __name__ == "__main__":
    main()
