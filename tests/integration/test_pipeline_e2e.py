"""The whole pipeline on the real broker: every raw message gives exactly one valid article or
one dead letter, valid articles are tagged, escalation raises explained alerts."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from schemas import Article, DeadLetter, EscalationAlert, TaggedArticle
from tests.support.factories import raw_article
from tests.support.kafka_io import collect, produce
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration


CALM = [
    raw_article(
        f"calm-{i}",
        f"Council meeting {i}",
        f"The town council met on Tuesday to discuss road repairs and library hours ({i}).",
    )
    for i in range(8)
]
ESCALATION = [
    raw_article(
        "missiles",
        "North Korea fires missiles, threatens Seoul",
        "North Korea fired two ballistic missiles into the sea on Monday and threatened "
        "South Korea with retaliation, Seoul's military said.",
    ),
    raw_article(
        "shelling",
        "Artillery shelling kills civilians near the border",
        "Russian artillery shelled villages in eastern Ukraine overnight, killing four "
        "civilians, Ukrainian officials said.",
    ),
]
BAD = [
    b'{"url": "https://news.example.org/x", "title": "cut off',  # malformed JSON
    b"\xff\xfe\x00garbage",  # invalid UTF-8
    json.dumps(
        {
            "url": "https://news.example.org/y",
            "title": 5,
            "published_at": "2026-11-26T10:00:00Z",
            "body": "x",
        }
    ).encode(),  # wrong type
    json.dumps(
        {
            "url": "https://news.example.org/z",
            "title": "No body",
            "published_at": "2026-11-26T10:00:00Z",
        }
    ).encode(),  # missing body
    json.dumps(
        {
            "url": "https://news.example.org/f",
            "title": "Future",
            "body": "Text.",
            "published_at": "2099-01-01T00:00:00Z",
        }
    ).encode(),  # far future
    b"x" * 70_000,  # over the size limit set below
    json.dumps(
        {
            "url": "http://[::1/broken",
            "title": "Bad URL",
            "body": "Text.",
            "published_at": "2026-11-26T10:00:00Z",
        }
    ).encode(),  # unparsable URL
]


@pytest.fixture(params=["staged", "fused"])
def worker_env(
    request: pytest.FixtureRequest, kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    env = isolated_env(
        kafka_bootstrap,
        f"{unique_name}-{request.param}",
        tmp_path,
        BRINKWATCH_TOPOLOGY=request.param,
        BRINKWATCH_MAX_ARTICLE_BYTES="65536",
    )
    with running_worker(env, tmp_path):
        yield env


async def test_every_message_is_accounted_for(worker_env: dict[str, str]) -> None:
    bootstrap = worker_env["BRINKWATCH_BOOTSTRAP_SERVERS"]
    topic = {
        name: worker_env[f"BRINKWATCH_TOPICS__{name.upper()}"]
        for name in ("raw", "valid", "tagged", "alerts", "dlq")
    }
    # Bad messages are interleaved: the worker must keep going after each one.
    inputs = [
        m for pair in zip(CALM + ESCALATION, BAD + [b""] * 10, strict=False) for m in pair if m
    ]
    good = len(CALM) + len(ESCALATION)
    await produce(bootstrap, topic["raw"], inputs)

    def complete(records: dict[str, list[Any]]) -> bool:
        return (
            len(records[topic["valid"]]) + len(records[topic["dlq"]]) >= len(inputs)
            and len(records[topic["tagged"]]) >= good
            and len(records[topic["alerts"]]) >= len(ESCALATION)
        )

    records = await collect(bootstrap, list(topic.values()), complete)
    valid = [Article.model_validate_json(r.value) for r in records[topic["valid"]]]
    letters = [DeadLetter.model_validate_json(r.value) for r in records[topic["dlq"]]]
    tagged = [TaggedArticle.model_validate_json(r.value) for r in records[topic["tagged"]]]
    alerts = [EscalationAlert.model_validate_json(r.value) for r in records[topic["alerts"]]]

    # Exactly one outcome per input, and the counts add up.
    assert len(valid) == good
    assert len(letters) == len(BAD)
    assert len(valid) + len(letters) == len(inputs)
    assert len({a.article_id for a in valid}) == good
    assert sorted(base64.b64decode(d.payload_base64) for d in letters) == sorted(BAD)
    assert {d.error_type for d in letters} == {
        "malformed_json",
        "invalid_utf8",
        "schema_violation",
        "empty_body",
        "future_timestamp",
        "too_large",
        "invalid_url",
    }
    assert all(d.source_topic == topic["raw"] and d.stage == "validate" for d in letters)
    positions = {(d.source_partition, d.source_offset) for d in letters}
    assert len(positions) == len(BAD)

    # Valid articles are keyed by id and all get tagged.
    assert all(
        r.key == Article.model_validate_json(r.value).article_id.encode()
        for r in records[topic["valid"]]
    )
    assert {t.article_id for t in tagged} == {a.article_id for a in valid}

    # Escalation stories raise explained alerts; calm ones do not.
    alerted_urls = {a.url for a in alerts}
    assert alerted_urls == {
        "https://news.example.org/missiles",
        "https://news.example.org/shelling",
    }
    for alert in alerts:
        assert alert.categories and all(c.evidence for c in alert.categories)
        assert alert.severity_level in ("medium", "high", "critical")
        body = next(a.body for a in valid if a.article_id == alert.article_id)
        for category in alert.categories:
            for evidence in category.evidence:
                text = body if evidence.field == "body" else alert.title
                assert text[evidence.start : evidence.end] == evidence.phrase
    missile_alert = next(a for a in alerts if a.url.endswith("missiles"))
    assert {"PRK", "KOR"} <= set(missile_alert.actors)
