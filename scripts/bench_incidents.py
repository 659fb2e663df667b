"""CPU time of the incident agents' work per alert, in one process (no Kafka).

The alerts of the 2016 stream (default judgement) are made once with the pipeline; each pass
then runs them, in event time, through what ``group_incidents`` does per alert: decode the
alert, open its key's book from the tables, observe, save, count it in the trends, encode
the changed incidents' records; and every ``--tick-every`` alerts, a tick of the partition.
Tables are dicts, as the memory store's are. Prints the CPU time of the thread per alert for
each pass, and the best::

    .venv/bin/python scripts/bench_incidents.py [--passes 5] [--shared ../shared]

Compare two versions by running each checkout's copy alternately (docs/incidents.md).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from app.domain.incidents.clock import PartitionClock
from app.domain.incidents.engine import Change, IncidentEngine
from app.domain.incidents.keys import main_country
from app.domain.incidents.record import incident_record
from app.domain.incidents.tables import BuiltIncidents, open_book, save_book
from app.domain.pipeline import Pipeline
from app.domain.trends import TrendState, TrendTracker, entities
from app.evaluation.labelled_stream import STREAM_PATH, raw_article_of
from app.settings import Settings
from schemas import EscalationAlert

ROOT = Path(__file__).resolve().parents[1]


def stream_alerts(settings: Settings, shared: Path) -> list[bytes]:
    """The stream's alerts as the alerts topic carries them, in event time."""
    pipeline = Pipeline.from_settings(settings)
    rows = [json.loads(line) for line in (shared / STREAM_PATH).open(encoding="utf-8")]
    rows.sort(key=lambda row: row["date"])
    now = datetime.now(UTC)
    alerts = []
    for row in rows:
        raw = json.dumps({"id": row["id"], **raw_article_of(row)}).encode()
        alert = pipeline.analyze(raw, now).alert
        if alert is not None:
            alerts.append(alert.model_dump_json().encode())
    return alerts


def one_pass(settings: Settings, alerts: list[bytes], tick_every: int) -> None:
    engine = IncidentEngine(settings.incidents.grouping(), settings.incidents.notification())
    tracker = TrendTracker(settings.incidents.trend())
    index: dict[str, object] = {}
    states: dict[str, object] = {}
    trends: dict[str, object] = {}
    built = BuiltIncidents()
    clock = PartitionClock(None, None, [])

    def publish(changes: list[Change], at: datetime) -> None:
        for change in changes:
            incident_record(change, at).model_dump_json().encode()

    for number, value in enumerate(alerts, start=1):
        alert = EscalationAlert.model_validate_json(value)
        at = alert.published_at  # the wall clock of a replay is its event time
        key = engine.key(alert)
        book = open_book(index, states, key, 0, built)
        changes = engine.observe(book, alert)
        save_book(book, index, states, built)
        clock.saw(at, at, key)
        for entity in entities(alert, main_country(alert)) if changes else []:
            stored = trends.get(entity)
            state = TrendState.model_validate(stored) if stored else TrendState(entity=entity)
            tracker.observe(state, alert)
            trends[entity] = state.model_dump(mode="json")
        publish(changes, at)
        if number % tick_every == 0:
            for ticked in list(clock.keys):
                book = open_book(index, states, ticked, 0, built)
                publish(engine.advance(book, at), at)
                save_book(book, index, states, built)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--tick-every", type=int, default=10)
    args = parser.parse_args()
    settings = Settings()
    alerts = stream_alerts(settings, args.shared)
    one_pass(settings, alerts, args.tick_every)  # warm-up
    costs = []
    for _ in range(args.passes):
        started = time.thread_time()
        one_pass(settings, alerts, args.tick_every)
        costs.append((time.thread_time() - started) / len(alerts) * 1e6)
    print(f"{len(alerts)} alerts; CPU us per alert by pass: {', '.join(f'{c:.0f}' for c in costs)}")
    print(f"best {min(costs):.0f} us per alert")


if __name__ == "__main__":
    main()
