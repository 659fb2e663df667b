"""The I/O baseline: what our record shapes cost Kafka and aiokafka, with no domain work.

An aiokafka consume -> produce loop like the passthrough, but for each article it parses the
JSON and publishes the records the worker publishes for that input: the same number, keyed,
with the same key and value sizes, to the same logical topics (valid, tagged, alerts, dlq).
The shapes come from running the domain in the bench process beforehand (``shapes``). So the
worker's rate over this one is what Faust and the domain leave of the I/O limit.

Run as its own process: ``python -m app.bench.io_baseline SOURCE PREFIX GROUP SHAPES`` writes
to ``PREFIX.valid``, ``PREFIX.tagged``, ``PREFIX.alerts`` and ``PREFIX.dlq``. Plain aiokafka
sends, one per record (its default partitioner), with the worker's producer settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from app.bench.corpus import correlation_of, template_of
from app.bench.passthrough import COMMIT_INTERVAL_S, MAX_POLL_RECORDS
from app.bench.processes import IO_BASELINE_READY
from app.bench.shapes import Shape, read_shapes
from app.kafka_clients import aiokafka_options
from app.settings import get_settings


def stand_in(cid: bytes, raw: bytes, size: int) -> bytes:
    """A value of ``size`` bytes that names its input (the collector matches on it)."""
    head = b'{"article_id":"' + cid + b'","body":"'
    filler = raw[: max(size - len(head) - 2, 0)]
    value = head + filler + b'"}'
    return value + b" " * (size - len(value)) if len(value) < size else value[:size]


def outputs_for(
    raw: bytes, position: str, shapes: dict[str, list[Shape]]
) -> list[tuple[str, bytes, bytes]]:
    """(logical topic, key, value) of each record the worker would publish for ``raw``."""
    with contextlib.suppress(ValueError):
        json.loads(raw)  # the article's parse, as the worker's validation pays it
    found = correlation_of(raw)
    if found is None:
        return []
    phase_id, seq = found
    cid = f"{phase_id}-{seq}".encode()
    kind, index = template_of(seq, len(shapes["article"]))
    records = []
    for topic, key_size, value_size in shapes[kind][index]:
        # Keyed as the worker keys them: valid and tagged by article id (the correlation id),
        # alerts by a uuid (the id padded to its length), dead letters by source position.
        if topic == "dlq":
            key = position.encode()
        elif topic == "alerts":
            key = cid.ljust(key_size, b"-")
        else:
            key = cid
        records.append((topic, key, stand_in(cid, raw, value_size)))
    return records


async def io_baseline(source: str, prefix: str, group: str, shapes_path: Path) -> None:
    """Publish the worker's record shapes for every record of ``source`` until cancelled."""
    shapes = read_shapes(shapes_path)
    settings = get_settings()
    options = aiokafka_options(settings)
    consumer = AIOKafkaConsumer(
        source,
        **options,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=MAX_POLL_RECORDS,
    )
    producer = AIOKafkaProducer(
        **options,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_max_batch_size,
    )
    topics = {name: f"{prefix}.{name}" for name in ("valid", "tagged", "alerts", "dlq")}
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        print(f"[{datetime.now():%Y-%m-%d %H:%M:%S,%f}] {IO_BASELINE_READY}", flush=True)
        last_commit = time.monotonic()
        while True:
            batches = await consumer.getmany(timeout_ms=100, max_records=MAX_POLL_RECORDS)
            for tp, records in batches.items():
                for record in records:
                    position = f"{tp.topic}/{tp.partition}/{record.offset}"
                    for topic, key, value in outputs_for(record.value or b"", position, shapes):
                        await producer.send(topics[topic], value, key=key)
            if time.monotonic() - last_commit > COMMIT_INTERVAL_S:
                await producer.flush()
                await consumer.commit()
                last_commit = time.monotonic()
    finally:
        await consumer.stop()
        await producer.stop()


def main() -> None:
    """Entry point: ``python -m app.bench.io_baseline SOURCE PREFIX GROUP SHAPES``."""
    source, prefix, group, shapes = sys.argv[1:5]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(io_baseline(source, prefix, group, Path(shapes)))


if __name__ == "__main__":
    main()
