"""``eval escalation``: metrics on tiny JSONL files written here, through the real pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.eval_escalation import escalation_command
from app.domain.pipeline import Pipeline
from app.evaluation.escalation import EscalationReport, EvalInputError, evaluate, read_items
from app.settings import Settings

CONFLICT = [
    "Gunmen killed at least twelve soldiers in an ambush near the border with Niger.",
    "Ruritania threatened to strike Borduria's air bases if the blockade continued.",
    "The army shelled rebel positions outside the city for a third day.",
]
CALM = [
    "The two ministers signed a trade agreement on Tuesday.",
    "The bakery opened a second shop on the high street.",
    "Supermarkets are locked in a price war over milk.",
]


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_metrics_on_a_mixed_file(tmp_path: Path) -> None:
    rows = [{"text": t, "label": 1} for t in CONFLICT] + [{"text": t, "label": 0} for t in CALM]
    rows.append({"text": "Exports rose by two percent in May.", "title": "", "label": 1})
    report = evaluate(read_items(_write(tmp_path, rows)), Pipeline.from_settings(Settings()))
    assert (report.tp, report.fp, report.tn, report.fn) == (3, 0, 3, 1)
    assert report.precision == 1.0
    assert report.recall == pytest.approx(0.75)
    assert report.f1 == pytest.approx(2 * 0.75 / 1.75)
    assert [o.item.line for o in report.errors("fn", 5)] == [7]


def test_empty_denominators_are_zero() -> None:
    assert EscalationReport(tp=0, fp=0, tn=4, fn=0, outcomes=[]).to_dict()["f1"] == 0.0
    report = EscalationReport(tp=0, fp=0, tn=0, fn=3, outcomes=[])
    assert (report.precision, report.recall, report.f1) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("label", [0, 1])
def test_cli_json_on_single_class_files(tmp_path: Path, label: int) -> None:
    texts = CONFLICT if label else CALM
    path = _write(tmp_path, [{"text": t, "title": "", "label": label} for t in texts])
    result = CliRunner().invoke(escalation_command, [str(path), "--json", "--errors", "2"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    for key in ("precision", "recall", "f1", "n", "tp", "fp", "tn", "fn"):
        assert key in payload
    assert payload["n"] == 3
    if label:
        assert payload["tp"] == 3 and payload["recall"] == 1.0
    else:
        assert payload["tn"] == 3 and payload["precision"] == 0.0 and payload["f1"] == 0.0


def test_cli_tables_and_errors(tmp_path: Path) -> None:
    rows = [{"text": CONFLICT[0], "label": 0}, {"text": CALM[0], "label": 1}]
    result = CliRunner().invoke(escalation_command, [str(_write(tmp_path, rows)), "--errors", "5"])
    assert result.exit_code == 0, result.output
    assert "False positives" in result.output and "False negatives" in result.output
    assert "assault" in result.output


@pytest.mark.parametrize(
    "line", ['{"text": "x"}', '{"text": 3, "label": 1}', "not json", '{"text": "x", "label": 2}']
)
def test_bad_lines_are_reported(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"bad\.jsonl:1"):
        read_items(path)
    result = CliRunner().invoke(escalation_command, [str(path)])
    assert result.exit_code != 0
