"""Thin agents that turn per-article alerts into incidents (docs/incidents.md).

    detect stage --> alerts.by-incident-key (each alert again, keyed by its grouping key)
        --group_incidents--> incidents (compacted, keyed by incident id)

Repartitioning by the grouping key puts every alert of one key on one partition, so one
incident lives on one worker. The detect stage publishes the keyed copy itself
(``stages.add_keyed_alerts`` with ``alert_key``), in the batch that publishes the alert.

``group_incidents`` keeps a small index per key and records per incident in tables
(changelog topics, memory or RocksDB store; layout in ``app.domain.incidents.tables``) and a
clock per partition; a timer sends a tick into each partition this worker owns, so that quiet
incidents resolve (tables may only change inside a stream event: the tick is one). All
decisions are in ``app.domain.incidents``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from app import metrics
from app.domain.incidents.clock import PartitionClock
from app.domain.incidents.engine import Change, IncidentEngine
from app.domain.incidents.keys import main_country
from app.domain.incidents.record import incident_record
from app.domain.incidents.tables import BuiltIncidents, open_book, save_book
from app.domain.trends import (
    SpikeChange,
    TrendState,
    TrendTracker,
    entities,
    spike_record,
)
from app.settings import Settings
from app.streaming.batching import ack_events, event_batches
from app.streaming.changelog import batched_table, publish_changelogs
from app.streaming.records import json_bytes
from app.streaming.stages import AlertKey
from schemas import EscalationAlert

log = logging.getLogger(__name__)
TICK_KEY = b"~tick"  # grouping keys are ISO alpha-3 codes or "-": never this
INDEX_TABLE = "incident-index"
STATES_TABLE = "incident-states"
CLOCKS_TABLE = "incident-clocks"
TRENDS_TABLE = "trend-hours"


def table_names(settings: Settings) -> list[str]:
    """The changelog topics of the incident tables (created with the other topics)."""
    return [
        f"{settings.app_id}-{name}-changelog"
        for name in (INDEX_TABLE, STATES_TABLE, CLOCKS_TABLE, TRENDS_TABLE)
    ]


def alert_key(settings: Settings) -> AlertKey:
    """The grouping key of an alert under the settings' policy (the key it is published by)."""
    return IncidentEngine(settings.incidents.grouping(), settings.incidents.notification()).key


def register_incident_agents(
    app: Any, settings: Settings, output: Any, trend_output: Any
) -> dict[str, Any]:
    """Register the incident agents, tables and tick timer on ``app``; return them by name.

    ``output`` publishes to the incidents topic, ``trend_output`` to the trend topic
    (``send(key=..., value=...)``); each incident record published is also handed to
    ``app.incident_listeners`` (the worker's own dashboard).
    """
    names = settings.topics
    store = "rocksdb://" if settings.incidents.store == "rocksdb" else "memory://"
    keyed = app.topic(names.alerts_by_key, value_serializer="raw", key_serializer="raw")
    index, states, clocks, trends = (
        batched_table(app, name, default=None, partitions=settings.partitions, store=store)
        for name in (INDEX_TABLE, STATES_TABLE, CLOCKS_TABLE, TRENDS_TABLE)
    )
    engine = IncidentEngine(settings.incidents.grouping(), settings.incidents.notification())
    built = BuiltIncidents()
    trend_policy = settings.incidents.trend()
    tracker = TrendTracker(trend_policy)

    async def handle(event: Any) -> None:
        partition = event.message.partition
        now = datetime.now(UTC)
        if event.message.key == TICK_KEY:
            changes = _tick(engine, (index, states, built), clocks, partition, now)
        else:
            alert = _decode(event.message.value)
            if alert is None:
                return
            changes = _observe(engine, (index, states, built), clocks, partition, alert, now)
            # No change: a redelivered alert, already counted in its trends too.
            for spike in _trend(tracker, trends, alert) if changes else []:
                spike_out = spike_record(spike, trend_policy)
                await trend_output.send(key=spike_out.entity.encode(), value=json_bytes(spike_out))
                metrics.TREND_SPIKES.labels(spike_out.kind).inc()
        for change in changes:
            record = incident_record(change, now)
            await output.send(key=record.incident_id.encode(), value=json_bytes(record))
            metrics.record_incident_change(change.notification)
            for listener in app.incident_listeners:
                listener(record)

    # concurrency=1: agents that write tables must (faust-notes), and #606.
    @app.agent(keyed, name="group_incidents", concurrency=1)
    async def group_incidents(stream: Any) -> None:
        # In small batches: the changelog records of a batch's table writes go out together,
        # before its events are acked (app.streaming.changelog).
        async for batch in event_batches(stream, settings.batch_max_events):
            for event in batch.events:
                # Faust writes a table key to the changelog partition of the current event.
                stream._set_current_event(event)
                await handle(event)
            stream._set_current_event(None)
            await publish_changelogs(app, [index, states, clocks, trends])
            ack_events(stream, batch)

    @app.timer(settings.incidents.tick_interval_s, name="tick_incidents")
    async def tick_incidents() -> None:
        # Only the partitions this worker owns: another worker ticks its own.
        for tp in app.assignor.assigned_actives():
            if tp.topic == names.alerts_by_key:
                await keyed.send(key=TICK_KEY, value=b"{}", partition=tp.partition)

    return {
        "group_incidents": group_incidents,
        "tick_incidents": tick_incidents,
        "index": index,
        "states": states,
        "clocks": clocks,
        "trends": trends,
    }


def _decode(value: bytes | None) -> EscalationAlert | None:
    # Alerts are our own output; one that does not parse is logged and counted, not retried.
    try:
        return EscalationAlert.model_validate_json(value or b"")
    except ValidationError as exc:
        metrics.INCIDENT_INPUT_ERRORS.inc()
        log.error("alert not usable for incidents: %s", str(exc)[:300])
        return None


def _observe(
    engine: IncidentEngine,
    tables: tuple[Any, Any, BuiltIncidents],
    clocks: Any,
    partition: int,
    alert: EscalationAlert,
    now: datetime,
) -> list[Change]:
    key = engine.key(alert)
    index, states, built = tables
    book = open_book(index, states, key, partition, built)
    changes = engine.observe(book, alert)
    save_book(book, index, states, built)
    clock = PartitionClock.load(clocks.get(str(partition)))
    clock.saw(alert.published_at, now, key)
    clocks[str(partition)] = clock.dump()
    return changes


def _trend(tracker: TrendTracker, trends: Any, alert: EscalationAlert) -> list[SpikeChange]:
    changes = []
    for entity in entities(alert, main_country(alert)):
        stored = trends.get(entity)
        state = TrendState.model_validate(stored) if stored else TrendState(entity=entity)
        change = tracker.observe(state, alert)
        trends[entity] = state.model_dump(mode="json")
        if change is not None:
            changes.append(change)
    return changes


def _tick(
    engine: IncidentEngine,
    tables: tuple[Any, Any, BuiltIncidents],
    clocks: Any,
    partition: int,
    now: datetime,
) -> list[Change]:
    index, states, built = tables
    clock = PartitionClock.load(clocks.get(str(partition)))
    at = clock.now(now)
    if at is None:
        return []
    changes: list[Change] = []
    firing = 0
    keys = list(clock.keys)
    for key in keys:
        book = open_book(index, states, key, partition, built)
        changes.extend(engine.advance(book, at))
        save_book(book, index, states, built)
        firing += sum(1 for entry in book.index.entries if not entry.resolved)
        if not book.index.entries:
            clock.keys.remove(key)
    if clock.keys != keys:
        clocks[str(partition)] = clock.dump()
    metrics.OPEN_INCIDENTS.labels(str(partition)).set(firing)
    return changes
