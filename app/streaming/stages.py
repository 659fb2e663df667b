"""Stage handlers: one consumed record in, messages to publish out. No Faust here, so the
handlers are tested directly and the agents stay a few lines of glue."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import ValidationError

from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.streaming.records import (
    Outgoing,
    Refusal,
    SourceRecord,
    StageResult,
    dead_letter_for,
    dead_letter_outgoing,
)
from schemas import Article, Stage, TaggedArticle

# Programming errors in domain code that must not lose the message: the record is
# dead-lettered as a processing_error with the exception text, and the worker goes on.
DOMAIN_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def validate_stage(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
    """raw bytes -> a valid article, or a dead letter."""
    result = _validate(pipeline, record, now)
    if isinstance(result, Rejection):
        return _rejected("validate", record, result, now)
    key = result.article_id.encode()
    return StageResult(
        "validate", outputs=[Outgoing("valid", key, result.model_dump_json().encode())]
    )


def tag_stage(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
    """A valid article (JSON) -> a tagged article, or a dead letter."""
    try:
        article = Article.model_validate_json(record.value)
        tagged = pipeline.tag(article)
    except ValidationError as exc:
        return _rejected("tag", record, Rejection("schema_violation", _short(exc)), now)
    except DOMAIN_ERRORS as exc:
        return _rejected("tag", record, _processing_error(exc), now)
    value = tagged.model_dump_json().encode()
    return StageResult("tag", outputs=[Outgoing("tagged", tagged.article_id.encode(), value)])


def detect_stage(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
    """A tagged article (JSON) -> an alert when it escalates enough, or a dead letter."""
    try:
        tagged = TaggedArticle.model_validate_json(record.value)
        _, alert = pipeline.detect(tagged, now)
    except ValidationError as exc:
        return _rejected("detect", record, Rejection("schema_violation", _short(exc)), now)
    except DOMAIN_ERRORS as exc:
        return _rejected("detect", record, _processing_error(exc), now)
    language = (tagged.language, pipeline.covers(tagged.language))
    if alert is None:
        return StageResult("detect", language=language)
    value = alert.model_dump_json().encode()
    outputs = [Outgoing("alerts", alert.alert_id.encode(), value)]
    return StageResult("detect", outputs=outputs, alert=alert, language=language)


def fused_stages(pipeline: Pipeline, record: SourceRecord, now: datetime) -> list[StageResult]:
    """All three stages in one pass over a raw record, publishing what each stage publishes.

    Same outputs as the staged topology, without consuming the valid and tagged topics back.
    Each result carries its own stage's time, so /metrics splits the cost by stage here too.
    """
    lap = _Lap()
    validated = _validate(pipeline, record, now)
    if isinstance(validated, Rejection):
        return [lap.stamp(_rejected("validate", record, validated, now))]
    key = validated.article_id.encode()
    valid = Outgoing("valid", key, validated.model_dump_json().encode())
    results = [lap.stamp(StageResult("validate", outputs=[valid]))]
    try:
        tagged = pipeline.tag(validated)
    except DOMAIN_ERRORS as exc:
        return [*results, lap.stamp(_rejected("tag", record, _processing_error(exc), now))]
    tagged_out = Outgoing("tagged", key, tagged.model_dump_json().encode())
    results.append(lap.stamp(StageResult("tag", outputs=[tagged_out], tagged=tagged)))
    try:
        _, alert = pipeline.detect(tagged, now)
    except DOMAIN_ERRORS as exc:
        return [*results, lap.stamp(_rejected("detect", record, _processing_error(exc), now))]
    language = (tagged.language, pipeline.covers(tagged.language))
    if alert is None:
        results.append(lap.stamp(StageResult("detect", language=language)))
    else:
        value = alert.model_dump_json().encode()
        alert_out = Outgoing("alerts", alert.alert_id.encode(), value)
        detected = StageResult("detect", outputs=[alert_out], alert=alert, language=language)
        results.append(lap.stamp(detected))
    return results


_STAGE_ORDER: dict[Stage, int] = {"validate": 0, "tag": 1, "detect": 2}


def publish_failed(refusals: Iterable[Refusal], now: datetime) -> list[StageResult]:
    """One ``publish_failed`` dead letter per input whose outputs the broker refused.

    Refusals of the same input (its valid, tagged and alert records can all be refused) give a
    single dead letter naming every refused topic; its stage is the earliest refused stage, the
    one a replay has to start from. Inputs keep the order their first refusal arrived in.
    """
    by_input: dict[tuple[str, int, int], list[Refusal]] = {}
    for refusal in refusals:
        record = refusal.record
        by_input.setdefault((record.topic, record.partition, record.offset), []).append(refusal)
    results = []
    for group in by_input.values():
        stage = min((r.stage for r in group), key=_STAGE_ORDER.__getitem__)
        topics = ", ".join(dict.fromkeys(r.topic for r in group))
        errors = "; ".join(dict.fromkeys(r.error for r in group))
        reason = f"the broker refused the output published to {topics}: {errors}"[:1000]
        results.append(_rejected(stage, group[0].record, Rejection("publish_failed", reason), now))
    return results


class _Lap:
    """Stamps each result with the time since the previous stamp (stages run back to back)."""

    def __init__(self) -> None:
        self._last = time.perf_counter()

    def stamp(self, result: StageResult) -> StageResult:
        now = time.perf_counter()
        result.seconds = now - self._last
        self._last = now
        return result


def _validate(pipeline: Pipeline, record: SourceRecord, now: datetime) -> Article | Rejection:
    """Stage 1 with its ingest time; a bug in it becomes a rejection, so nothing is lost."""
    try:
        return pipeline.validate(record.value, now, _ingest_time(record, now))
    except DOMAIN_ERRORS as exc:
        return _processing_error(exc)


def _ingest_time(record: SourceRecord, now: datetime) -> datetime:
    """When the article entered brinkwatch: its raw record's Kafka timestamp, if plausible."""
    if record.timestamp is None or record.timestamp <= 0:
        return now
    stamped = datetime.fromtimestamp(record.timestamp, tz=UTC)
    return min(stamped, now)


def _rejected(
    stage: Stage, record: SourceRecord, rejection: Rejection, now: datetime
) -> StageResult:
    letter = dead_letter_for(record, stage, rejection, now)
    return StageResult(stage, outputs=[dead_letter_outgoing(letter, record)], dead_letter=letter)


def _processing_error(exc: Exception) -> Rejection:
    return Rejection("processing_error", f"{type(exc).__name__}: {exc}"[:1000])


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}"
        for e in exc.errors(include_url=False)[:5]
    )
