"""Single hostile messages that used to lose their input, on the real broker, through a worker.

- a ~900 KB raw message: its too_large dead letter (the payload in base64) was over the
  producer's 1 MB limit, the agent crashed and the input was gone;
- a 180 KB body of one repeated country name: 30,000 actor mentions made a 2.3 MB tagged
  record, refused the same way;
- ``published_at`` of ``0001-01-01T00:00:00+14:00``: an OverflowError escaped the stage.

Each must now yield exactly one valid article or exactly one dead letter, and the worker must
go on with the next input.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.streaming.records import DEAD_LETTER_PAYLOAD_BYTES, MAX_RECORD_BYTES
from schemas import Article, DeadLetter, TaggedArticle
from tests.support.kafka_io import collect, produce
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration


def article(slug: str, body: str, published_at: str = "2026-11-26T10:00:00Z") -> bytes:
    document = {
        "url": f"https://news.example.org/{slug}",
        "title": f"Report {slug}",
        "body": body,
        "published_at": published_at,
    }
    return json.dumps(document).encode()


HUGE = article("huge", "word " * 180_000)  # ~900 KB: over max_article_bytes and base64-able
COUNTRY = article("country", "France " * 26_000)  # ~180 KB, 26,000 mentions of one actor
EARLY = article("early", "Talks resumed on Monday.", "0001-01-01T00:00:00+14:00")
LATE = article("late", "Talks resumed on Monday.", "9999-12-31T23:59:59-23:59")
AFTER = article("after", "The library will open an hour later on Saturdays, the council said.")


@pytest.fixture(params=["fused", "staged"])
def worker_env(
    request: pytest.FixtureRequest, kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    env = isolated_env(
        kafka_bootstrap,
        f"{unique_name}-{request.param}",
        tmp_path,
        BRINKWATCH_TOPOLOGY=request.param,
    )
    with running_worker(env, tmp_path) as worker:
        yield env
        log = (tmp_path / "worker.log").read_text(errors="replace")
        assert worker.poll() is None, "the worker must still be running"
    assert "crashed" not in log.lower(), log[-3000:]


async def test_each_hostile_message_yields_exactly_one_article_or_dead_letter(
    worker_env: dict[str, str],
) -> None:
    bootstrap = worker_env["BRINKWATCH_BOOTSTRAP_SERVERS"]
    topic = {
        name: worker_env[f"BRINKWATCH_TOPICS__{name.upper()}"]
        for name in ("raw", "valid", "tagged", "dlq")
    }
    inputs = [HUGE, COUNTRY, EARLY, LATE, AFTER]
    await produce(bootstrap, topic["raw"], inputs)

    def settled(records: dict[str, list[Any]]) -> bool:
        return len(records[topic["dlq"]]) >= 3 and len(records[topic["tagged"]]) >= 2

    records = await collect(bootstrap, list(topic.values()), settled, timeout_s=120)
    assert all(len(r.value) <= MAX_RECORD_BYTES for rs in records.values() for r in rs)
    raw_by_offset = {(r.partition, r.offset): r.value for r in records[topic["raw"]]}
    assert sorted(raw_by_offset.values()) == sorted(inputs)

    letters = [DeadLetter.model_validate_json(r.value) for r in records[topic["dlq"]]]
    by_input = {(d.source_partition, d.source_offset): d for d in letters}
    assert len(by_input) == len(letters) == 3, "one dead letter per bad input, no more"
    kinds = {}
    for position, letter in by_input.items():
        original = raw_by_offset[position]
        assert letter.payload_sha256 == hashlib.sha256(original).hexdigest()
        assert letter.payload_size == len(original)
        kept = base64.b64decode(letter.payload_base64)
        assert original.startswith(kept)
        kinds[original] = (letter.error_type, letter.payload_truncated, len(kept))
    assert kinds[HUGE] == ("too_large", True, DEAD_LETTER_PAYLOAD_BYTES)
    assert kinds[EARLY] == ("invalid_timestamp", False, len(EARLY))
    assert kinds[LATE] == ("invalid_timestamp", False, len(LATE))

    valid = [Article.model_validate_json(r.value) for r in records[topic["valid"]]]
    tagged = [TaggedArticle.model_validate_json(r.value) for r in records[topic["tagged"]]]
    assert sorted(a.url.rsplit("/", 1)[1] for a in valid) == ["after", "country"]
    assert sorted(t.url.rsplit("/", 1)[1] for t in tagged) == ["after", "country"]
    [country] = [t for t in tagged if t.url.endswith("/country")]
    [france] = country.actors
    assert (france.code, len(france.mentions)) == ("FRA", 200)
    assert france.mentions_omitted == 26_000 - 200
