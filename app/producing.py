"""Putting many messages on a topic: the one send loop behind ``brinkwatch produce`` and the
benchmark's load generator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaProducer

# Outstanding sends awaited together: enough to fill batches, bounded so memory stays flat.
_WINDOW = 2_000
# Paced sends are grouped per tick; 2 ms keeps bursts small even at 1,000 messages/s.
_TICK_S = 0.002


async def send_payloads(
    producer: AIOKafkaProducer,
    topic: str,
    payloads: Iterable[bytes],
    rate: float | None = None,
    on_sent: Callable[[float], None] | None = None,
) -> int:
    """Send each payload (at most ``rate`` per second when given); return how many were sent.

    ``on_sent`` gets each message's send time (epoch seconds), which is also its record
    timestamp, so latency can be read from either side. Pacing follows the schedule, not the
    previous send, so a slow tick does not lower the rate.
    """
    sent = 0
    pending = []
    started = time.monotonic()
    for payload in payloads:
        if rate:
            delay = started + sent / rate - time.monotonic()
            if delay > _TICK_S:
                await asyncio.sleep(delay)
        now = time.time()
        pending.append(await producer.send(topic, payload, timestamp_ms=int(now * 1000)))
        sent += 1
        if on_sent is not None:
            on_sent(now)
        if len(pending) >= _WINDOW:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    return sent
