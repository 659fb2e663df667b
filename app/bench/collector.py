"""Reading what comes out: a group-less consumer that matches outputs to inputs by correlation id.

For each phase it keeps the first output of every input (tagged article or dead letter) and,
apart, the alerts. Times kept per output: the record's Kafka timestamp (set by the worker's
producer when it handed the record over) and the moment this reader received it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer

from app.bench.corpus import correlation_of
from app.kafka_clients import aiokafka_options
from app.settings import Settings


@dataclass(frozen=True, slots=True)
class Output:
    """When one input's output appeared: record timestamp and arrival here (epoch s)."""

    stamped: float
    arrived: float
    kind: str


class Collector:
    """Consumes ``topics`` (name -> kind) in the background from their beginning."""

    def __init__(self, settings: Settings, topics: dict[str, str]) -> None:
        self.settings = settings
        self.topics = topics
        self.completions: dict[str, dict[int, Output]] = defaultdict(dict)
        self.alerts: dict[str, dict[int, Output]] = defaultdict(dict)
        self.kind_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Collector:
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            **aiokafka_options(self.settings),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(self._consumer))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    def completed(self, phase_id: str) -> int:
        """Inputs of ``phase_id`` that have an output so far."""
        return len(self.completions[phase_id])

    async def wait_for(self, phase_id: str, count: int, timeout_s: float) -> bool:
        """Wait until ``count`` inputs of the phase completed; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while self.completed(phase_id) < count:
            if self._task is not None and self._task.done():
                self._task.result()  # re-raise what stopped the reader
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=5_000)
            arrived = time.time()
            for partition, records in batches.items():
                kind = self.topics[partition.topic]
                for record in records:
                    self._note(kind, record.key, record.value, record.timestamp / 1000, arrived)

    def _note(
        self, kind: str, key: bytes | None, value: bytes | None, stamped: float, arrived: float
    ) -> None:
        found = correlation_of(key or b"") or correlation_of(value or b"")
        if found is None:
            return
        phase_id, seq = found
        self.kind_counts[phase_id][kind] += 1
        target = self.alerts if kind == "alert" else self.completions
        # The first output counts: a redelivery after a rebalance must not move the time.
        target[phase_id].setdefault(seq, Output(stamped, arrived, kind))
