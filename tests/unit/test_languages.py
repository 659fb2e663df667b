"""Articles in languages the rules are not written in: tagged with their language (whatlang in
the engine), never matched against the English rules, counted in /metrics by language.
The articles are in tests/fixtures/languages.jsonl (written for brinkwatch)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from app.domain.pipeline import Pipeline
from app.settings import Settings
from app.streaming.agents import _count
from app.streaming.records import SourceRecord
from app.streaming.stages import fused_stages

FIXTURES = Path(__file__).parents[1] / "fixtures" / "languages.jsonl"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(default_language="en"))


def _raw(title: str, body: str) -> bytes:
    article = {"url": "https://x.invalid/a", "title": title, "body": body, "published_at": NOW}
    return json.dumps(article, default=str).encode()


def _articles() -> list[dict[str, str]]:
    return [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(("index", "language"), [(0, "fr"), (1, "de"), (2, "es")])
def test_each_article_gets_its_language_and_no_alert(
    pipeline: Pipeline, index: int, language: str
) -> None:
    article = _articles()[index]
    analysis = pipeline.analyze(_raw(article["title"], article["text"]), NOW)
    assert analysis.tagged is not None and analysis.tagged.language == language
    assert analysis.detection is None and analysis.alert is None
    assert not pipeline.covers(language)


def test_the_french_menace_is_not_the_english_threat(pipeline: Pipeline) -> None:
    french = _articles()[0]
    assert "menace" in french["text"]
    # The same article declared English by its producer is matched (and alerts): the rules
    # would fire on it; only the language keeps them off.
    raw = json.loads(_raw(french["title"], french["text"]))
    analysis = pipeline.analyze(json.dumps({**raw, "language": "en"}).encode(), NOW)
    assert analysis.detection is not None


def test_english_news_is_english(pipeline: Pipeline) -> None:
    body = (
        "North Korea said on Tuesday it had cut all military and diplomatic lines with the "
        "South and threatened to close the liaison office, calling Seoul an enemy."
    )
    analysis = pipeline.analyze(_raw("North Korea cuts hotlines", body), NOW)
    assert analysis.tagged is not None and analysis.tagged.language == "en"
    assert analysis.alert is not None


def test_uncovered_languages_are_counted_by_language(pipeline: Pipeline) -> None:
    def count() -> float:
        value = REGISTRY.get_sample_value(
            "brinkwatch_articles_by_language_total", {"language": "de", "covered": "false"}
        )
        return value or 0.0

    article = _articles()[1]
    record = SourceRecord(
        topic="articles.raw", partition=0, offset=1, key=None,
        value=_raw(article["title"], article["text"]), timestamp=None,
    )  # fmt: skip
    before = count()
    results = fused_stages(pipeline, record, NOW)
    assert results[-1].language == ("de", False)
    for result in results:
        _count(result, 0.001)
    assert count() == before + 1
