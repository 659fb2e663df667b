"""What every ``brinkwatch eval`` command shares: the ``--errors`` option and one timed run of
the real pipeline over the items read from the command's file."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import click

from app.domain.pipeline import Pipeline
from app.evaluation.jsonl import EvalInputError
from app.settings import Settings

Items = TypeVar("Items")
Report = TypeVar("Report")


def errors_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--errors N``: how many of the worst errors to list with their evidence."""
    return click.option(
        "--errors",
        "errors",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help=help_text,
    )


@dataclass(frozen=True, slots=True)
class Scored(Generic[Report]):
    """A report with the settings it was made under and the seconds the scoring took."""

    report: Report
    settings: Settings
    seconds: float

    def json_header(self) -> dict[str, object]:
        """The fields every ``--json`` output of a pipeline evaluation starts with."""
        return {"alert_min_level": self.settings.alert_min_level, "seconds": round(self.seconds, 3)}


def score_with_pipeline(
    read: Callable[[], Items], score: Callable[[Items, Pipeline], Report]
) -> Scored[Report]:
    """Read the items, build the pipeline from the settings and time ``score`` over them; bad
    input files become a click error (exit 1 with the reason), not a traceback."""
    settings = Settings()
    try:
        items = read()
        pipeline = Pipeline.from_settings(settings)
        started = time.perf_counter()
        report = score(items, pipeline)
        seconds = time.perf_counter() - started
    except EvalInputError as exc:
        raise click.ClickException(str(exc)) from exc
    return Scored(report, settings, seconds)
