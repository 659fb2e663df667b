"""Putting articles on the raw topic: as a backlog (as fast as possible) or at a paced rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer

from app.kafka_clients import aiokafka_options
from app.settings import Settings

# Outstanding sends awaited together: enough to fill batches, bounded so memory stays flat.
_WINDOW = 2_000
# Paced sends are grouped per tick; 2 ms keeps bursts small even at 1,000 articles/s.
_TICK_S = 0.002


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
    sent = 0
    try:
        pending = []
        for payload in payloads:
            pending.append(await producer.send(topic, payload))
            sent += 1
            if len(pending) >= _WINDOW:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


async def send_paced(
    settings: Settings, topic: str, payloads: list[bytes], rate: float
) -> list[float]:
    """Send ``payloads`` at ``rate`` per second; return each one's send time (epoch s).

    The send time is also the record's timestamp, so latency can be read from either side.
    Pacing follows the schedule, not the previous send, so a slow tick does not lower the rate.
    """
    # No linger: a paced producer should not add its own batching delay to the latency.
    producer = _producer(settings, linger_ms=0)
    await producer.start()
    sent_at: list[float] = []
    try:
        pending = []
        started = time.monotonic()
        for seq, payload in enumerate(payloads):
            delay = started + seq / rate - time.monotonic()
            if delay > _TICK_S:
                await asyncio.sleep(delay)
            now = time.time()
            sent_at.append(now)
            pending.append(await producer.send(topic, payload, timestamp_ms=int(now * 1000)))
            if len(pending) >= _WINDOW:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent_at
