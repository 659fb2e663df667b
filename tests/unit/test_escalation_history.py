"""Reported history: explicit years mark a trigger as history only when the text says so."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.engine import EscalationEngine
from app.domain.pipeline import Pipeline
from app.evaluation.escalation import EvalInputError, evaluate, read_items
from app.settings import Settings


@pytest.mark.parametrize(
    ("window", "year", "history"),
    [
        ("the plant closed in 2016 after a missile test in", 2020, True),
        ("opposed from 1950 to 1953", 2020, True),
        ("fought the 1950-53 war and", 2020, True),
        ("during the 2003 war troops", 2005, True),
        ("sanctions imposed until 2015 on", 2016, True),
        ("militants of the 1990s attacked", 2016, True),
        # a bare recent year is the date of the news, not history
        ("troops attacked the town in 2019", 2020, False),
        ("troops attacked the town in 2019", 2019, False),
        # ongoing since a year
        ("rebels have been fighting the army since 2011 in", 2016, False),
        ("the army that invaded in 2014 still occupies", 2016, False),
        ("troops attacked the town on monday", 2016, False),
        ("the 2016 war", 2016, False),
    ],
)
def test_years_mark_history_only_when_clearly_past(window: str, year: int, history: bool) -> None:
    assert EscalationEngine.reported_history(window, year) is history


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings())


def test_evaluation_uses_the_items_own_date(tmp_path: Path, pipeline: Pipeline) -> None:
    text = "Government troops attacked the rebel-held town in 2019, killing 12 civilians."
    rows = [
        {"text": text, "label": 1, "date": "2019-06-01"},
        {"text": text, "label": 1, "date": "2024-06-01T00:00:00Z"},
        {"text": text, "label": 1},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = read_items(path)
    assert items[0].published == datetime(2019, 6, 1, tzinfo=UTC)
    report = evaluate(items, pipeline, now=datetime(2025, 1, 1, tzinfo=UTC))
    # 2019 news: an attack; read in 2024 (or stamped 2025): five years back is history.
    assert [o.predicted for o in report.outcomes] == [1, 0, 0]


def test_a_bad_date_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "label": 0, "date": "last week"}\n', encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"bad\.jsonl:1: 'date'"):
        read_items(path)
