"""Background service that feeds the dashboard from Kafka.

Started and stopped with the worker (``dashboard.in_worker``) or by ``brinkwatch dashboard``.
It reads ALL partitions of the alert, dead-letter and tagged topics without a consumer group
(so it never takes partitions from the pipeline's agents and sees the whole stream), starting
from a recent window, and samples offsets for throughput and lag (``OffsetSampler``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from mode import Service, ServiceT
from prometheus_client import Counter

from app.kafka_clients import aiokafka_options
from app.streaming.publishing import ORIGIN_HEADER
from app.web.aggregates import BUCKET_S, HISTORY_BUCKETS
from app.web.dashboard import Dashboard
from app.web.lag import RETRY_S, OffsetSampler
from app.web.offsets import OffsetSnapshot

log = logging.getLogger(__name__)

# How far back to read at start, per topic: the charts' window, and an hour of topic mix.
ALERT_HISTORY_S = BUCKET_S * HISTORY_BUCKETS
TAGGED_HISTORY_S = 3600.0
# ... but never more than this many messages per partition, so a start stays quick.
BACKFILL_CAP = {"alerts": 2000, "dlq": 2000, "tagged": 5000}
STATS_INTERVAL_S = 2.0

# The dashboard's own metric (the pipeline's are in app/metrics.py): what its feed reads, so
# its cost shows, and a worker without the dashboard shows no samples of it at all.
FEED_MESSAGES = Counter(
    "brinkwatch_dashboard_feed_messages_total",
    "Messages the dashboard feed read from the alert, dead-letter and tagged topics; "
    "kind=own counts those it skipped unparsed because this worker published them and "
    "handed them to its dashboard in-process.",
    ["kind"],
)


class DashboardFeed(Service):
    """Reads the topics into a ``Dashboard`` and pushes stats to the browsers."""

    def __init__(
        self, dashboard: Dashboard, skip_origin: bytes | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.dashboard = dashboard
        # Records this worker published itself: its agent gave them to the dashboard already.
        self._own = (ORIGIN_HEADER, skip_origin) if skip_origin is not None else None
        self.settings = dashboard.settings
        names = self.settings.topics
        self._kinds = {names.alerts: "alerts", names.dlq: "dlq", names.tagged: "tagged"}
        self._read = {kind: FEED_MESSAGES.labels(kind) for kind in self._kinds.values()}
        self._skipped_own = FEED_MESSAGES.labels("own")

    def on_init_dependencies(self) -> Iterable[ServiceT]:
        # Started and stopped with the feed: rates and lag for the health panel.
        return [OffsetSampler(self.settings, self._on_offsets, self._lost)]

    async def on_stop(self) -> None:
        # Open event streams would otherwise hold the web server's shutdown for a minute.
        self.dashboard.broadcaster.close()

    @Service.task
    async def _tail_topics(self) -> None:
        while not self.should_stop:
            consumer = AIOKafkaConsumer(
                **aiokafka_options(self.settings),
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="latest",
            )
            try:
                await consumer.start()
                await self._assign_recent(consumer)
                self.dashboard.feed_connected, self.dashboard.feed_error = True, None
                await self._consume(consumer)
            except (KafkaError, OSError) as error:
                self._lost("topic feed", error)
                await self.sleep(RETRY_S)
            finally:
                self.dashboard.feed_connected = False
                await consumer.stop()

    async def _assign_recent(self, consumer: AIOKafkaConsumer) -> None:
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [
            TopicPartition(topic, p)
            for topic in self._kinds
            for p in sorted(cluster.partitions_for_topic(topic) or ())
        ]
        missing = set(self._kinds) - {tp.topic for tp in partitions}
        if missing:
            # A worker creates its topics before its services start, but `brinkwatch
            # dashboard` may start before any worker: retry until they exist.
            raise KafkaError(f"topics not found: {sorted(missing)}")
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        now_ms = int(time.time() * 1000)
        since = {
            tp: now_ms
            - int(1000 * (TAGGED_HISTORY_S if self._kind(tp) == "tagged" else ALERT_HISTORY_S))
            for tp in partitions
        }
        found = await consumer.offsets_for_times(since)
        for tp in partitions:
            first_recent = found[tp].offset if found.get(tp) is not None else ends[tp]
            consumer.seek(tp, max(first_recent, ends[tp] - BACKFILL_CAP[self._kind(tp)]))

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        while not self.should_stop:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            own = self._own
            for tp, records in batches.items():
                kind = self._kind(tp)
                self._read[kind].inc(len(records))
                skipped = 0
                for record in records:
                    if record.value is None:
                        continue
                    if own is not None and own in record.headers:
                        skipped += 1
                        continue
                    seconds = record.timestamp / 1000.0
                    if kind == "alerts":
                        self.dashboard.on_alert(record.value)
                    elif kind == "dlq":
                        self.dashboard.on_dead_letter(record.value, seconds)
                    else:
                        self.dashboard.on_tagged(record.value, seconds)
                self._skipped_own.inc(skipped)
                # A large backfill must not starve the event loop (and the agents on it).
                await asyncio.sleep(0)

    def _kind(self, tp: TopicPartition) -> str:
        return self._kinds[tp.topic]

    def _on_offsets(self, history: list[OffsetSnapshot]) -> None:
        self.dashboard.on_offsets(history)
        self.dashboard.feed_error = None

    @Service.task
    async def _push_stats(self) -> None:
        while not self.should_stop:
            self.dashboard.push_stats()
            await self.sleep(STATS_INTERVAL_S)

    def _lost(self, what: str, error: BaseException) -> None:
        self.dashboard.feed_error = f"{what}: {type(error).__name__}: {error}"
        log.warning("dashboard %s lost the broker, retrying in %.0f s: %r", what, RETRY_S, error)
