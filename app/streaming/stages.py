"""Stage handlers: one consumed record in, messages to publish out. No Faust here, so the
handlers are tested directly and the agents stay a few lines of glue."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from pydantic import ValidationError

from app import metrics
from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.streaming.records import (
    MAX_RECORD_BYTES,
    Outgoing,
    Refusal,
    SourceRecord,
    StageResult,
    dead_letter_for,
    dead_letter_outgoing,
    fits,
    json_bytes,
)
from schemas import Article, EscalationAlert, Stage, TaggedArticle

log = logging.getLogger(__name__)

StageHandler = Callable[[Pipeline, SourceRecord, datetime], StageResult]
AlertKey = Callable[[EscalationAlert], str]


def stage_boundary(stage: Stage) -> Callable[[StageHandler], StageHandler]:
    """No exception from domain code escapes a stage handler: whatever it raises becomes the
    record's ``processing_error`` dead letter (counted and logged), and the worker goes on.

    Faust acks an event whose handler raised, so an escaping exception would lose the input
    without a trace; the domain's expected failures are data (``Rejection``) already, what
    arrives here is a bug or an input nobody foresaw, and either way the input is kept.
    """

    def wrap(handler: StageHandler) -> StageHandler:
        @functools.wraps(handler)
        def guarded(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
            try:
                return handler(pipeline, record, now)
            except Exception as exc:  # noqa: BLE001 - the stage boundary, see the docstring
                return caught(stage, record, exc, now)

        return guarded

    return wrap


def caught(stage: Stage, record: SourceRecord, exc: Exception, now: datetime) -> StageResult:
    """The ``processing_error`` dead letter of an exception caught at a stage boundary."""
    return _rejected(stage, record, _processing_error(stage, record, exc), now)


@stage_boundary("validate")
def validate_stage(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
    """raw bytes -> a valid article, or a dead letter."""
    result = _validate(pipeline, record, now)
    if isinstance(result, Rejection):
        return _rejected("validate", record, result, now)
    valid = Outgoing("valid", result.article_id.encode(), json_bytes(result))
    if not fits(valid):
        return _too_large("validate", record, valid, now)
    return StageResult("validate", outputs=[valid])


@stage_boundary("tag")
def tag_stage(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
    """A valid article (JSON) -> a tagged article, or a dead letter."""
    try:
        article = Article.model_validate_json(record.value)
        tagged = pipeline.tag(article)
    except ValidationError as exc:
        return _rejected("tag", record, Rejection("schema_violation", _short(exc)), now)
    out = Outgoing("tagged", tagged.article_id.encode(), json_bytes(tagged))
    if not fits(out):
        return _too_large("tag", record, out, now)
    return StageResult("tag", outputs=[out])


@stage_boundary("detect")
def detect_stage(pipeline: Pipeline, record: SourceRecord, now: datetime) -> StageResult:
    """A tagged article (JSON) -> an alert when it escalates enough, or a dead letter."""
    try:
        tagged = TaggedArticle.model_validate_json(record.value)
        _, alert = pipeline.detect(tagged, now)
    except ValidationError as exc:
        return _rejected("detect", record, Rejection("schema_violation", _short(exc)), now)
    language = (tagged.language, pipeline.covers(tagged.language))
    if alert is None:
        return StageResult("detect", language=language)
    out = Outgoing("alerts", alert.alert_id.encode(), json_bytes(alert))
    if not fits(out):
        return _too_large("detect", record, out, now)
    return StageResult("detect", outputs=[out], alert=alert, language=language)


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
    valid = Outgoing("valid", key, json_bytes(validated))
    if not fits(valid):
        return [lap.stamp(_too_large("validate", record, valid, now))]
    results = [lap.stamp(StageResult("validate", outputs=[valid]))]
    try:
        tagged = pipeline.tag(validated)
        tagged_out = Outgoing("tagged", key, json_bytes(tagged))
    except Exception as exc:  # noqa: BLE001 - the stage boundary (stage_boundary)
        return [*results, lap.stamp(caught("tag", record, exc, now))]
    if not fits(tagged_out):
        return [*results, lap.stamp(_too_large("tag", record, tagged_out, now))]
    results.append(lap.stamp(StageResult("tag", outputs=[tagged_out], tagged=tagged)))
    try:
        _, alert = pipeline.detect(tagged, now)
    except Exception as exc:  # noqa: BLE001 - the stage boundary (stage_boundary)
        return [*results, lap.stamp(caught("detect", record, exc, now))]
    language = (tagged.language, pipeline.covers(tagged.language))
    if alert is None:
        results.append(lap.stamp(StageResult("detect", language=language)))
    else:
        value = json_bytes(alert)
        alert_out = Outgoing("alerts", alert.alert_id.encode(), value)
        if fits(alert_out):
            detected = StageResult("detect", outputs=[alert_out], alert=alert, language=language)
        else:
            detected = _too_large("detect", record, alert_out, now)
        results.append(lap.stamp(detected))
    return results


def add_keyed_alerts(results: Iterable[StageResult], key_of: AlertKey) -> None:
    """Give every published alert a second record on ``alerts_by_key``: the same value, keyed
    by its incident grouping key (``key_of``), so that the incident agent reads each key's
    alerts from one partition (docs/incidents.md, repartitioning).

    The copy is an output of the same input as the alert: it is published in the same batch,
    acked with it, and its refusal dead-letters the input like the alert's would. Made here,
    where the alert is an object already, rather than by an agent that would consume the
    alerts topic and parse every alert back.
    """
    for result in results:
        if result.alert is None:
            continue
        published = next((out for out in result.outputs if out.topic == "alerts"), None)
        if published is not None:
            key = key_of(result.alert).encode()
            result.outputs.append(Outgoing("alerts_by_key", key, published.value))


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
    except Exception as exc:  # noqa: BLE001 - the stage boundary (stage_boundary)
        return _processing_error("validate", record, exc)


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


def _too_large(stage: Stage, record: SourceRecord, out: Outgoing, now: datetime) -> StageResult:
    reason = (
        f"the {out.topic} record built from this input is {len(out.value)} bytes (key "
        f"{len(out.key)}); the producer's limit is {MAX_RECORD_BYTES}"
    )
    return _rejected(stage, record, Rejection("output_too_large", reason), now)


def _processing_error(stage: Stage, record: SourceRecord, exc: Exception) -> Rejection:
    metrics.PROCESSING_ERRORS.labels(stage, type(exc).__name__).inc()
    log.error(
        "%s stage raised on %s/%s/%s; dead-lettered as processing_error",
        stage,
        record.topic,
        record.partition,
        record.offset,
        exc_info=exc,
    )
    return Rejection("processing_error", f"{type(exc).__name__}: {exc}"[:1000])


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}"
        for e in exc.errors(include_url=False)[:5]
    )
