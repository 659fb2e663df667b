"""The baseline: a bare aiokafka consume -> produce loop, one hop, no parsing.

Run as its own process (``python -m app.bench.passthrough SOURCE SINK GROUP``) so it pays the
same process, broker and CPU costs as a worker. Offsets are committed after the producer is
flushed, the at-least-once order Faust follows too.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from datetime import datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from app.bench.processes import PASSTHROUGH_READY
from app.kafka_clients import aiokafka_options
from app.settings import get_settings

COMMIT_INTERVAL_S = 2.8  # Faust's default broker_commit_interval
MAX_POLL_RECORDS = 500


async def passthrough(source: str, sink: str, group: str) -> None:
    """Copy every record of ``source`` to ``sink`` until cancelled."""
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
    # The worker's producer settings, so the baseline differs from it only by Faust and the domain.
    producer = AIOKafkaProducer(
        **options,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_max_batch_size,
    )
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)  # joins the group and gets partitions
        # Same stamp format as Faust's log lines, which the harness reads the ready time from.
        print(f"[{datetime.now():%Y-%m-%d %H:%M:%S,%f}] {PASSTHROUGH_READY}", flush=True)
        last_commit = time.monotonic()
        while True:
            batches = await consumer.getmany(timeout_ms=100, max_records=MAX_POLL_RECORDS)
            for records in batches.values():
                for record in records:
                    await producer.send(sink, record.value, key=record.key)
            if time.monotonic() - last_commit > COMMIT_INTERVAL_S:
                await producer.flush()
                await consumer.commit()
                last_commit = time.monotonic()
    finally:
        await consumer.stop()
        await producer.stop()


def main() -> None:
    """Entry point: ``python -m app.bench.passthrough SOURCE SINK GROUP``."""
    source, sink, group = sys.argv[1:4]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(passthrough(source, sink, group))


if __name__ == "__main__":
    main()
