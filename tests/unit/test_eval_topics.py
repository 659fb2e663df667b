"""The topic evaluation: metrics on a tiny JSONL written here, through the real pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.eval_topics import topics_command
from app.domain.pipeline import Pipeline
from app.evaluation.topics import (
    REJECTED,
    EvalInputError,
    evaluate,
    load_label_map,
    read_items,
    score_predictions,
)
from app.settings import Settings

ITEMS = [
    {"title": "Striker scores twice in cup final", "text": "The team won the league.",
     "label": "sport"},
    {"title": "Shares fall as profits slump", "text": "The company cut its forecast.",
     "label": "business"},
    {"title": "Troops shell rebel town", "text": "The army said militants were killed.",
     "label": "world"},
    {"title": "", "text": "The goalkeeper saved a penalty in the match.", "label": "business"},
    {"title": "Empty body", "text": "", "label": "sport"},
]  # fmt: skip
MAP = {
    "world": ["medtop:11000000", "medtop:16000000"],
    "business": ["medtop:04000000"],
    "sport": ["medtop:15000000"],
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "items.jsonl"
    data.write_text("\n".join(json.dumps(item) for item in ITEMS) + "\n\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAP), encoding="utf-8")
    return data, mapping


def test_score_predictions_by_hand() -> None:
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", REJECTED]
    report = score_predictions(gold, predicted, ["a", "b"])
    assert report.accuracy == 0.5
    a, b = report.per_label
    assert (a.precision, a.recall) == (1.0, 0.5)
    assert (b.precision, b.recall) == (0.5, 0.5)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.5) / 2)
    assert report.confusion == {"a": {"a": 1, "b": 1}, "b": {"b": 1, REJECTED: 1}}
    assert report.rejected == 1


def test_evaluate_through_the_pipeline(files: tuple[Path, Path]) -> None:
    data, mapping = files
    report = evaluate(read_items(data), load_label_map(mapping), Pipeline.from_settings(Settings()))
    assert report.n == 5
    # Right: sport, business, world. Wrong: the sport text labelled business, the empty body.
    assert report.accuracy == pytest.approx(3 / 5)
    assert report.rejected == 1
    assert report.rejections == {"empty_body": 1}
    assert report.confusion["sport"][REJECTED] == 1
    assert report.confusion["business"]["sport"] == 1


def test_cli_json(files: tuple[Path, Path]) -> None:
    data, mapping = files
    result = CliRunner().invoke(topics_command, [str(data), "--map", str(mapping), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["n"] == 5
    assert figures["accuracy"] == pytest.approx(0.6)
    assert {"macro_f1", "per_label", "confusion"} <= set(figures)


def test_cli_tables(files: tuple[Path, Path]) -> None:
    data, mapping = files
    result = CliRunner().invoke(topics_command, [str(data), "--map", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "Confusion" in result.output


def test_bad_inputs(tmp_path: Path, files: tuple[Path, Path]) -> None:
    data, _ = files
    bad_map = tmp_path / "bad.json"
    bad_map.write_text(json.dumps({"sport": ["15000000"]}), encoding="utf-8")
    with pytest.raises(EvalInputError):
        load_label_map(bad_map)
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"sport": ["medtop:15000000"]}), encoding="utf-8")
    result = CliRunner().invoke(topics_command, [str(data), "--map", str(missing)])
    assert result.exit_code != 0 and "labels missing from the map" in result.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"title": "x", "text": "y", "label": "sport"}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvalInputError, match=":2:"):
        read_items(broken)
