"""``eval articles``: article-level metrics on small JSONL files written here, through the real
pipeline, and the metric helpers on hand-made outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.eval_articles import articles_command
from app.evaluation.articles import (
    ARTICLE_FIGURES,
    ArticleOutcome,
    ArticleReport,
    GoldDyad,
    LabelledArticle,
    read_labelled_articles,
    roc_auc,
)
from app.evaluation.jsonl import EvalInputError
from schemas import Dyad

STRIKE = {
    "url": "https://example.org/strike",
    "title": "Ruritania shells Borduria's border towns",
    "body": "Ruritanian artillery shelled three Bordurian border towns on Monday, killing "
    "twelve soldiers, the Bordurian defence ministry said.",
    "published_at": "2016-03-01T10:00:00Z",
}
BAKERY = {
    "url": "https://example.org/bakery",
    "title": "Bakery opens a second shop",
    "body": "The family bakery opened a second shop on the high street on Saturday.",
    "published_at": "2016-03-01T10:00:00Z",
}


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _outcome(
    label: str,
    severity: float,
    level: str | None,
    dyad: Dyad | None = None,
    gold: GoldDyad | None = None,
) -> ArticleOutcome:
    item = LabelledArticle(line=1, payload=b"{}", title="", label=label, dyad=gold, ref="x")  # type: ignore[arg-type]
    return ArticleOutcome(
        item=item, severity=severity, level=level, alerted=level is not None, dyad=dyad
    )


def test_auc_counts_ties_half_and_orders() -> None:
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert roc_auc([0.3, 0.4], [True, True]) == 0.0  # one class only


def test_report_figures_on_hand_made_outcomes() -> None:
    prk_kor = GoldDyad("PRK", "KOR")
    allies = GoldDyad("USA", "PRK", source_alt=("JPN", "KOR"))
    report = ArticleReport(
        [
            _outcome("high", 9.0, "critical", Dyad(source="PRK", target="KOR"), prk_kor),
            _outcome("high", 7.0, "high", Dyad(source="JPN", target="PRK"), allies),
            _outcome("high", 3.0, "medium", Dyad(source="KOR", target="PRK"), prk_kor),
            _outcome("medium", 4.0, "medium"),
            _outcome("quiet", 8.0, "high"),
            _outcome("quiet", 0.0, None),
            _outcome("quiet", 0.0, None),
            _outcome("quiet", 0.0, None),
        ]
    )
    figures = report.to_dict()
    assert figures["precision_high"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["recall_high"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["false_high_rate"] == 0.25
    assert figures["dyad_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["severity_auc"] == 0.8  # 12 of the 15 (high, other) pairs ordered
    assert figures["alert_rate"] == 0.625  # every detection here reaches the threshold
    assert figures["labelled_alert_share"] == 0.5
    assert figures["confusion"]["quiet"] == {"high": 1, "none": 3}
    assert [o.severity for o in report.misses(5)] == [3.0]
    assert [o.severity for o in report.false_alarms(5)] == [8.0]
    assert len(report.wrong_dyads(5)) == 1


def test_one_sided_gold_dyads_are_not_scored() -> None:
    report = ArticleReport(
        [_outcome("high", 9.0, "high", Dyad(source="USA", target="SYR"), GoldDyad(None, "BEL"))]
    )
    assert report.dyad_accuracy == 0.0  # nothing scored, not a wrong answer
    assert report.wrong_dyads(5) == []


def test_reader_accepts_body_or_text_and_rejects_bad_labels(tmp_path: Path) -> None:
    text_row = {**BAKERY, "text": BAKERY["body"], "label": "quiet"}
    del text_row["body"]
    rows = [{**STRIKE, "label": "high", "dyad": {"source": "RUR", "target": None}}, text_row]
    items = read_labelled_articles(_write(tmp_path, rows))
    assert [i.label for i in items] == ["high", "quiet"]
    assert items[0].dyad == GoldDyad("RUR", None)
    assert b'"label"' not in items[0].payload  # the label never reaches the pipeline
    with pytest.raises(EvalInputError, match="label"):
        read_labelled_articles(_write(tmp_path, [{**STRIKE, "label": "critical"}]))
    with pytest.raises(EvalInputError, match="dyad"):
        read_labelled_articles(_write(tmp_path, [{**STRIKE, "label": "high", "dyad": "PRK"}]))


def test_cli_json_runs_the_pipeline(tmp_path: Path) -> None:
    path = _write(tmp_path, [{**STRIKE, "label": "high"}, {**BAKERY, "label": "quiet"}])
    result = CliRunner().invoke(articles_command, [str(path), "--json", "--errors", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    for key in ("n", *ARTICLE_FIGURES, "misses", "false_alarms"):
        assert key in payload
    assert payload["n"] == 2
    assert payload["labels"] == {"quiet": 1, "medium": 0, "high": 1}
    assert payload["false_high_rate"] == 0.0  # the bakery raises nothing


def test_cli_tables_and_input_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, [{**STRIKE, "label": "high"}, {**BAKERY, "label": "quiet"}])
    result = CliRunner().invoke(articles_command, [str(path), "--errors", "2"])
    assert result.exit_code == 0, result.output
    for name in ARTICLE_FIGURES:
        assert name in result.output
    bad = _write(tmp_path, [{**STRIKE, "label": "loud"}])
    result = CliRunner().invoke(articles_command, [str(bad)])
    assert result.exit_code != 0
    assert "label" in result.output
