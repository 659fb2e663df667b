"""Putting articles on the raw topic: as a backlog (as fast as possible) or at a paced rate."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import AIOKafkaProducer

from app.kafka_clients import aiokafka_options
from app.producing import send_payloads
from app.settings import Settings


def _producer(settings: Settings, linger_ms: int) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **aiokafka_options(settings),
        linger_ms=linger_ms,
        max_batch_size=256 * 1024,
        max_request_size=4 * 1024 * 1024,
    )


async def load_backlog(settings: Settings, topic: str, payloads: Iterable[bytes]) -> int:
    """Send every payload as fast as the broker takes them; return how many."""
    producer = _producer(settings, linger_ms=10)
    await producer.start()
    try:
        return await send_payloads(producer, topic, payloads)
    finally:
        await producer.stop()


async def send_paced(
    settings: Settings, topic: str, payloads: list[bytes], rate: float
) -> list[float]:
    """Send ``payloads`` at ``rate`` per second; return each one's send time (epoch s)."""
    # No linger: a paced producer should not add its own batching delay to the latency.
    producer = _producer(settings, linger_ms=0)
    await producer.start()
    sent_at: list[float] = []
    try:
        await send_payloads(producer, topic, payloads, rate=rate, on_sent=sent_at.append)
    finally:
        await producer.stop()
    return sent_at
