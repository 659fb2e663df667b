"""``brinkwatch eval articles``: article-level scores of the real pipeline on labelled JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from app.cli.eval_common import errors_option, score_with_pipeline
from app.evaluation.articles import (
    ARTICLE_FIGURES,
    ArticleOutcome,
    ArticleReport,
    evaluate_articles,
    read_labelled_articles,
)

_FIGURES = ARTICLE_FIGURES


@click.command("articles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@errors_option("Show the N worst misses, false alarms and wrong dyads with their evidence.")
def articles_command(file: Path, as_json: bool, errors: int) -> None:
    """Score whole articles on FILE (JSONL: url, title, body or text, published_at, label
    quiet/medium/high, optional dyad {"source", "target"}).

    "high" means the detection reaches high or critical; the alert rate counts alerts at the
    configured BRINKWATCH_ALERT_MIN_LEVEL.
    """
    scored = score_with_pipeline(lambda: read_labelled_articles(file), evaluate_articles)
    report = scored.report
    if as_json:
        payload = {**report.to_dict(), **scored.json_header()}
        if errors:
            payload["misses"] = [_error_dict(o) for o in report.misses(errors)]
            payload["false_alarms"] = [_error_dict(o) for o in report.false_alarms(errors)]
            payload["wrong_dyads"] = [_error_dict(o) for o in report.wrong_dyads(errors)]
        click.echo(json.dumps(payload))
        return
    _print_report(report, scored.seconds, scored.settings.alert_min_level, errors)


def _error_dict(outcome: ArticleOutcome) -> dict[str, object]:
    gold = outcome.item.dyad
    return {
        "line": outcome.item.line,
        "ref": outcome.item.ref,
        "title": outcome.item.title,
        "label": outcome.item.label,
        "severity": outcome.severity,
        "level": outcome.level,
        "dyad": outcome.dyad.model_dump() if outcome.dyad else None,
        "gold_dyad": {"source": gold.source, "target": gold.target} if gold else None,
        "evidence": [
            {"category": c.category, "rule_id": e.rule_id, "phrase": e.phrase, "field": e.field}
            for c in outcome.categories
            for e in c.evidence
        ],
        "judgement": outcome.judgement.model_dump() if outcome.judgement else None,
    }


def _print_report(report: ArticleReport, elapsed: float, level: str, errors: int) -> None:
    console = Console()
    figures = report.to_dict()
    console.print(
        f"[bold]{report.n}[/bold] articles in {elapsed:.2f}s at alert_min_level={level}: "
        + "  ".join(f"{name} [bold]{figures[name]:.4f}[/bold]" for name in _FIGURES)
    )
    confusion = Table(title="Gold label (rows) against the detected level (columns)")
    levels = ("none", "low", "medium", "high", "critical")
    confusion.add_column("gold")
    for column in levels:
        confusion.add_column(column, justify="right")
    for label, row in report.confusion().items():
        confusion.add_row(label, *(str(row.get(column, 0)) for column in levels))
    console.print(confusion)
    sections = (
        ("Misses (label high, not detected high)", report.misses(errors)),
        ("False alarms (label quiet, detected high)", report.false_alarms(errors)),
        ("Wrong dyads (label high)", report.wrong_dyads(errors)),
    )
    for title, shown in sections:
        if not errors or not shown:
            continue
        table = Table(title=title, show_lines=True)
        for column in ("ref", "severity", "dyad (gold)", "evidence", "judgement", "title"):
            table.add_column(column, overflow="fold")
        for outcome in shown:
            evidence = "; ".join(
                f"{c.category}: {e.phrase!r} ({e.rule_id}, {e.field})"
                for c in outcome.categories
                for e in c.evidence[:2]
            )
            dyad = outcome.dyad
            gold = outcome.item.dyad
            dyads = (f"{dyad.source}->{dyad.target}" if dyad else "-") + (
                f" ({gold.source}->{gold.target})" if gold else ""
            )
            table.add_row(
                outcome.item.ref[:60],
                f"{outcome.severity} {outcome.level or 'none'}",
                dyads,
                evidence or "-",
                "; ".join(outcome.judgement.reasons) if outcome.judgement else "-",
                outcome.item.title[:200],
            )
        console.print(table)
