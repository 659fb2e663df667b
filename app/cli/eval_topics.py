"""``brinkwatch eval topics``: topic accuracy of the real validate + tag stages on JSONL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from app.domain.pipeline import Pipeline
from app.evaluation.jsonl import EvalInputError
from app.evaluation.topics import REJECTED, EvalReport, evaluate, load_label_map
from app.evaluation.topics import read_items as read_eval_items
from app.settings import Settings


@click.command("topics")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "map_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON object: dataset label -> list of IPTC codes, e.g. {"sport": ["medtop:15000000"]}.',
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def topics_command(file: Path, map_path: Path, as_json: bool) -> None:
    """Score topic tagging on FILE (JSONL with title, text, label) through the real pipeline."""
    try:
        label_map = load_label_map(map_path)
        items = read_eval_items(file)
        pipeline = Pipeline.from_settings(Settings())
        started = time.perf_counter()
        report = evaluate(items, label_map, pipeline)
        elapsed = time.perf_counter() - started
    except EvalInputError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "seconds": round(elapsed, 3)}))
        return
    _print_report(report, elapsed)


def _print_report(report: EvalReport, elapsed: float) -> None:
    console = Console()
    console.print(
        f"[bold]{report.n}[/bold] articles in {elapsed:.2f}s  "
        f"accuracy [bold]{report.accuracy:.4f}[/bold]  macro-F1 [bold]{report.macro_f1:.4f}[/bold]"
        f"  rejected {report.rejected}"
        + (
            f" ({', '.join(f'{k}: {v}' for k, v in report.rejections.items())})"
            if report.rejected
            else ""
        )
    )
    per_label = Table(title="Per label")
    for column in ("label", "precision", "recall", "F1", "support"):
        per_label.add_column(column, justify="left" if column == "label" else "right")
    for s in report.per_label:
        per_label.add_row(
            s.label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
        )
    console.print(per_label)
    columns = [*report.labels, REJECTED] if report.rejected else list(report.labels)
    confusion = Table(title="Confusion (rows: gold, columns: predicted)")
    confusion.add_column("gold")
    for label in columns:
        confusion.add_column(label, justify="right")
    for gold in report.labels:
        row = report.confusion.get(gold, {})
        confusion.add_row(gold, *(str(row.get(label, 0)) for label in columns))
    console.print(confusion)
