"""Produce to and read from the real broker in tests (plain aiokafka).

Each helper takes either bootstrap servers (a plaintext connection) or :class:`Settings`, whose
connection options (security protocol, SASL, TLS) are then used as the project's clients use
them (:func:`app.kafka_clients.aiokafka_options`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from app.kafka_clients import aiokafka_options
from app.settings import Settings


def connection_options(target: str | Settings) -> dict[str, Any]:
    """aiokafka keyword arguments for bootstrap servers or for the project's settings."""
    if isinstance(target, Settings):
        return aiokafka_options(target)
    return {"bootstrap_servers": target}


async def produce(bootstrap: str | Settings, topic: str, values: list[bytes]) -> None:
    """Send every value (in order, one partition chosen by the default partitioner)."""
    producer = AIOKafkaProducer(**connection_options(bootstrap), acks="all")
    try:
        # Inside the try: a start the broker refuses (authentication, TLS) must still close.
        await producer.start()
        for value in values:
            await producer.send(topic, value)
        await producer.flush()
    finally:
        await producer.stop()


async def produce_keyed(
    bootstrap: str | Settings, topic: str, records: list[tuple[bytes, bytes]]
) -> None:
    """Send every (key, value) in order; records of one key go to one partition."""
    producer = AIOKafkaProducer(**connection_options(bootstrap), acks="all", linger_ms=20)
    try:
        await producer.start()
        for key, value in records:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def collect(
    bootstrap: str | Settings,
    topics: list[str],
    done: Callable[[dict[str, list[ConsumerRecord]]], bool],
    timeout_s: float = 90.0,
) -> dict[str, list[ConsumerRecord]]:
    """Read the topics from the beginning until ``done(records)`` or the timeout."""
    consumer = AIOKafkaConsumer(
        *topics,
        **connection_options(bootstrap),
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
