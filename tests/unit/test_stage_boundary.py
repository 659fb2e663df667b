"""No exception from domain code escapes a stage: each becomes its input's processing_error
dead letter, counted by stage and exception type (issue: an OverflowError on a date lost the
input, uncounted)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app import metrics
from app.domain.pipeline import Pipeline
from app.settings import Settings
from app.streaming.fused_batch import process_batch
from app.streaming.records import SourceRecord
from app.streaming.stages import detect_stage, fused_stages, tag_stage, validate_stage
from schemas import DeadLetter
from tests.support.factories import LINES_CUT

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
GOOD = json.dumps(
    {
        "url": "https://news.example.org/a",
        "title": "Markets steady",
        "body": "Shares ended the day flat as investors awaited the central bank decision.",
        "published_at": "2026-11-27T08:00:00Z",
    }
).encode()


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


def record(value: bytes, offset: int = 3) -> SourceRecord:
    return SourceRecord("t.raw", 0, offset, None, value, timestamp=None)


def counted(stage: str, exception: str) -> float:
    value = metrics.PROCESSING_ERRORS.labels(stage, exception)._value.get()
    return float(value)


class _Exploding(Pipeline):
    """A pipeline whose every stage raises what no stage names (not a ValueError family)."""

    def validate(self, payload: bytes, now: datetime, ingested_at: datetime | None = None) -> Any:
        raise OverflowError("date value out of range")

    def tag(self, article: Any) -> Any:
        raise ZeroDivisionError("tagger bug")

    def detect(self, tagged: Any, now: datetime) -> Any:
        raise RuntimeError("detector bug")


def exploding(pipeline: Pipeline) -> Pipeline:
    return _Exploding(
        pipeline.limits,
        pipeline.topic_tagger,
        pipeline.actor_recognizer,
        pipeline.detector,
        "medium",
    )


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59"])
def test_a_date_out_of_range_is_an_invalid_input_dead_letter(pipeline: Pipeline, date: str) -> None:
    payload = json.dumps({**json.loads(GOOD), "published_at": date}).encode()
    result = validate_stage(pipeline, record(payload), NOW)
    assert result.dead_letter is not None
    assert result.dead_letter.error_type == "invalid_timestamp"
    assert date in result.dead_letter.reason
    [letter] = fused_stages(pipeline, record(payload), NOW)
    assert letter.dead_letter is not None
    assert letter.dead_letter.error_type == "invalid_timestamp"


@pytest.mark.parametrize(
    ("handler", "stage", "exception"),
    [
        (validate_stage, "validate", "OverflowError"),
        (tag_stage, "tag", "ZeroDivisionError"),
        (detect_stage, "detect", "RuntimeError"),
    ],
)
def test_any_exception_in_a_staged_handler_is_a_counted_dead_letter(
    pipeline: Pipeline, handler: Any, stage: str, exception: str
) -> None:
    source = GOOD
    if stage != "validate":  # the tag and detect stages read the previous stage's output
        [valid] = validate_stage(pipeline, record(GOOD), NOW).outputs
        source = valid.value
        if stage == "detect":
            [tagged] = tag_stage(pipeline, record(source), NOW).outputs
            source = tagged.value
    before = counted(stage, exception)
    result = handler(exploding(pipeline), record(source, offset=11), NOW)
    [out] = result.outputs
    letter = DeadLetter.model_validate_json(out.value)
    assert (out.topic, letter.stage, letter.error_type) == ("dlq", stage, "processing_error")
    assert letter.reason.startswith(exception)
    assert base64.b64decode(letter.payload_base64) == source
    assert counted(stage, exception) == before + 1


def test_fused_stages_dead_letter_each_stage_error_after_the_outputs_before_it(
    pipeline: Pipeline,
) -> None:
    class _TagFails(Pipeline):
        def tag(self, article: Any) -> Any:
            raise ZeroDivisionError("tagger bug")

    broken = _TagFails(
        pipeline.limits,
        pipeline.topic_tagger,
        pipeline.actor_recognizer,
        pipeline.detector,
        "medium",
    )
    results = fused_stages(broken, record(GOOD), NOW)
    assert [r.stage for r in results] == ["validate", "tag"]
    letter = results[-1].dead_letter
    assert letter is not None
    assert (letter.error_type, letter.reason) == (
        "processing_error",
        "ZeroDivisionError: tagger bug",
    )


def test_the_batch_catch_all_counts_too(pipeline: Pipeline) -> None:
    before = counted("validate", "OverflowError")
    [(_, [result])] = process_batch(exploding(pipeline), [record(GOOD)])
    assert result.dead_letter is not None
    assert result.dead_letter.error_type == "processing_error"
    assert counted("validate", "OverflowError") == before + 1


def test_the_oldest_accepted_date_comes_from_settings() -> None:
    settings = Settings(_env_file=None, oldest_published_at="2026-01-01")  # type: ignore[call-arg]
    strict = Pipeline.from_settings(settings)
    payload = json.dumps({**json.loads(GOOD), "published_at": "2025-12-31T23:00:00Z"}).encode()
    result = validate_stage(strict, record(payload), NOW)
    assert result.dead_letter is not None
    assert result.dead_letter.error_type == "invalid_timestamp"
    assert "2026-01-01T00:00:00+00:00" in result.dead_letter.reason


def test_a_failing_incident_key_dead_letters_its_input(pipeline: Pipeline) -> None:
    alerting = LINES_CUT

    def broken_key(alert: Any) -> str:
        raise LookupError("key bug")

    [(_, alerted), (_, quiet)] = process_batch(
        pipeline, [record(alerting), record(GOOD, offset=4)], broken_key
    )
    [result] = alerted
    assert result.dead_letter is not None
    assert (result.dead_letter.error_type, result.dead_letter.reason) == (
        "processing_error",
        "LookupError: key bug",
    )
    assert [out.topic for r in quiet for out in r.outputs] == ["valid", "tagged"]
