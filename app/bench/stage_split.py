"""CPU time of each domain stage, measured in this process on a sample of the corpus.

The worker's own /metrics histogram (``brinkwatch_stage_seconds``) is read too when the worker
serves it; this in-process figure exists so the split is there in every run and topology.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

from app.bench.corpus import Corpus
from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.settings import Settings


def domain_split_us(settings: Settings, corpus: Corpus, sample: int) -> dict[str, float]:
    """Mean microseconds per article for validate, tag, detect and JSON serialisation."""
    pipeline = Pipeline.from_settings(settings)
    now = datetime.now(UTC)
    totals = dict.fromkeys(("validate", "tag", "detect", "serialise"), 0.0)
    for seq in range(sample):
        payload = corpus.payload("bench-00000000-split", seq)
        started = time.process_time()
        article = pipeline.validate(payload, now)
        validated = time.process_time()
        totals["validate"] += validated - started
        if isinstance(article, Rejection):
            continue
        tagged = pipeline.tag(article)
        tag_done = time.process_time()
        pipeline.detect(tagged, now)
        detect_done = time.process_time()
        article.model_dump_json()
        tagged.model_dump_json()
        totals["tag"] += tag_done - validated
        totals["detect"] += detect_done - tag_done
        totals["serialise"] += time.process_time() - detect_done
    return {stage: round(total / max(sample, 1) * 1e6, 1) for stage, total in totals.items()}


def scrape_stage_seconds(web_port: int) -> dict[str, dict[str, float]] | None:
    """``brinkwatch_stage_seconds`` sum and count per stage from a worker's /metrics.

    None when the worker does not serve /metrics (the web views are optional).
    """
    url = f"http://127.0.0.1:{web_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    except (urllib.error.URLError, OSError):
        return None
    stages: dict[str, dict[str, float]] = {}
    for line in text.splitlines():
        for suffix in ("sum", "count"):
            prefix = f"brinkwatch_stage_seconds_{suffix}{{"
            if line.startswith(prefix):
                labels, value = line[len(prefix) :].split("} ")
                stage = labels.split('stage="')[1].split('"')[0]
                stages.setdefault(stage, {})[suffix] = float(value)
    return stages or None
