"""Kafka I/O behind the ``produce`` and ``tail`` commands (plain aiokafka, no Faust)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from app.kafka_clients import aiokafka_options
from app.producing import send_payloads
from app.settings import Settings


async def produce_lines(
    settings: Settings,
    topic: str,
    lines: Iterable[bytes],
    rate: float | None,
    on_sent: Callable[[], None],
) -> int:
    """Send each line as one message, at most ``rate`` per second; return how many were sent."""
    producer = AIOKafkaProducer(**aiokafka_options(settings), linger_ms=5, acks="all")
    await producer.start()
    try:
        return await send_payloads(producer, topic, lines, rate, lambda _sent_at: on_sent())
    finally:
        await producer.stop()


async def consume(
    settings: Settings,
    topic: str,
    from_beginning: bool,
    on_message: Callable[[bytes], bool],
    timeout_s: float | None,
) -> None:
    """Read ``topic`` without a consumer group until ``on_message`` returns False or timeout."""
    consumer = AIOKafkaConsumer(
        topic,
        **aiokafka_options(settings),
        group_id=None,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    deadline = time.monotonic() + timeout_s if timeout_s else None
    try:
        while deadline is None or time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if record.value is not None and not on_message(record.value):
                        return
    finally:
        await consumer.stop()


async def wait_for_topics(settings: Settings, topics: list[str], timeout_s: float) -> None:
    """Block until every topic exists (the worker creates them at start)."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import KafkaConnectionError

    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        admin = AIOKafkaAdminClient(**aiokafka_options(settings))
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            if all(topic in existing for topic in topics):
                return
        except (OSError, KafkaConnectionError) as error:
            # The broker is not reachable yet, or refuses us (aiokafka reports a failed login
            # or TLS check as a connection error too): say which when the wait times out.
            last_error = error
        finally:
            await admin.close()
        if time.monotonic() > deadline:
            why = f"; last connection error: {last_error!r}" if last_error else ""
            raise TimeoutError(f"topics {topics} did not appear within {timeout_s:.0f} s{why}")
        await asyncio.sleep(1.0)
