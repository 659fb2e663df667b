"""The Faust application: settings -> app, topics and agents.

Everything is built by ``create_app`` from an explicit ``Settings`` so tests and benchmarks can
run isolated apps (own topics, own consumer group) side by side.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass
from functools import partial
from typing import Any

import faust

from app import metrics
from app.domain.pipeline import Pipeline
from app.kafka_clients import ssl_context
from app.settings import Settings
from app.streaming.topic_admin import ensure_topics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DirectOutput:
    """Publishes to one topic straight through the app's producer.

    ``Topic.send`` wraps every message in Faust's FutureMessage/PendingMessage, runs the send
    sensors and attaches a completion callback; our agents need none of it (values are already
    bytes). At-least-once is unchanged: the record is in the producer's buffer when ``send``
    returns, and Faust flushes this same producer before it commits the consumed offset.
    """

    app: Any
    topic: str

    async def send(self, *, key: bytes, value: bytes) -> Any:
        """Buffer one record; return the delivery future."""
        delivery = await self.app.producer.send(
            self.topic, key, value, partition=None, timestamp=None, headers=None
        )
        delivery.add_done_callback(partial(report_failed_delivery, self.topic, key))
        return delivery


def report_failed_delivery(topic: str, key: bytes, delivery: asyncio.Future[Any]) -> None:
    """Make a record the broker refused visible: count it and log it with its key.

    The offset of its input is still committed after the producer flush (at-least-once covers
    crashes, not refusals), so operators need this signal to replay the input.
    """
    if delivery.cancelled() or delivery.exception() is None:
        return
    metrics.PUBLISH_FAILURES.labels(topic).inc()
    log.error("publishing to %s failed for key %r: %r", topic, key[:200], delivery.exception())


@dataclass(frozen=True)
class PipelineTopics:
    """The Faust topic objects, by logical name (see ``Settings.topics``)."""

    raw: Any
    valid: Any
    tagged: Any
    alerts: Any
    dlq: Any
    outputs: dict[str, DirectOutput]

    def by_name(self, name: str) -> DirectOutput:
        """Where the agents publish a logical output (valid, tagged, alerts, dlq)."""
        return self.outputs[name]


class BrinkwatchApp(faust.App):
    """A Faust app that creates its topics before any agent consumes."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(settings.app_id, **options)
        self.brinkwatch_settings = settings
        self.pipeline_topics: PipelineTopics | None = None

    async def on_first_start(self) -> None:
        await super().on_first_start()
        await ensure_topics(self.brinkwatch_settings)


def _credentials(settings: Settings) -> Any:
    context: ssl.SSLContext | None = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        password = settings.sasl_password.get_secret_value() if settings.sasl_password else None
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=password,
            mechanism=settings.sasl_mechanism or "PLAIN",
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def create_app(settings: Settings, pipeline: Pipeline | None = None) -> BrinkwatchApp:
    """Build the Faust app with its topics and agents registered."""
    brokers = ";".join(f"kafka://{host}" for host in settings.kafka_bootstrap().split(","))
    app = BrinkwatchApp(
        settings,
        broker=brokers,
        broker_credentials=_credentials(settings),
        value_serializer="raw",
        key_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        # Our topics are created by ensure_topics with the configured layout.
        topic_allow_declare=False,
        # The leader topic would need declaring; brinkwatch has no leader-only work.
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_max_poll_records=settings.max_poll_records,
        producer_linger=settings.producer_linger_ms / 1000.0,
        producer_max_batch_size=settings.producer_max_batch_size,
        datadir=str(settings.data_dir),
        web_enabled=True,
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_tables_enabled=False,
        web_in_thread=False,
    )
    names = settings.topics
    topics = PipelineTopics(
        raw=app.topic(names.raw, value_serializer="raw", key_serializer="raw"),
        valid=app.topic(names.valid, value_serializer="raw", key_serializer="raw"),
        tagged=app.topic(names.tagged, value_serializer="raw", key_serializer="raw"),
        alerts=app.topic(names.alerts, value_serializer="raw", key_serializer="raw"),
        dlq=app.topic(names.dlq, value_serializer="raw", key_serializer="raw"),
        outputs={
            output: DirectOutput(app, getattr(names, output))
            for output in ("valid", "tagged", "alerts", "dlq")
        },
    )
    app.pipeline_topics = topics
    # Imported here: agents and views need the app instance to register on.
    from app.streaming.agents import register_agents
    from app.web import register_web

    register_agents(app, topics, pipeline or Pipeline.from_settings(settings), settings)
    register_web(app, topics, settings)
    return app
