"""Background service that fills an ``IncidentView`` from the incidents, trend and alert topics.

Reads all partitions without a consumer group (it takes no partitions from the agents), from
the start of the topics but at most ``BACKFILL_CAP`` records per partition. In a worker, the
records that worker published itself (alerts and incidents with its origin header) are
skipped unparsed: its agents hand them to the view in-process (``app.web.register_web``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from mode import Service

from app.kafka_clients import aiokafka_options
from app.settings import Settings
from app.streaming.publishing import ORIGIN_HEADER
from app.web.incident_view import IncidentView
from app.web.lag import RETRY_S

log = logging.getLogger(__name__)
BACKFILL_CAP = 5000


class IncidentFeed(Service):
    """Keeps ``view`` current while the worker (or ``brinkwatch dashboard``) runs."""

    def __init__(
        self,
        view: IncidentView,
        settings: Settings,
        skip_origin: bytes | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.view, self.settings = view, settings
        self._own = (ORIGIN_HEADER, skip_origin) if skip_origin is not None else None
        names = settings.topics
        self._handlers = {
            names.incidents: view.on_incident,
            names.trend: view.on_spike,
            names.alerts: view.on_alert,
        }

    @Service.task
    async def _tail(self) -> None:
        while not self.should_stop:
            consumer = AIOKafkaConsumer(
                **aiokafka_options(self.settings), group_id=None, enable_auto_commit=False
            )
            try:
                await consumer.start()
                await self._assign(consumer)
                while not self.should_stop:
                    batches = await consumer.getmany(timeout_ms=1000, max_records=500)
                    own = self._own
                    for tp, records in batches.items():
                        handle = self._handlers[tp.topic]
                        for record in records:
                            if record.value is None or (own is not None and own in record.headers):
                                continue
                            handle(record.value)
                        await asyncio.sleep(0)  # a backfill must not starve the agents
            except (KafkaError, OSError) as error:
                log.warning("incident feed lost the broker, retrying: %r", error)
                await self.sleep(RETRY_S)
            finally:
                await consumer.stop()

    async def _assign(self, consumer: AIOKafkaConsumer) -> None:
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [
            TopicPartition(topic, p)
            for topic in self._handlers
            for p in sorted(cluster.partitions_for_topic(topic) or ())
        ]
        if {tp.topic for tp in partitions} != set(self._handlers):
            raise KafkaError("incident topics not created yet")
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, max(starts[tp], ends[tp] - BACKFILL_CAP))
