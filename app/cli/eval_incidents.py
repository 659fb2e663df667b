"""``brinkwatch eval incidents``: pairwise grouping scores of the pipeline and the incident
engine on labelled article pairs, in process (no Kafka)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from rich.console import Console

from app.domain.incidents.engine import IncidentEngine
from app.domain.pipeline import Pipeline
from app.evaluation.incidents import analyze_pairs, evaluate, read_pairs
from app.evaluation.jsonl import EvalInputError
from app.settings import Settings


@click.command("incidents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--split",
    type=click.Choice(["all", "even", "odd"]),
    default="all",
    show_default=True,
    help="Score every pair, or only the pairs on even / odd (0-based) indices: the grouping "
    "policy was tuned on even, so odd is the held-out half.",
)
def incidents_command(file: Path, as_json: bool, split: str) -> None:
    """Score incident grouping on FILE (JSONL: {"a": ARTICLE, "b": ARTICLE, "same": bool},
    ARTICLE as sent on articles.raw). Positive = both articles end in one incident."""
    settings = Settings()
    try:
        pairs = read_pairs(file)
    except EvalInputError as exc:
        raise click.ClickException(str(exc)) from exc
    if split != "all":
        pairs = pairs[(0 if split == "even" else 1) :: 2]
    started = time.perf_counter()
    pipeline = Pipeline.from_settings(settings)
    engine = IncidentEngine(settings.incidents.grouping(), settings.incidents.notification())
    report = evaluate(pairs, analyze_pairs(pairs, pipeline), engine)
    elapsed = time.perf_counter() - started
    figures = {**report.to_dict(), "split": split, "seconds": round(elapsed, 3)}
    if as_json:
        click.echo(json.dumps(figures))
        return
    console = Console()
    console.print(
        f"[bold]{report.n}[/bold] pairs ({split}) in {elapsed:.2f}s  precision "
        f"[bold]{report.precision:.4f}[/bold]  recall [bold]{report.recall:.4f}[/bold]  "
        f"F1 [bold]{report.f1:.4f}[/bold]"
    )
    given = report.given_alerts()
    console.print(
        f"given two alerts: [bold]{given.n}[/bold] pairs  precision "
        f"[bold]{given.precision:.4f}[/bold]  recall [bold]{given.recall:.4f}[/bold]  "
        f"F1 [bold]{given.f1:.4f}[/bold]"
    )
    console.print(
        f"tp {figures['tp']} fp {figures['fp']} fn {figures['fn']} tn {figures['tn']}; "
        f"same-event pairs without two alerts: {figures['positives_without_two_alerts']}; "
        f"with different grouping keys: {figures['positives_with_different_keys']}"
    )
    misses = figures["misses"]
    assert isinstance(misses, dict)
    console.print("same-event pairs missed: " + ", ".join(f"{k} {v}" for k, v in misses.items()))
