"""``brinkwatch``: run the worker, feed it, watch it, evaluate it, manage the local broker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from app.cli.bench import bench_command
from app.cli.eval_articles import articles_command
from app.cli.eval_escalation import escalation_command
from app.cli.eval_incidents import incidents_command
from app.cli.eval_topics import topics_command
from app.settings import Settings, get_settings

console = Console(stderr=True)
DEMO_FEED = Path(__file__).resolve().parent.parent / "demo" / "articles.jsonl"


def _show_version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from app.domain.engine import describe

    click.echo(f"brinkwatch {version('brinkwatch')}\n{describe()}")
    ctx.exit()


@click.group()
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and the engine that runs (its build), then exit.",
)
def main() -> None:
    """brinkwatch: explained escalation alerts from a stream of news."""


@main.command()
def doctor() -> None:
    """Say what runs: the engine and its build, the rules, the languages they cover."""
    from app.domain.engine import describe
    from app.domain.escalation import load_ruleset

    settings = get_settings()
    try:
        rules = load_ruleset(settings.rules_path)
    except ValueError as exc:
        click.echo(describe())
        raise click.ClickException(str(exc)) from exc
    click.echo(describe())
    click.echo(f"escalation rules: {rules.label}, languages {', '.join(rules.languages)}")


@main.command()
@click.option(
    "--topology",
    type=click.Choice(["staged", "fused"]),
    default=None,
    help="Override BRINKWATCH_TOPOLOGY.",
)
def worker(topology: str | None) -> None:
    """Run the Faust worker (agents, /metrics, the dashboard unless moved out) until interrupted."""
    settings = get_settings()
    if topology:
        settings = settings.model_copy(update={"topology": topology})
    _run_worker(settings)


def _run_worker(settings: Settings) -> None:
    # Deferred: importing Faust costs ~0.7 s, which the other commands skip.
    from app.streaming.faust_app import create_app
    from app.streaming.worker import BrinkwatchWorker
    from app.web.security import ExposureError

    try:
        app = create_app(settings)
    except ExposureError as exc:
        raise click.ClickException(str(exc)) from exc
    BrinkwatchWorker(app, loglevel=settings.log_level, quiet=True).execute_from_commandline()


@main.command()
def dashboard() -> None:
    """Run the operator dashboard alone, fed from Kafka (no Faust app, no consumer group).

    For workers run with BRINKWATCH_DASHBOARD__IN_WORKER=false: one dashboard for the whole
    stream, on BRINKWATCH_WEB_HOST:BRINKWATCH_DASHBOARD__PORT.
    """
    from app.web.security import ExposureError, check_exposure
    from app.web.standalone import run as run_dashboard

    settings = get_settings()
    try:
        check_exposure(settings)
    except ExposureError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"[bold]dashboard:[/bold] http://{settings.web_host}:{settings.dashboard.port}/")
    sys.exit(run_dashboard(settings))


@main.command()
@click.option(
    "--feed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEMO_FEED,
    show_default="the bundled demo feed",
)
@click.option(
    "--rate", type=float, default=2.0, show_default=True, help="Demo articles per second."
)
def run(feed: Path, rate: float) -> None:
    """The main job: local broker, worker with dashboard, and a demo feed replayed into it.

    Incidents and trends run here unless BRINKWATCH_INCIDENTS__ENABLED says otherwise (the
    worker's default is off, for their CPU and changelog cost; the demo shows the panel).
    """
    os.environ.setdefault("BRINKWATCH_INCIDENTS__ENABLED", "true")
    settings = get_settings()
    if settings.uses_local_broker:
        _start_local_broker(settings)
    console.print(f"[bold]dashboard:[/bold] http://{settings.web_host}:{settings.web_port}/")
    # The feed runs beside the worker so alerts appear while the operator watches.
    feeder = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "produce",
            str(feed),
            "--rate",
            str(rate),
            "--wait-for-topic",
        ],
    )
    try:
        _run_worker(settings)
    finally:
        feeder.terminate()


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--topic", default=None, help="Target topic (default: the raw topic).")
@click.option("--rate", type=float, default=None, help="Messages per second (default: max).")
@click.option("--wait-for-topic", is_flag=True, help="Wait until the topic exists first.")
def produce(file: str, topic: str | None, rate: float | None, wait_for_topic: bool) -> None:
    """Replay a JSONL file of articles onto the input topic, one message per line."""
    from app.cli.io import produce_lines, wait_for_topics

    settings = get_settings()
    target = topic or settings.topics.raw
    stream = sys.stdin.buffer if file == "-" else Path(file).open("rb")  # noqa: SIM115
    with stream:
        lines = [line.rstrip(b"\r\n") for line in stream if line.strip()]
    if wait_for_topic:
        asyncio.run(wait_for_topics(settings, [target], timeout_s=120.0))
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(f"producing to {target}", total=len(lines))
        sent = asyncio.run(
            produce_lines(settings, target, lines, rate, lambda: progress.advance(task))
        )
    console.print(f"sent {sent} messages to {target}")


@main.command()
@click.option("--from-beginning", is_flag=True, help="Start at the oldest alert.")
@click.option("--json", "as_json", is_flag=True, help="Print alerts as JSON lines.")
@click.option("--max", "max_alerts", type=int, default=None, help="Stop after N alerts.")
@click.option("--timeout", type=float, default=None, help="Stop after S seconds.")
@click.option(
    "--topic",
    default=None,
    help="Topic to read (default: the alert topic); a setting's name (incidents, trend, dlq, "
    "...) reads the topic it names. Records are printed as JSON lines.",
)
def tail(
    from_beginning: bool,
    as_json: bool,
    max_alerts: int | None,
    timeout: float | None,
    topic: str | None,
) -> None:
    """Print alerts from the alert topic as they arrive."""
    from app.cli.io import consume
    from app.cli.render import print_alert
    from schemas import EscalationAlert

    settings = get_settings()
    out = Console()
    seen = 0

    def show(value: bytes) -> bool:
        nonlocal seen
        seen += 1
        if as_json or topic:
            click.echo(value.decode("utf-8", errors="replace"))
        else:
            print_alert(out, EscalationAlert.model_validate_json(value))
        return max_alerts is None or seen < max_alerts

    names = settings.topics.model_dump()
    target = names.get(topic, topic) if topic else settings.topics.alerts
    asyncio.run(consume(settings, target, from_beginning, show, timeout))


@main.command()
@click.argument("file", type=click.File("rb"), default="-")
def analyze(file: click.utils.LazyFile) -> None:
    """Run validate -> tag -> detect on one article JSON (file or stdin), without Kafka."""
    from app.domain.pipeline import Pipeline

    pipeline = Pipeline.from_settings(get_settings())
    try:
        analysis = pipeline.analyze(file.read(), datetime.now(UTC))
    except Exception as exc:  # noqa: BLE001 - what the worker dead-letters, said plainly
        rejection = {"error_type": "processing_error", "reason": f"{type(exc).__name__}: {exc}"}
        failed: dict[str, object] = {
            "article": None,
            "rejection": rejection,
            "alerts": [],
            "detection": None,
        }
        click.echo(json.dumps(failed, indent=2, ensure_ascii=False))
        sys.exit(2)
    result = {
        "article": analysis.tagged.model_dump(mode="json") if analysis.tagged else None,
        "rejection": (
            {"error_type": analysis.rejection.error_type, "reason": analysis.rejection.reason}
            if analysis.rejection
            else None
        ),
        "alerts": [analysis.alert.model_dump(mode="json")] if analysis.alert else [],
        "detection": (
            {
                "severity": analysis.detection.severity,
                "severity_level": analysis.detection.severity_level,
                "categories": [c.category for c in analysis.detection.categories],
            }
            if analysis.detection
            else None
        ),
    }
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    if analysis.rejection:
        sys.exit(2)


@main.group()
def kafka() -> None:
    """Start, stop or inspect the local Apache Kafka broker."""


def _start_local_broker(settings: Settings) -> None:
    from app.localkafka import start

    with console.status("starting the local Kafka broker (first run downloads it)..."):
        status = start(settings.local_broker)
    console.print(f"kafka: running at {status.bootstrap} (pid {status.pid})")


@kafka.command("start")
def kafka_start() -> None:
    """Start the local broker (reuses one already serving on the port)."""
    _start_local_broker(get_settings())


@kafka.command("stop")
def kafka_stop() -> None:
    """Stop the local broker."""
    from app.localkafka import stop

    stopped = stop(get_settings().local_broker)
    console.print("kafka: stopped" if stopped else "kafka: was not running")


@kafka.command("status")
def kafka_status() -> None:
    """Say whether the local broker runs."""
    from app.localkafka import status

    state = status(get_settings().local_broker)
    console.print(
        f"kafka: {'running' if state.running else 'stopped'} at {state.bootstrap}"
        + (f" (pid {state.pid})" if state.pid else "")
    )
    sys.exit(0 if state.running else 1)


@main.group("eval")
def evaluate() -> None:
    """Measure tagging and detection on labelled JSONL."""


@main.command("schemas")
@click.option("--check", is_flag=True, help="Fail if the committed files are stale.")
def export_schemas(check: bool) -> None:
    """Write the JSON Schema of every contract into schemas/json/."""
    from schemas.export import stale_files, write_all

    if check:
        stale = stale_files()
        for name in stale:
            console.print(f"stale: {name}")
        sys.exit(1 if stale else 0)
    for path in write_all():
        console.print(f"wrote {path}")


evaluate.add_command(topics_command)
evaluate.add_command(escalation_command)
evaluate.add_command(articles_command)
evaluate.add_command(incidents_command)
main.add_command(bench_command)

if __name__ == "__main__":
    main()
