"""Hand-written (title, body) articles through the real pipeline, for the article judgement's
unit tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.domain.pipeline import Analysis, Pipeline

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def raw_fixture(title: str, body: str) -> bytes:
    """The JSON a producer sends for a hand-written article (its URL derives from the title)."""
    return json.dumps(
        {
            "url": f"https://fixtures.invalid/{abs(hash(title))}",
            "title": title,
            "body": body,
            "published_at": "2026-03-01T09:00:00Z",
            "source": "fixtures",
        }
    ).encode()


def analyze(pipeline: Pipeline, article: tuple[str, str]) -> Analysis:
    """The pipeline's analysis of a (title, body) article at ``NOW``."""
    return pipeline.analyze(raw_fixture(*article), NOW)
