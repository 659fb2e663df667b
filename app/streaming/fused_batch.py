"""The fused stages over a batch of raw records, one result list per record.

Each record is processed on its own: a record the domain rejects becomes its own dead letter,
and an error nothing else caught becomes a ``processing_error`` dead letter for that record
alone, so one bad article never takes its batch with it (nor gets acked without a trace).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from app.domain.pipeline import Pipeline
from app.streaming.records import SourceRecord, StageResult
from app.streaming.stages import AlertKey, add_keyed_alerts, caught, fused_stages

Processed = tuple[SourceRecord, list[StageResult]]


def process_batch(
    pipeline: Pipeline, records: Iterable[SourceRecord], incident_key: AlertKey | None = None
) -> list[Processed]:
    """``fused_stages`` for each record, with a catch-all per record; with ``incident_key``,
    each alert's keyed copy too (``add_keyed_alerts``), inside the same catch-all."""
    processed = []
    for record in records:
        now = datetime.now(UTC)
        try:
            results = fused_stages(pipeline, record, now)
            if incident_key is not None:
                add_keyed_alerts(results, incident_key)
        except Exception as exc:  # noqa: BLE001 - any error is this record's dead letter
            results = [unexpected_failure(record, exc, now)]
        processed.append((record, results))
    return processed


def unexpected_failure(record: SourceRecord, exc: Exception, now: datetime) -> StageResult:
    """A ``processing_error`` dead letter for an error the stages did not turn into data."""
    return caught("validate", record, exc, now)
