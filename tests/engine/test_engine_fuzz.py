"""The engine on arbitrary Unicode (seeded random text): no panic, every offset handed back
a valid character offset whose slice is the text reported."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from app.domain.pipeline import Pipeline
from app.settings import Settings
from schemas import TaggedArticle

# Pieces that exercise the scans: triggers, actors, cues, years, marks, and odd characters
# (combining marks, case changes that alter length, surrogate-free astral symbols, controls).
PIECES = [
    "North Korea",
    "Seoul",
    "threatened",
    "attack",
    "killed 40",
    "did not",
    "in 1999",
    "cut ties",
    "sanctions",
    "the North",
    "Georgia",
    "Mr.",
    "U.S.",
    "war",
    "?",
    ".",
    "!",
    "“",
    "”",
    "’",
    "—",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "İ",
    "ß",
    "Σ",
    "K",
    "e\u0301",
    "🚀",
    "\u200b",
    "\u00a0",
    "\x85",
    "日本",
    "Ωmega",
    "ǅ",
    "\ufeff",
    "\u2028",
    "£5bn",
    "_",
]


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 60)):
        if rng.random() < 0.7:
            parts.append(rng.choice(PIECES))
        else:
            parts.append(chr(rng.choice([rng.randint(32, 0x2FF), rng.randint(0x370, 0xFFFF)])))
    return "".join(p for p in parts if not 0xD800 <= ord(p[0]) <= 0xDFFF)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings())


def test_random_unicode_gives_valid_offsets(pipeline: Pipeline) -> None:
    rng = random.Random(13)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for _ in range(400):
        title, body = _text(rng)[:120], _text(rng) or "x"
        topics = pipeline.topic_tagger.tag(title, body)
        actors = pipeline.actor_recognizer.find(title, body)
        for actor in actors:
            for m in actor.mentions:
                field = title if m.field == "title" else body
                assert 0 <= m.start < m.end <= len(field) and field[m.start : m.end] == m.text
        tagged = TaggedArticle(
            article_id="f", url="https://x.invalid/f", title=title, body=body,
            published_at=now, ingested_at=now, language="en", topics=topics, actors=actors,
        )  # fmt: skip
        for hit in pipeline.detector.evidence(tagged):
            field = title if hit.field == "title" else body
            assert hit.sentence_start <= hit.start < hit.end <= hit.sentence_end <= len(field)
            assert field[hit.start : hit.end] == hit.phrase
        detection = pipeline.detector.detect(tagged)
        for category in detection.categories if detection else []:
            for evidence in category.evidence:
                field = title if evidence.field == "title" else body
                assert field[evidence.start : evidence.end] == evidence.phrase
