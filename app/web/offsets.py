"""Throughput and consumer lag from Kafka offsets, for the whole consumer group.

Per-process counters only see one worker's partitions; topic end offsets and the group's
committed offsets describe the whole stream, whichever worker asks. A snapshot is taken every
few seconds; rates are differences between snapshots.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from app.kafka_clients import aiokafka_options
from app.metrics import CONSUMER_LAG
from app.settings import Settings

RATE_WINDOW_S = 30.0  # rates are averaged over about this long, to smooth bursty producers


@dataclass(frozen=True, slots=True)
class StageTopics:
    """Where a stage reads and writes, by topic name."""

    stage: str
    source: str
    output: str


def stage_topics(settings: Settings) -> list[StageTopics]:
    """The pipeline's stages with their topics (the fused topology publishes the same ones)."""
    names = settings.topics
    return [
        StageTopics("validate", names.raw, names.valid),
        StageTopics("tag", names.valid, names.tagged),
        StageTopics("detect", names.tagged, names.alerts),
    ]


@dataclass(frozen=True, slots=True)
class OffsetSnapshot:
    """End offsets of every pipeline partition and the group's committed offsets."""

    taken_at: float
    ends: dict[tuple[str, int], int]
    committed: dict[tuple[str, int], int] = field(default_factory=dict)

    def topic_end(self, topic: str) -> int:
        """Sum of the topic's end offsets: messages ever written to it."""
        return sum(end for (name, _), end in self.ends.items() if name == topic)

    def topic_committed(self, topic: str) -> int:
        """Sum of the group's committed offsets on the topic: messages it has consumed."""
        return sum(done for (name, _), done in self.committed.items() if name == topic)

    def committed_topics(self) -> set[str]:
        """Topics on which the group has committed offsets."""
        return {topic for topic, _ in self.committed}

    def lag(self) -> list[dict[str, Any]]:
        """Per partition the group consumes: end, committed and the difference."""
        rows = []
        for (topic, partition), done in sorted(self.committed.items()):
            end = self.ends.get((topic, partition), done)
            rows.append(
                {
                    "topic": topic,
                    "partition": partition,
                    "end": end,
                    "committed": done,
                    "lag": max(end - done, 0),
                }
            )
        return rows


def throughput(history: list[OffsetSnapshot], stages: list[StageTopics]) -> list[dict[str, Any]]:
    """Messages per second into, consumed by and out of each stage, over the rate window."""
    newest = history[-1] if history else None
    older = _snapshot_before(history, RATE_WINDOW_S)
    rows = []
    for stage in stages:
        row: dict[str, Any] = {
            "stage": stage.stage,
            "source": stage.source,
            "in_per_s": None,
            "consumed_per_s": None,
            "out_per_s": None,
            "lag": None,
        }
        if newest is not None and stage.source in newest.committed_topics():
            row["lag"] = sum(r["lag"] for r in newest.lag() if r["topic"] == stage.source)
        if newest is not None and older is not None:
            span = newest.taken_at - older.taken_at
            row["in_per_s"] = _rate(newest.topic_end, older.topic_end, stage.source, span)
            row["out_per_s"] = _rate(newest.topic_end, older.topic_end, stage.output, span)
            # Without commits on this topic (the fused topology reads only raw) it is unknown.
            if stage.source in newest.committed_topics() & older.committed_topics():
                row["consumed_per_s"] = _rate(
                    newest.topic_committed, older.topic_committed, stage.source, span
                )
        rows.append(row)
    return rows


def _rate(new: Callable[[str], int], old: Callable[[str], int], topic: str, span: float) -> float:
    return max(new(topic) - old(topic), 0) / span


def _snapshot_before(history: list[OffsetSnapshot], age_s: float) -> OffsetSnapshot | None:
    if len(history) < 2:
        return None
    newest = history[-1]
    for snapshot in reversed(history[:-1]):
        if newest.taken_at - snapshot.taken_at >= age_s:
            return snapshot
    return history[0]


class OffsetProbe:
    """Reads end offsets and the group's commits; keeps a short history; sets the lag gauge."""

    def __init__(self, settings: Settings, history: int = 120) -> None:
        self.settings = settings
        self.group_id = settings.app_id
        self.topics = sorted(
            {name for s in stage_topics(settings) for name in (s.source, s.output)}
            | {settings.topics.dlq}
        )
        self.history: deque[OffsetSnapshot] = deque(maxlen=history)
        self._consumer: AIOKafkaConsumer | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._partitions: list[TopicPartition] = []

    async def start(self) -> None:
        """Connect; find every partition of the pipeline topics."""
        options = aiokafka_options(self.settings)
        # No group: this consumer never fetches records, it only asks for end offsets.
        self._consumer = AIOKafkaConsumer(**options, group_id=None, enable_auto_commit=False)
        self._admin = AIOKafkaAdminClient(**options)
        await self._consumer.start()
        await self._admin.start()
        cluster = await self._consumer._client.fetch_all_metadata()
        self._partitions = [
            TopicPartition(topic, p)
            for topic in self.topics
            for p in sorted(cluster.partitions_for_topic(topic) or ())
        ]

    def missing_topics(self) -> list[str]:
        """Pipeline topics the broker did not know at ``start`` (not created yet, or deleted)."""
        found = {tp.topic for tp in self._partitions}
        return [topic for topic in self.topics if topic not in found]

    async def stop(self) -> None:
        """Close both clients (safe to call when start failed half-way)."""
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()
        self._consumer = self._admin = None

    async def sample(self) -> OffsetSnapshot:
        """Take one snapshot, remember it and publish the lag gauge."""
        assert self._consumer is not None and self._admin is not None, "start() first"
        ends = await self._consumer.end_offsets(self._partitions)
        commits = await self._admin.list_consumer_group_offsets(self.group_id)
        snapshot = OffsetSnapshot(
            taken_at=time.monotonic(),
            ends={(tp.topic, tp.partition): end for tp, end in ends.items()},
            committed={
                (tp.topic, tp.partition): meta.offset
                for tp, meta in commits.items()
                if tp.topic in self.topics and meta.offset >= 0
            },
        )
        self.history.append(snapshot)
        for row in snapshot.lag():
            CONSUMER_LAG.labels(row["topic"], str(row["partition"])).set(row["lag"])
        return snapshot
