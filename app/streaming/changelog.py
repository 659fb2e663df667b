"""Faust tables whose changelog records go out in producer batches, written by the agent.

A Faust table sends every write (``table[key] = value``, ``del table[key]``) as its own
changelog record through the producer buffer: a ``FutureMessage``, a queue hand-over to a
background task, one ``send`` (and its future) per record, and at each commit a flush that
waits for the records one by one. The incident agent writes five to seven records per alert,
and that machinery was about 5 % of a worker's main thread with incidents on (py-spy,
``scripts/profile_worker.py``), more than the writes themselves.

``BatchedChangelogTable`` keeps Faust's table (its store, its changelog topic, recovery and
standbys are Faust's) but only collects the records; the agent that wrote them publishes them
with ``publish_changelogs`` before it acks the events that made them: serialised by the
changelog topic's own codecs (what recovery reads back), one producer batch per changelog
partition. At-least-once holds as for every other output: the records are in the producer
when the events are acked, and Faust flushes that producer before it commits their offsets.
A RocksDB store learns the offset it holds from each delivered batch, as Faust's callback
tells it per record.
"""

from __future__ import annotations

import logging
from asyncio import Future
from dataclasses import dataclass
from functools import partial
from typing import Any

import faust
from aiokafka.errors import KafkaError
from faust.types import TP

from app import metrics
from app.streaming.publishing import OpenBatch, append_record

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Placed:
    """What ``Table.on_key_set`` reads back from ``send_changelog``: the record's partition."""

    partition: int


@dataclass(frozen=True, slots=True)
class _Queued:
    message: _Placed


class BatchedChangelogTable(faust.Table):
    """A Faust table that collects its changelog records for ``publish_changelogs``.

    Only for tables written inside a stream event (the record goes to the event's partition,
    as Faust's does).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: list[tuple[int, Any, Any, Any, Any]] = []

    # Faust's callers read only ``.message.partition`` of the FutureMessage it returns.
    def send_changelog(  # type: ignore[override]
        self,
        partition: int | None,
        key: Any,
        value: Any,
        key_serializer: Any = None,
        value_serializer: Any = None,
    ) -> _Queued:
        if partition is None:
            raise TypeError(f"table {self.name}: a changelog record needs the event's partition")
        self.pending.append((partition, key, value, key_serializer, value_serializer))
        return _Queued(_Placed(partition))


def batched_table(app: Any, name: str, **options: Any) -> BatchedChangelogTable:
    """``app.Table(name, **options)``, as a ``BatchedChangelogTable``."""
    table = BatchedChangelogTable(app, name=name, beacon=app.tables.beacon, **options)
    added: BatchedChangelogTable = app.tables.add(table)
    return added


async def publish_changelogs(app: Any, tables: list[BatchedChangelogTable]) -> None:
    """Put every record the tables collected in the producer.

    A batch the producer or the broker refuses is logged and counted: the tables hold the
    state in memory, but a recovery would not see those writes (Faust's own callback only
    logs such a failure too).
    """
    producer = app.producer._ensure_producer()
    batches: dict[tuple[str, int], tuple[OpenBatch, BatchedChangelogTable]] = {}
    for table in tables:
        if not table.pending:
            continue
        pending, table.pending = table.pending, []
        topic = table.changelog_topic
        name = topic.get_topic_name()
        for partition, key, value, key_serializer, value_serializer in pending:
            key_bytes, _ = topic.prepare_key(key, key_serializer or table.key_serializer)
            value_bytes = None
            if value is not None:
                value_bytes, _ = topic.prepare_value(
                    value, value_serializer or table.value_serializer
                )
            where = (name, partition)
            entry = batches.get(where)
            if entry is None:
                entry = batches[where] = (OpenBatch(producer.create_batch()), table)
            if not append_record(entry[0], key_bytes, value_bytes, []):
                await _send(producer, where, *entry)
                entry = batches[where] = (OpenBatch(producer.create_batch()), table)
                append_record(entry[0], key_bytes, value_bytes, [])
            entry[0].keys.append(key_bytes)
    for where, (batch, table) in batches.items():
        await _send(producer, where, batch, table)


async def _send(
    producer: Any, where: tuple[str, int], batch: OpenBatch, table: BatchedChangelogTable
) -> None:
    topic, partition = where
    batch.builder.close()
    try:
        delivery = await producer.send_batch(batch.builder, topic, partition=partition)
    except KafkaError as exc:
        _lost(topic, batch, exc)
        return
    delivery.add_done_callback(partial(_delivered, table, topic, partition, batch))


def _delivered(
    table: BatchedChangelogTable,
    topic: str,
    partition: int,
    batch: OpenBatch,
    delivery: Future[Any],
) -> None:
    if delivery.cancelled():
        return
    error = delivery.exception()
    if error is not None:
        _lost(topic, batch, error)
        return
    # The batch's records are consecutive from its base offset; the store holds up to the last.
    last = delivery.result().offset + len(batch.keys) - 1
    table.data.set_persisted_offset(TP(topic, partition), last)


def _lost(topic: str, batch: OpenBatch, error: BaseException) -> None:
    metrics.PUBLISH_FAILURES.labels(topic).inc(len(batch.keys))
    log.error(
        "publishing %d changelog records to %s failed: %r; the table keeps them in memory, "
        "but a recovery from the changelog would not see them",
        len(batch.keys),
        topic,
        error,
    )
