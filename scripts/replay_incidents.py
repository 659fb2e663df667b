"""Replay the 2016 stream through the pipeline, the incident engine and the trend tracker in
event time, in process (the agents' domain code and table layout, without Kafka), and report
what an operator would have received.

    python scripts/replay_incidents.py [--shared ../shared] [--partitions 3]
        [--out artifacts/incident_replay.json]

Articles are taken in ``published_at`` order. Grouping keys are spread over ``--partitions``
partition clocks as the worker's are (each clock is the latest event time on its partition;
after every alert the books of its partition are advanced, as a tick would). At the end every
clock runs past the quiet period so that all incidents resolve. State size: the JSON bytes of
the tables' values (the index, incident, clock and trend tables of the worker, through the same
read/write code), at their peak and as written to the changelogs (one record per table write,
key included; a deletion counts its key), per 100,000 articles.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.domain.incidents.clock import PartitionClock
from app.domain.incidents.engine import Change, IncidentEngine
from app.domain.incidents.keys import main_country
from app.domain.incidents.tables import open_book, save_book
from app.domain.pipeline import Pipeline
from app.domain.trends import TrendState, TrendTracker, entities
from app.evaluation.labelled_stream import STREAM_PATH, raw_article_of
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


class CountingTable(dict[str, Any]):
    """A table that counts the changelog bytes its writes would produce."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0
        self.writes = 0

    def __setitem__(self, key: str, value: Any) -> None:
        self.written += len(key) + len(json.dumps(value))
        self.writes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.written += len(key)  # a tombstone
        self.writes += 1
        super().__delitem__(key)

    def size(self) -> int:
        """Bytes held (keys and JSON values)."""
        return sum(len(k) + len(json.dumps(v)) for k, v in self.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts/incident_replay.json")
    args = parser.parse_args()
    settings = Settings()
    pipeline = Pipeline.from_settings(settings)
    engine = IncidentEngine(settings.incidents.grouping(), settings.incidents.notification())
    tracker = TrendTracker(settings.incidents.trend())
    rows = [json.loads(line) for line in (args.shared / STREAM_PATH).open(encoding="utf-8")]
    rows.sort(key=lambda row: row["date"])

    tables = {name: CountingTable() for name in ("index", "states", "clocks", "trends")}
    index, states, clock_table, trend_table = tables.values()
    clocks: dict[int, PartitionClock] = {}
    notifications: Counter[str] = Counter()
    incidents: dict[str, int] = {}  # id -> members at the last change
    spikes: list[dict[str, Any]] = []
    alerts = rejected = peak_state = 0
    now = datetime.now(UTC)

    def advance(partition: int, skip: str | None, at: datetime) -> None:
        """A tick of one partition: advance its keys' books to ``at``."""
        clock = clocks[partition]
        keys = list(clock.keys)
        for key in keys:
            if key == skip:
                continue  # observe advanced it already
            book = open_book(index, states, key, partition)
            apply(engine.advance(book, at))
            save_book(book, index, states)
            if not book.index.entries:
                clock.keys.remove(key)
        if clock.keys != keys:
            clock_table[str(partition)] = clock.dump()

    def apply(changes: list[Change]) -> None:
        for change in changes:
            incidents[change.incident.incident_id] = change.incident.article_count
            if change.notification:
                notifications[change.notification] += 1

    for number, row in enumerate(rows, start=1):
        raw = {"id": row["id"], **raw_article_of(row)}
        analysis = pipeline.analyze(json.dumps(raw).encode(), now)
        if analysis.rejection is not None:
            rejected += 1
        alert = analysis.alert
        if alert is not None:
            alerts += 1
            key = engine.key(alert)
            partition = zlib.crc32(key.encode()) % args.partitions
            book = open_book(index, states, key, partition)
            apply(engine.observe(book, alert))
            save_book(book, index, states)
            clock = clocks.setdefault(partition, PartitionClock(None, None, []))
            # The replay's wall clock is its event time: a tick advances to the latest alert.
            clock.saw(alert.published_at, alert.published_at, key)
            clock_table[str(partition)] = clock.dump()
            advance(partition, key, alert.published_at)
            for entity in entities(alert, main_country(alert)):
                stored = trend_table.get(entity)
                state = TrendState.model_validate(stored) if stored else TrendState(entity=entity)
                change = tracker.observe(state, alert)
                trend_table[entity] = state.model_dump(mode="json")
                if change is not None:
                    spikes.append(
                        {
                            "entity": change.entity,
                            "kind": change.kind,
                            "at": change.at.isoformat(),
                            "index": round(change.index, 1),
                            "baseline": round(change.baseline, 1),
                            "title": alert.title,
                        }
                    )
        if number % 250 == 0 or number == len(rows):
            peak_state = max(peak_state, sum(table.size() for table in tables.values()))

    policy = engine.notification
    end = max(c.event for c in clocks.values() if c.event)
    end += policy.resolve_after + policy.retain_resolved + timedelta(1)
    for partition in clocks:
        advance(partition, None, end)

    sent = notifications["firing"] + notifications["update"] + notifications["repeat"]
    per_100k = 100_000 / len(rows)
    report = {
        "articles": len(rows),
        "rejected": rejected,
        "alerts": alerts,
        "incidents": len(incidents),
        "incidents_with_2plus_alerts": sum(1 for n in incidents.values() if n >= 2),
        "largest_incident": max(incidents.values(), default=0),
        "notifications": dict(notifications),
        "notifications_without_resolved": sent,
        "notifications_per_alert": round(sent / alerts, 3) if alerts else None,
        "notifications_per_alert_with_resolved": round(
            (sent + notifications["resolved"]) / alerts, 3
        )
        if alerts
        else None,
        "spikes": [s for s in spikes if s["kind"] == "spike"],
        "spike_ends": sum(1 for s in spikes if s["kind"] == "ended"),
        "state_peak_bytes": peak_state,
        "changelog_bytes_per_100k_articles": {
            name: round(table.written * per_100k) for name, table in tables.items()
        },
        "changelog_writes_per_100k_articles": {
            name: round(table.writes * per_100k) for name, table in tables.items()
        },
        "state_left_at_end_bytes": sum(table.size() for table in tables.values()),
        "settings": settings.incidents.model_dump(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    summary = {k: v for k, v in report.items() if k not in ("spikes", "settings")}
    print(json.dumps(summary, indent=2))
    by_entity: dict[str, int] = defaultdict(int)
    for spike in report["spikes"]:  # type: ignore[union-attr]
        by_entity[spike["entity"]] += 1
        print(
            f"spike {spike['at'][:16]} {spike['entity']:8} index {spike['index']:6} "
            f"baseline {spike['baseline']:6}  {spike['title'][:70]}"
        )
    print(f"{len(report['spikes'])} spikes")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
