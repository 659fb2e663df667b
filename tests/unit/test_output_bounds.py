"""Every output fits under the producer's limit by construction: mentions and evidence are
capped, oversized records become output_too_large dead letters, and a dead letter carries a
payload too large for it as its first bytes with the whole payload's size and SHA-256."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest
from faust.exceptions import ProducerSendError

from app.domain.actors import MAX_MENTIONS_PER_ACTOR, MAX_MENTIONS_PER_ARTICLE, cap_mentions
from app.domain.findings import Detection
from app.domain.pipeline import MAX_EVIDENCE_PER_CATEGORY, Pipeline, build_alert
from app.domain.validation import Rejection
from app.settings import Settings
from app.streaming.faust_app import DirectOutput, RefusedOutputs
from app.streaming.records import (
    DEAD_LETTER_PAYLOAD_BYTES,
    MAX_RECORD_BYTES,
    SourceRecord,
    dead_letter_for,
    dead_letter_outgoing,
)
from app.streaming.stages import fused_stages, tag_stage, validate_stage
from schemas import DeadLetter, TaggedArticle

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


def record(value: bytes) -> SourceRecord:
    return SourceRecord("t.raw", 1, 5, b"key", value)


def raw(body: str, title: str = "A long report") -> bytes:
    return json.dumps(
        {
            "url": "https://news.example.org/long",
            "title": title,
            "body": body,
            "published_at": "2026-11-27T08:00:00Z",
        }
    ).encode()


def test_a_body_of_one_repeated_country_gives_a_tagged_record_that_fits(
    pipeline: Pipeline,
) -> None:
    payload = raw("France " * 25_000)  # 175 KB, 25,000 mentions
    results = fused_stages(pipeline, record(payload), NOW)
    assert [r.dead_letter for r in results] == [None, None, None]
    tagged_out = results[1].outputs[0]
    assert len(tagged_out.value) < MAX_RECORD_BYTES
    tagged = TaggedArticle.model_validate_json(tagged_out.value)
    [france] = tagged.actors
    assert france.code == "FRA"
    assert len(france.mentions) == MAX_MENTIONS_PER_ACTOR
    assert france.mentions_omitted == 25_000 - MAX_MENTIONS_PER_ACTOR
    assert [m.start for m in france.mentions[:2]] == [0, 7]  # the first ones are kept


def test_mention_caps_per_actor_and_per_article() -> None:
    def actor(code: str, count: int) -> dict[str, object]:
        return {"code": code, "name": code, "mentions": list(range(count))}

    actors = [actor(f"A{i:02d}", 300) for i in range(8)] + [actor("Z", 1)]
    capped = cap_mentions(actors)
    kept = [len(a["mentions"]) for a in capped]  # type: ignore[arg-type]
    assert sum(kept) <= MAX_MENTIONS_PER_ARTICLE
    assert max(kept) <= MAX_MENTIONS_PER_ACTOR
    assert min(kept) >= 1  # every actor keeps its first mention
    for before, after in zip(actors, capped, strict=True):
        omitted = after.get("mentions_omitted", 0)
        assert len(after["mentions"]) + omitted == len(before["mentions"])  # type: ignore[arg-type]
    small = [actor("FRA", 3), actor("DEU", 2)]
    assert cap_mentions(small) is small


def test_alert_evidence_is_capped_per_category(pipeline: Pipeline) -> None:
    sentence = "Russian forces shelled Kyiv on Sunday, Ukrainian officials said. "
    [_, tagged, detected] = fused_stages(pipeline, record(raw(sentence, title="Shelling")), NOW)
    assert tagged.tagged is not None and detected.alert is not None
    [category] = detected.alert.categories
    many = category.model_copy(update={"evidence": category.evidence * 50})
    detection = Detection([many], 5.0, "high", None, "rules@1")
    [capped] = build_alert(tagged.tagged, detection, NOW).categories
    assert len(capped.evidence) == MAX_EVIDENCE_PER_CATEGORY
    assert capped.evidence_omitted == 50 * len(category.evidence) - MAX_EVIDENCE_PER_CATEGORY


def test_an_output_over_the_limit_is_dead_lettered_as_output_too_large(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.streaming.records.MAX_RECORD_BYTES", 50_000)
    # A producer id of 30 KB: the valid record (the id as key and in the value) cannot fit.
    document = json.loads(raw("Talks resume."))
    payload = json.dumps({**document, "id": "x" * 30_000}).encode()
    for result in (
        validate_stage(pipeline, record(payload), NOW),
        fused_stages(pipeline, record(payload), NOW)[0],
    ):
        [out] = result.outputs
        assert out.topic == "dlq"
        letter = DeadLetter.model_validate_json(out.value)
        assert (letter.stage, letter.error_type) == ("validate", "output_too_large")
        assert "valid record" in letter.reason


def test_a_tag_output_over_the_limit_is_dead_lettered_in_the_staged_topology(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.streaming.records.MAX_RECORD_BYTES", 50_000)
    [valid] = validate_stage(pipeline, record(raw("Talks resume.")), NOW).outputs
    article = json.loads(valid.value)
    article["article_id"] = "y" * 30_000
    result = tag_stage(pipeline, record(json.dumps(article).encode()), NOW)
    assert result.dead_letter is not None
    assert result.dead_letter.error_type == "output_too_large"


@pytest.mark.parametrize("size", [10, DEAD_LETTER_PAYLOAD_BYTES, 999_000])
def test_a_dead_letter_always_fits_and_says_what_it_left_out(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + b"\x00" * (size % 256)
    reason = Rejection("too_large", "\x00" * 5000)  # escapes to six bytes per character
    letter = dead_letter_for(record(payload), "validate", reason, NOW)
    out = dead_letter_outgoing(letter, record(payload))
    assert len(out.value) + len(out.key) < MAX_RECORD_BYTES
    kept = base64.b64decode(letter.payload_base64)
    assert letter.payload_size == size
    assert letter.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert letter.payload_truncated == (size > DEAD_LETTER_PAYLOAD_BYTES)
    assert kept == payload[:DEAD_LETTER_PAYLOAD_BYTES]


class _RefusingProducer:
    async def send(self, *args: object, **kwargs: object) -> None:
        raise ProducerSendError("MessageSizeTooLargeError: the message is 1200000 bytes")


class _App:
    producer = _RefusingProducer()


async def test_a_record_the_producer_refuses_at_once_queues_its_input_not_an_exception() -> None:
    refused = RefusedOutputs()
    output = DirectOutput(_App(), "t.tagged", refused)
    source = record(b"{}")
    delivery = await output.send(key=b"k", value=b"v", source=source, stage="tag")
    assert delivery is None
    [refusal] = refused.take()
    assert (refusal.record, refusal.stage, refusal.topic) == (source, "tag", "t.tagged")
    assert "MessageSizeTooLarge" in refusal.error
    # A dead letter refused at once has no input to queue: counted and logged, not raised.
    assert await DirectOutput(_App(), "t.dlq").send(key=b"t/0/1", value=b"v") is None
