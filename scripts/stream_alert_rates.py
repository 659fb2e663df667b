"""Alert volume on the whole 2016 stream against what the labels say deserves an alert.

Runs every article of ../shared/data/articles/news_stream_2016H1.jsonl through the real
pipeline (settings from the environment, so ``BRINKWATCH_JUDGEMENT`` and
``BRINKWATCH_ALERT_MIN_LEVEL`` apply) and prints the share that alerts, the share per level,
and the labelled medium+ share of the uniformly drawn labelled articles (the stream-wide
estimate, with its 95 % Wilson interval). Usage::

    .venv/bin/python scripts/stream_alert_rates.py [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from app.domain.pipeline import Pipeline
from app.evaluation.labelled_stream import STREAM_PATH, stream_payloads, uniform_labelled_share
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # the stream is from 2016: any later time validates


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion."""
    if not n:
        return 0.0, 0.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    stream = args.shared / STREAM_PATH
    if not stream.exists():
        print(f"the 2016 stream is not at {stream}", file=sys.stderr)
        return 2
    settings = Settings()
    pipeline = Pipeline.from_settings(settings)
    levels: Counter[str] = Counter()
    alerts = 0
    payloads = stream_payloads(stream)
    for payload in payloads:
        analysis = pipeline.analyze(payload, NOW)
        detection = analysis.detection
        levels[detection.severity_level if detection else "none"] += 1
        alerts += analysis.alert is not None
    share, alerting, uniform = uniform_labelled_share(
        ROOT / "tests/data/article_sample.jsonl", ROOT / "tests/data/article_labels.jsonl"
    )
    low, high = wilson(alerting, uniform)
    n = len(payloads)
    figures = {
        "judgement": settings.judgement,
        "alert_min_level": settings.alert_min_level,
        "articles": n,
        "alert_rate": round(alerts / n, 4),
        "high_or_critical_rate": round((levels["high"] + levels["critical"]) / n, 4),
        "levels": dict(sorted(levels.items())),
        "labelled_medium_plus_share": round(share, 4),
        "labelled_share_interval_95": [round(low, 4), round(high, 4)],
        "labelled_uniform_articles": uniform,
    }
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
