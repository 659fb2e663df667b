"""Stage handlers: exactly one of {valid article, dead letter} per raw record, nothing lost."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from app.domain.escalation import EscalationDetector
from app.domain.pipeline import Pipeline
from app.settings import Settings
from app.streaming.records import SourceRecord
from app.streaming.stages import (
    add_keyed_alerts,
    detect_stage,
    fused_stages,
    tag_stage,
    validate_stage,
)
from schemas import Article, DeadLetter, TaggedArticle
from tests.support.factories import LINES_CUT

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


def record(value: bytes, offset: int = 7) -> SourceRecord:
    return SourceRecord("articles.raw", 2, offset, b"k", value, timestamp=NOW.timestamp() - 1.5)


GOOD = json.dumps(
    {
        "url": "https://news.example.org/a",
        "title": "Markets steady",
        "body": "Shares ended the day flat as investors awaited the central bank decision.",
        "published_at": "2026-11-27T08:00:00Z",
    }
).encode()


def test_valid_record_gives_one_valid_article_keyed_by_id(pipeline: Pipeline) -> None:
    result = validate_stage(pipeline, record(GOOD), NOW)
    assert result.dead_letter is None
    [out] = result.outputs
    article = Article.model_validate_json(out.value)
    assert out.topic == "valid" and out.key == article.article_id.encode()
    # ingested_at comes from the raw record's Kafka timestamp.
    assert (NOW - article.ingested_at).total_seconds() == pytest.approx(1.5)


def test_bad_record_gives_one_dead_letter_with_the_payload_intact(pipeline: Pipeline) -> None:
    payload = b'\xff\xfe{"not": utf8'
    result = validate_stage(pipeline, record(payload, offset=41), NOW)
    [out] = result.outputs
    assert out.topic == "dlq"
    letter = DeadLetter.model_validate_json(out.value)
    assert letter == result.dead_letter
    assert base64.b64decode(letter.payload_base64) == payload
    assert (letter.stage, letter.error_type) == ("validate", "invalid_utf8")
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
        "articles.raw",
        2,
        41,
    )
    assert letter.payload_size == len(payload)
    assert out.key == b"articles.raw/2/41"


def test_tag_then_detect_stages_chain(pipeline: Pipeline) -> None:
    [valid] = validate_stage(pipeline, record(GOOD), NOW).outputs
    [tagged_out] = tag_stage(pipeline, record(valid.value), NOW).outputs
    assert tagged_out.topic == "tagged"
    tagged = TaggedArticle.model_validate_json(tagged_out.value)
    assert tagged.article_id == Article.model_validate_json(valid.value).article_id
    detected = detect_stage(pipeline, record(tagged_out.value), NOW)
    assert detected.dead_letter is None  # a calm market story raises no alert
    assert detected.outputs == [] and detected.alert is None


def test_undecodable_tag_input_is_dead_lettered(pipeline: Pipeline) -> None:
    result = tag_stage(pipeline, record(b'{"article_id": 3}'), NOW)
    assert result.dead_letter is not None
    assert (result.dead_letter.stage, result.dead_letter.error_type) == ("tag", "schema_violation")


class _BrokenDetector(EscalationDetector):
    def __init__(self) -> None:  # no rules needed: detect fails before using any
        pass

    def detect(self, article: TaggedArticle) -> None:
        raise KeyError("rule table corrupted")


def test_a_bug_in_domain_code_is_dead_lettered_not_lost(pipeline: Pipeline) -> None:
    broken = Pipeline(
        pipeline.limits,
        pipeline.topic_tagger,
        pipeline.actor_recognizer,
        _BrokenDetector(),
        "medium",
    )
    results = fused_stages(broken, record(GOOD), NOW)
    assert [r.stage for r in results] == ["validate", "tag", "detect"]
    letter = results[-1].dead_letter
    assert letter is not None
    assert (letter.stage, letter.error_type) == ("detect", "processing_error")
    assert "rule table corrupted" in letter.reason
    assert base64.b64decode(letter.payload_base64) == GOOD


def test_fused_gives_the_same_outputs_as_staged(pipeline: Pipeline) -> None:
    fused = [out for result in fused_stages(pipeline, record(GOOD), NOW) for out in result.outputs]
    [valid] = validate_stage(pipeline, record(GOOD), NOW).outputs
    [tagged] = tag_stage(pipeline, replace(record(valid.value)), NOW).outputs
    assert [o.topic for o in fused] == ["valid", "tagged"]
    assert fused[0] == valid
    assert fused[1].key == tagged.key


def test_keyed_alert_copies_go_with_the_alerts_only(pipeline: Pipeline) -> None:
    seed = LINES_CUT
    alerting = fused_stages(pipeline, record(seed), NOW)
    quiet = fused_stages(pipeline, record(GOOD), NOW)
    assert alerting[-1].alert is not None, "the fixture article alerts"
    add_keyed_alerts([*alerting, *quiet], lambda alert: alert.actors[0])
    [alert_out, keyed] = alerting[-1].outputs
    assert (alert_out.topic, keyed.topic) == ("alerts", "alerts_by_key")
    assert keyed.key == alerting[-1].alert.actors[0].encode() and keyed.value == alert_out.value
    assert [out.topic for result in quiet for out in result.outputs] == ["valid", "tagged"]


class _BrokenValidator(Pipeline):
    def validate(self, payload: bytes, now: datetime, ingested_at: datetime | None = None) -> Any:
        raise ValueError("validator bug")


@pytest.mark.parametrize("handler", ["validate_stage", "fused_stages"])
def test_a_bug_in_validation_is_dead_lettered_not_lost(pipeline: Pipeline, handler: str) -> None:
    broken = _BrokenValidator(
        pipeline.limits,
        pipeline.topic_tagger,
        pipeline.actor_recognizer,
        pipeline.detector,
        "medium",
    )
    result = (
        validate_stage(broken, record(GOOD), NOW)
        if handler == "validate_stage"
        else (fused_stages(broken, record(GOOD), NOW)[0])
    )
    assert result.dead_letter is not None
    assert (result.dead_letter.stage, result.dead_letter.error_type) == (
        "validate",
        "processing_error",
    )
    assert base64.b64decode(result.dead_letter.payload_base64) == GOOD


# Outputs the broker refused after buffering (appended; imported here to keep the file's head
# untouched).


def _refusal(value: bytes, offset: int, stage: str, topic: str, error: str = "E") -> Any:
    from app.streaming.records import Refusal

    return Refusal(record(value, offset=offset), stage, topic, error)  # type: ignore[arg-type]


def test_a_refused_output_dead_letters_its_input_as_publish_failed() -> None:
    from app.streaming.stages import publish_failed

    error = "MessageSizeTooLargeError: MESSAGE_SIZE_TOO_LARGE"
    [result] = publish_failed([_refusal(GOOD, 9, "tag", "t.tagged", error)], NOW)
    [out] = result.outputs
    letter = DeadLetter.model_validate_json(out.value)
    assert letter == result.dead_letter
    assert (out.topic, out.key) == ("dlq", b"articles.raw/2/9")
    assert (letter.stage, letter.error_type) == ("tag", "publish_failed")
    assert "t.tagged" in letter.reason and error in letter.reason
    assert base64.b64decode(letter.payload_base64) == GOOD
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
        "articles.raw",
        2,
        9,
    )
    assert letter.failed_at == NOW
    assert result.outcome == "dead_letter"


def test_refusals_of_one_input_give_one_dead_letter_from_the_earliest_stage() -> None:
    from app.streaming.stages import publish_failed

    other = b'{"another": "input"}'
    results = publish_failed(
        [
            _refusal(GOOD, 9, "detect", "t.alerts", "Timeout"),
            _refusal(other, 10, "detect", "t.alerts", "Timeout"),
            _refusal(GOOD, 9, "tag", "t.tagged", "TooLarge"),
            _refusal(GOOD, 9, "detect", "t.alerts", "Timeout"),
        ],
        NOW,
    )
    letters = [r.dead_letter for r in results]
    assert [(d.source_offset, d.stage) for d in letters if d] == [(9, "tag"), (10, "detect")]
    first = letters[0]
    assert first is not None
    assert "t.alerts, t.tagged" in first.reason and "Timeout; TooLarge" in first.reason
    assert base64.b64decode(first.payload_base64) == GOOD
    assert publish_failed([], NOW) == []
