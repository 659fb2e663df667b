"""What the article judgement costs in the detect stage: the same tagged articles through
detectors built with ``judgement`` off, rules and learned, in one process, pinned to one CPU,
passes interleaved (off, rules, learned, off, ...) so that the shared machine's load hits every
mode alike. Reports per mode the median detect time per article of its best pass and of all
passes, and the ratio to ``off``. Articles: the 2016 stream's 2.5-3.5 KB bodies (as
scripts/bench_domain.py). Usage::

    .venv/bin/python scripts/bench_judgement.py [--articles 300] [--passes 15] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from app.domain.escalation import EscalationDetector
from app.domain.escalation.detector import JudgementMode
from app.domain.pipeline import Pipeline
from app.evaluation.labelled_stream import STREAM_PATH
from app.settings import Settings
from schemas import TaggedArticle

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 1, 1, tzinfo=UTC)
MODES: tuple[JudgementMode, ...] = ("off", "rules", "learned")


def tagged_articles(pipeline: Pipeline, stream: Path, limit: int) -> list[TaggedArticle]:
    found: list[TaggedArticle] = []
    with stream.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            size = len((row["text"] or "").encode("utf-8"))
            if not 2500 <= size <= 3500:
                continue
            raw = {
                "url": row["url"],
                "title": row["title"],
                "body": row["text"],
                "published_at": row["date"],
            }
            analysis = pipeline.analyze(json.dumps(raw).encode(), NOW)
            if analysis.tagged is not None:
                found.append(analysis.tagged)
            if len(found) == limit:
                break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--passes", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    stream = args.shared / STREAM_PATH
    if not stream.exists():
        print(f"the 2016 stream is not at {stream}", file=sys.stderr)
        return 2
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    base = Pipeline.from_settings(Settings(judgement="off"))
    articles = tagged_articles(base, stream, args.articles)
    detectors = {mode: EscalationDetector.load(None, mode) for mode in MODES}
    medians: dict[str, list[float]] = {mode: [] for mode in MODES}
    for mode in MODES:  # warm-up
        for article in articles:
            detectors[mode].detect(article)
    for _ in range(args.passes):
        for mode in MODES:
            detect = detectors[mode].detect
            times = []
            for article in articles:
                start = time.perf_counter_ns()
                detect(article)
                times.append((time.perf_counter_ns() - start) / 1000)
            medians[mode].append(statistics.median(times))
    best = {mode: min(values) for mode, values in medians.items()}
    overall = {mode: statistics.median(values) for mode, values in medians.items()}
    figures = {
        "articles": len(articles),
        "passes": args.passes,
        "load_average": os.getloadavg()[:2],
        "detect_us_best_pass": {m: round(v, 1) for m, v in best.items()},
        "detect_us_all_passes": {m: round(v, 1) for m, v in overall.items()},
        "ratio_to_off_best": {m: round(best[m] / best["off"], 3) for m in MODES},
        "ratio_to_off_all": {m: round(overall[m] / overall["off"], 3) for m in MODES},
    }
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
