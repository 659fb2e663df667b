"""Publishing a batch of inputs' outputs: one producer batch per topic partition.

``AIOKafkaProducer.send`` costs per record a partitioner call (aiokafka's murmur2 is pure
Python: 10-40 us here), an accumulator look-up and a future. A batch of inputs already holds
every record to publish, so this module partitions them itself (murmur2 from the
``murmurhash2`` package, Rust, the same hash as Kafka's and aiokafka's default partitioner),
fills one ``BatchBuilder`` per topic partition and hands each over with ``send_batch``: one
future per partition per batch.

Delivery guarantees stay those of ``faust_app.DirectOutput``: every record is in the producer
when ``publish`` returns (Faust flushes that producer before it commits an offset), and each
producer batch remembers the inputs its records came from, so a batch the broker refuses, or
one that cannot even be handed over, is mapped back to its inputs and each of them is
dead-lettered as ``publish_failed`` (``RefusedOutputs``, drained in the producer's flush).
Refused dead letters are final: they are logged with their keys (the input's position).
"""

from __future__ import annotations

import logging
from asyncio import Future
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aiokafka.errors import KafkaError
from murmurhash2 import murmurhash2

from app import metrics
from app.streaming.records import OutputTopic, SourceRecord, StageResult
from schemas import Stage

log = logging.getLogger(__name__)

# Every record this publisher writes names the process that wrote it, so that process's own
# dashboard feed, which gets the same results in-process, can skip them when it reads the
# topics (app.web.feed) without parsing them.
ORIGIN_HEADER = "brinkwatch-origin"

# Kafka's murmur2 seed (org.apache.kafka.common.utils.Utils.murmur2, aiokafka.partitioner).
KAFKA_MURMUR2_SEED = 0x9747B28C

Processed = tuple[SourceRecord, list[StageResult]]
"""One input and what its stages made of it."""


def kafka_partition(key: bytes, partitions: Sequence[int]) -> int:
    """The partition Kafka's default partitioner gives ``key`` (partitions sorted by id)."""
    return partitions[(murmurhash2(key, KAFKA_MURMUR2_SEED) & 0x7FFFFFFF) % len(partitions)]


@dataclass(slots=True)
class OpenBatch:
    """A producer batch being filled for one topic partition, with what its records came from
    (the inputs, for dead letters; the keys, for the logs)."""

    builder: Any
    inputs: list[tuple[SourceRecord, Stage]] = field(default_factory=list)
    keys: list[bytes] = field(default_factory=list)


def append_record(
    batch: OpenBatch, key: bytes | None, value: bytes | None, headers: list[Any]
) -> bool:
    """Add one record to the batch; False when the batch is full (the first always fits)."""
    appended = batch.builder.append(key=key, value=value, timestamp=None, headers=headers)
    return appended is not None


class BatchPublisher:
    """Publishes the outputs of processed inputs, a producer batch per topic partition.

    ``on_refused(record, stage, topic, error)`` is told about every input whose output was
    refused; dead letters (topic ``dlq``) are logged and counted instead.
    """

    def __init__(
        self, app: Any, topics: dict[OutputTopic, str], on_refused: Any, origin: bytes
    ) -> None:
        self.app = app
        self.topics = topics
        self.on_refused = on_refused
        self.headers = [(ORIGIN_HEADER, origin)]

    async def publish(self, processed: Sequence[Processed]) -> None:
        """Put every output of ``processed`` in the producer, in order per partition."""
        producer = self.app.producer._ensure_producer()
        partitions: dict[str, Sequence[int]] = {}
        unavailable: dict[str, KafkaError] = {}
        open_batches: dict[tuple[str, int], OpenBatch] = {}
        for record, results in processed:
            for result in results:
                for out in result.outputs:
                    topic = self.topics[out.topic]
                    known = partitions.get(topic)
                    if known is None and topic not in unavailable:
                        try:
                            known = partitions[topic] = await self._partitions(producer, topic)
                        except KafkaError as exc:  # no metadata: the topic is gone, or denied
                            unavailable[topic] = exc
                    if known is None:
                        refused = OpenBatch(None, [(record, result.stage)], [out.key])
                        self._refused(topic, refused, unavailable[topic])
                        continue
                    where = (topic, kafka_partition(out.key, known))
                    batch = open_batches.get(where)
                    if batch is None:
                        batch = open_batches[where] = OpenBatch(producer.create_batch())
                    if not append_record(batch, out.key, out.value, self.headers):
                        # Full: hand it over and start the next (the first record always fits).
                        await self._send(producer, where, batch)
                        batch = open_batches[where] = OpenBatch(producer.create_batch())
                        append_record(batch, out.key, out.value, self.headers)
                    batch.inputs.append((record, result.stage))
                    batch.keys.append(out.key)
        for where, batch in open_batches.items():
            await self._send(producer, where, batch)

    @staticmethod
    async def _partitions(producer: Any, topic: str) -> Sequence[int]:
        await producer.client._wait_on_metadata(topic)
        return sorted(producer.client.cluster.partitions_for_topic(topic))

    async def _send(self, producer: Any, where: tuple[str, int], batch: OpenBatch) -> None:
        topic, partition = where
        # Closed: ready to go at once (our batching replaces the producer's linger).
        batch.builder.close()
        try:
            delivery = await producer.send_batch(batch.builder, topic, partition=partition)
        except KafkaError as exc:
            self._refused(topic, batch, exc)
            return
        delivery.add_done_callback(partial(self._delivered, topic, batch))

    def _delivered(self, topic: str, batch: OpenBatch, delivery: Future[Any]) -> None:
        if delivery.cancelled() or (error := delivery.exception()) is None:
            return
        self._refused(topic, batch, error)

    def _refused(self, topic: str, batch: OpenBatch, error: BaseException) -> None:
        metrics.PUBLISH_FAILURES.labels(topic).inc(len(batch.keys))
        if topic == self.topics["dlq"]:
            log.error(
                "publishing %d dead letters to %s failed, their inputs are lost (keys are the "
                "source positions: replay from there): %s: %r",
                len(batch.keys),
                topic,
                b", ".join(batch.keys)[:2000],
                error,
            )
            return
        log.error(
            "publishing a batch of %d records to %s failed: %r; dead-lettering their inputs "
            "as publish_failed",
            len(batch.keys),
            topic,
            error,
        )
        for record, stage in batch.inputs:
            self.on_refused(record, stage, topic, repr(error))
