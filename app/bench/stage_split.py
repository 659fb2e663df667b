"""CPU time of each domain stage, measured in this process on a sample of the corpus.

The worker's own /metrics histogram (``brinkwatch_stage_seconds``) is read too when the worker
serves it; this in-process figure exists so the split is there in every run and topology.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from app.bench.corpus import Corpus
from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.settings import Settings
from app.streaming.records import json_bytes


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
        json_bytes(article)  # the valid and tagged records, as the worker makes them
        json_bytes(tagged)
        totals["tag"] += tag_done - validated
        totals["detect"] += detect_done - tag_done
        totals["serialise"] += time.process_time() - detect_done
    return {stage: round(total / max(sample, 1) * 1e6, 1) for stage, total in totals.items()}
