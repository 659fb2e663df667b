"""Thin agents: turn a Faust event into a ``SourceRecord``, call a stage handler, publish what
it returns, count it. All decisions live in ``app.streaming.stages`` and ``app.domain``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import faust

from app import metrics
from app.domain.pipeline import Pipeline
from app.settings import Settings
from app.streaming.batching import ack_events, event_batches
from app.streaming.fused_batch import process_batch
from app.streaming.records import SourceRecord, StageResult
from app.streaming.stages import (
    AlertKey,
    add_keyed_alerts,
    caught,
    detect_stage,
    tag_stage,
    validate_stage,
)
from app.streaming.tally import BatchTally

StageHandler = Callable[[Pipeline, SourceRecord, datetime], StageResult]


def register_agents(
    app: faust.App,
    topics: Any,
    pipeline: Pipeline,
    settings: Settings,
    incident_key: AlertKey | None = None,
) -> dict[str, Any]:
    """Register the agents of the configured topology on ``app``; return them by name.

    With ``incident_key`` (incidents on), every alert is also published on ``alerts_by_key``,
    keyed by it (``stages.add_keyed_alerts``).
    """
    if settings.topology == "fused":
        return {"process_articles": _fused_agent(app, topics, pipeline, settings, incident_key)}
    return {
        "validate_articles": _stage_agent(
            app, topics, pipeline, topics.raw, validate_stage, "validate_articles"
        ),
        "tag_articles": _stage_agent(
            app, topics, pipeline, topics.valid, tag_stage, "tag_articles"
        ),
        "detect_escalation": _stage_agent(
            app,
            topics,
            pipeline,
            topics.tagged,
            detect_stage,
            "detect_escalation",
            incident_key,
        ),
    }


def _stage_agent(
    app: faust.App,
    topics: Any,
    pipeline: Pipeline,
    source: Any,
    handler: StageHandler,
    name: str,
    incident_key: AlertKey | None = None,
) -> Any:
    # concurrency=1: higher values can commit offsets past in-flight messages (faust #606).
    @app.agent(source, name=name, concurrency=1)
    async def agent(stream: Any) -> None:
        async for event in stream.events():
            record = _record(event)
            started = time.perf_counter()
            now = datetime.now(UTC)
            result = handler(pipeline, record, now)
            if incident_key is not None:
                result = _with_keyed_alert(result, incident_key, record, now)
            elapsed = time.perf_counter() - started
            await _publish(topics, record, result)
            _count(result, elapsed)

    return agent


def _fused_agent(
    app: Any,
    topics: Any,
    pipeline: Pipeline,
    settings: Settings,
    incident_key: AlertKey | None,
) -> Any:
    tally = BatchTally()

    @app.agent(topics.raw, name="process_articles", concurrency=1)
    async def agent(stream: Any) -> None:
        # Events in small batches; acked only once every output of the batch is buffered.
        async for batch in event_batches(stream, settings.batch_max_events):
            records = [_record(event) for event in batch.events]
            processed = process_batch(pipeline, records, incident_key)
            await topics.publish_batch(processed)
            tally.add(processed)
            ack_events(stream, batch)
            if app.result_listeners:
                results = [result for _, results in processed for result in results]
                for listener in app.result_listeners:
                    listener(results, time.time())

    return agent


def _with_keyed_alert(
    result: StageResult, incident_key: AlertKey, record: SourceRecord, now: datetime
) -> StageResult:
    # Keying runs domain code too: an error becomes the input's dead letter (stage_boundary).
    try:
        add_keyed_alerts([result], incident_key)
    except Exception as exc:  # noqa: BLE001 - the stage boundary
        return caught(result.stage, record, exc, now)
    return result


def _record(event: Any) -> SourceRecord:
    message = event.message
    return SourceRecord(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value if message.value is not None else b"",
        timestamp=message.timestamp,
    )


async def _publish(topics: Any, record: SourceRecord, result: StageResult) -> None:
    # Not awaiting delivery: a refused output is dead-lettered with ``record`` before the
    # commit that covers it (faust_app.DeadLetteringProducer).
    for outgoing in result.outputs:
        await topics.by_name(outgoing.topic).send(
            key=outgoing.key, value=outgoing.value, source=record, stage=result.stage
        )


def _count(result: StageResult, seconds: float) -> None:
    metrics.record_stage(result.stage, result.outcome, seconds)
    if result.dead_letter is not None:
        metrics.record_dead_letter(result.dead_letter)
    if result.alert is not None:
        metrics.record_alert(result.alert)
    if result.language is not None:
        metrics.record_language(*result.language)
