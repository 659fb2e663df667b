"""Produce to and read from the real broker in tests (plain aiokafka)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord


async def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    """Send every value (in order, one partition chosen by the default partitioner)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send(topic, value)
        await producer.flush()
    finally:
        await producer.stop()


async def collect(
    bootstrap: str,
    topics: list[str],
    done: Callable[[dict[str, list[ConsumerRecord]]], bool],
    timeout_s: float = 90.0,
) -> dict[str, list[ConsumerRecord]]:
    """Read the topics from the beginning until ``done(records)`` or the timeout."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    records: dict[str, list[ConsumerRecord]] = {topic: [] for topic in topics}
    await consumer.start()
    deadline = time.monotonic() + timeout_s
    try:
        while not done(records) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=300)
            for partition, batch in batches.items():
                records[partition.topic].extend(batch)
        # Anything produced late (duplicates, stray outputs) must show up in the counts too.
        await asyncio.sleep(1.0)
        for partition, batch in (await consumer.getmany(timeout_ms=500)).items():
            records[partition.topic].extend(batch)
    finally:
        await consumer.stop()
    return records
