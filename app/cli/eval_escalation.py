"""``brinkwatch eval escalation``: conflict-vs-not scores of the real pipeline on JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from app.cli.eval_common import errors_option, score_with_pipeline
from app.evaluation.escalation import EscalationReport, Outcome, evaluate, read_items


@click.command("escalation")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@errors_option("Show the first N false positives and false negatives with their evidence.")
def escalation_command(file: Path, as_json: bool, errors: int) -> None:
    """Score escalation alerts on FILE (JSONL: text, optional title and date, label 0/1).

    The prediction is 1 exactly when the pipeline publishes an alert at the configured
    BRINKWATCH_ALERT_MIN_LEVEL.
    """
    scored = score_with_pipeline(lambda: read_items(file), evaluate)
    report = scored.report
    if as_json:
        payload = {**report.to_dict(), **scored.json_header()}
        if errors:
            payload["false_positives"] = [_error_dict(o) for o in report.errors("fp", errors)]
            payload["false_negatives"] = [_error_dict(o) for o in report.errors("fn", errors)]
        click.echo(json.dumps(payload))
        return
    _print_report(report, scored.seconds, scored.settings.alert_min_level, errors)


def _error_dict(outcome: Outcome) -> dict[str, object]:
    return {
        "line": outcome.item.line,
        "title": outcome.item.title,
        "text": outcome.item.text[:500],
        "severity": outcome.severity,
        "level": outcome.level,
        "evidence": [
            {"category": c.category, "rule_id": e.rule_id, "phrase": e.phrase}
            for c in outcome.categories
            for e in c.evidence
        ],
    }


def _print_report(report: EscalationReport, elapsed: float, level: str, errors: int) -> None:
    console = Console()
    console.print(
        f"[bold]{report.n}[/bold] items in {elapsed:.2f}s at alert_min_level={level}  "
        f"precision [bold]{report.precision:.4f}[/bold]  recall [bold]{report.recall:.4f}[/bold]"
        f"  F1 [bold]{report.f1:.4f}[/bold]"
    )
    confusion = Table(title="Confusion (rows: gold, columns: predicted)")
    for column in ("gold", "alert (1)", "no alert (0)"):
        confusion.add_column(column, justify="left" if column == "gold" else "right")
    confusion.add_row("conflict (1)", str(report.tp), str(report.fn))
    confusion.add_row("not (0)", str(report.fp), str(report.tn))
    console.print(confusion)
    for kind, title in (("fp", "False positives"), ("fn", "False negatives")):
        shown = report.errors(kind, errors) if errors else []
        if not shown:
            continue
        table = Table(title=title, show_lines=True)
        for column in ("line", "severity", "evidence", "text"):
            table.add_column(column, overflow="fold")
        for outcome in shown:
            evidence = "; ".join(
                f"{c.category}: {e.phrase!r} ({e.rule_id})"
                for c in outcome.categories
                for e in c.evidence[:3]
            )
            severity = "-" if outcome.severity is None else f"{outcome.severity} {outcome.level}"
            text = (outcome.item.title + " | " if outcome.item.title else "") + outcome.item.text
            table.add_row(str(outcome.item.line), severity, evidence or "-", text[:400])
        console.print(table)
