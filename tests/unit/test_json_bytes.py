"""The records the stages publish are serialised by ``json_bytes``: the same bytes as
``model_dump_json().encode()``, on our own articles and on the news stream."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from app.domain.pipeline import Pipeline
from app.evaluation.goldens import NOW, SETS, golden_pipeline
from app.streaming.records import SourceRecord, dead_letter_for, json_bytes

STREAM = Path("data") / "articles" / "news_stream_2016H1.jsonl"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return golden_pipeline()


def _records(pipeline: Pipeline, payloads: Iterable[bytes]) -> Iterator[BaseModel]:
    """Every record the stages would publish for these raw messages."""
    for offset, payload in enumerate(payloads):
        analysis = pipeline.analyze(payload, NOW)
        if analysis.rejection is not None:
            record = SourceRecord("raw", 0, offset, None, payload)
            yield dead_letter_for(record, "validate", analysis.rejection, NOW)
            continue
        yield from (m for m in (analysis.article, analysis.tagged, analysis.alert) if m)


def _check(models: Iterable[BaseModel]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for model in models:
        assert json_bytes(model) == model.model_dump_json().encode(), type(model).__name__
        kinds[type(model).__name__] = kinds.get(type(model).__name__, 0) + 1
    return kinds


def test_own_articles_serialise_to_the_same_bytes(pipeline: Pipeline) -> None:
    payloads = (raw for golden in SETS if not golden.needs_shared for _, raw in golden.items())
    kinds = _check(_records(pipeline, payloads))
    # Each kind of record was seen: the check compared something.
    assert {"Article", "TaggedArticle", "EscalationAlert", "DeadLetter"} <= set(kinds)


def test_stream_articles_serialise_to_the_same_bytes(pipeline: Pipeline, shared_dir: Path) -> None:
    with (shared_dir / STREAM).open(encoding="utf-8") as lines:
        payloads = [
            json.dumps(
                {"url": r["url"], "title": r["title"], "body": r.get("text") or "",
                 "published_at": r["date"]},
                ensure_ascii=False,
            ).encode()
            for r in map(json.loads, itertools.islice(lines, 1500))
        ]  # fmt: skip
    kinds = _check(_records(pipeline, payloads))
    assert kinds["TaggedArticle"] > 1000 and kinds["EscalationAlert"] > 10
