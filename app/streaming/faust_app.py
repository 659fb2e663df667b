"""The Faust application: settings -> app, topics and agents.

Everything is built by ``create_app`` from an explicit ``Settings`` so tests and benchmarks can
run isolated apps (own topics, own consumer group) side by side.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from asyncio import Future
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError
from faust.sensors import Monitor
from faust.transport.drivers.aiokafka import Producer as AIOKafkaProducer

from app import metrics
from app.domain.pipeline import Pipeline
from app.kafka_clients import ssl_context
from app.settings import Settings
from app.streaming.fastpath import FastPathConsumer
from app.streaming.publishing import ORIGIN_HEADER, BatchPublisher, Processed
from app.streaming.quiet_monitor import QuietMonitor
from app.streaming.records import (
    MAX_RECORD_BYTES,
    OutputTopic,
    Refusal,
    SourceRecord,
    StageResult,
)
from app.streaming.stages import publish_failed
from app.streaming.topic_admin import ensure_topics
from schemas import Incident, Stage

log = logging.getLogger(__name__)


class RefusedOutputs:
    """Outputs the broker refused after buffering, waiting to be dead-lettered.

    Delivery callbacks run synchronously and cannot send, so they only queue here; the
    producer drains the queue inside every flush (see ``DeadLetteringProducer``).
    """

    def __init__(self) -> None:
        self._pending: list[Refusal] = []

    def on_delivery(
        self, topic: str, key: bytes, record: SourceRecord, stage: Stage, delivery: Future[Any]
    ) -> None:
        """Delivery callback of an output: count, log and queue it if the broker refused it."""
        if delivery.cancelled() or (error := delivery.exception()) is None:
            return
        metrics.PUBLISH_FAILURES.labels(topic).inc()
        position = f"{record.topic}/{record.partition}/{record.offset}"
        log.error(
            "publishing to %s failed for key %r: %r; dead-lettering input %s as publish_failed",
            topic,
            key[:200],
            error,
            position,
        )
        self._pending.append(Refusal(record, stage, topic, repr(error)))

    def add(self, record: SourceRecord, stage: Stage, topic: str, error: str) -> None:
        """Queue an input whose output to ``topic`` was refused (counted and logged already)."""
        self._pending.append(Refusal(record, stage, topic, error))

    def take(self) -> list[Refusal]:
        """The refusals queued so far; the queue is emptied."""
        pending, self._pending = self._pending, []
        return pending


@dataclass(frozen=True)
class DirectOutput:
    """Publishes to one topic straight through the app's producer.

    ``Topic.send`` wraps every message in Faust's FutureMessage/PendingMessage, runs the send
    sensors and attaches a completion callback; our agents need none of it (values are already
    bytes). At-least-once is unchanged: the record is in the producer's buffer when ``send``
    returns, and Faust flushes this same producer before it commits the consumed offset. An
    output the broker refuses is queued in ``refused`` with its input (the dead-letter topic
    has none: its refusals are final).
    """

    app: Any
    topic: str
    refused: RefusedOutputs | None = None
    headers: list[tuple[str, bytes]] | None = None
    """Headers of every record (the origin header, for a reader that skips its own)."""

    async def send(
        self,
        *,
        key: bytes,
        value: bytes,
        source: SourceRecord | None = None,
        stage: Stage | None = None,
    ) -> Any:
        """Buffer one record made from ``source`` by ``stage``; return the delivery future.

        A record the producer refuses at once (too large, unknown topic, producer closed) is
        treated like one the broker refuses later: its input is queued for a publish_failed
        dead letter, and None is returned. The agent never sees the exception.
        """
        try:
            delivery = await self.app.producer.send(
                self.topic, key, value, partition=None, timestamp=None, headers=self.headers
            )
        except (ProducerSendError, KafkaError) as exc:
            metrics.PUBLISH_FAILURES.labels(self.topic).inc()
            if self.refused is not None and source is not None and stage is not None:
                log.error(
                    "the producer refused a record for %s (key %r): %r; dead-lettering its "
                    "input as publish_failed",
                    self.topic,
                    key[:200],
                    exc,
                )
                self.refused.add(source, stage, self.topic, repr(exc))
            else:
                log.error(
                    "the producer refused a record for %s, it is lost (a dead letter's key is "
                    "the source position of its input: replay that input): key %r: %r",
                    self.topic,
                    key[:200],
                    exc,
                )
            return None
        if self.refused is not None and source is not None and stage is not None:
            callback = partial(self.refused.on_delivery, self.topic, key, source, stage)
        else:
            callback = partial(report_failed_delivery, self.topic, key)
        delivery.add_done_callback(callback)
        return delivery


def report_failed_delivery(topic: str, key: bytes, delivery: Future[Any]) -> None:
    """Make a record the broker refused for good visible: count it and log it with its key.

    Used for dead letters, whose refusal is final: their key is the source position
    (topic/partition/offset) of the input that is then lost, so operators replay it from there.
    """
    if delivery.cancelled() or delivery.exception() is None:
        return
    metrics.PUBLISH_FAILURES.labels(topic).inc()
    log.error(
        "publishing to %s failed for key %r, the record is lost (a dead letter's key is the "
        "source position of its input: replay that input): %r",
        topic,
        key[:200],
        delivery.exception(),
    )


class DeadLetteringProducer(AIOKafkaProducer):
    """Faust's aiokafka producer; each flush also dead-letters the outputs the broker refused.

    Faust flushes the producer right before it commits offsets (``Consumer._commit_offsets``),
    on rebalance and at shutdown. A flush resolves every record buffered before it started,
    so the refusals of every input about to be committed are queued by then; their dead
    letters are buffered and flushed here, before ``flush`` returns and the commit goes out.
    """

    async def flush(self) -> None:
        await super().flush()
        # Delivery callbacks are scheduled when a batch resolves; let any still queued run.
        await asyncio.sleep(0)
        app = cast(BrinkwatchApp, self.app)
        # One round is enough: the offsets about to be committed were fixed before this flush,
        # and their inputs' outputs were buffered before it too. Refusals that arrive later
        # belong to newer inputs and wait for the next flush; looping until none arrive could
        # hold the commit forever while a topic refuses every record and input keeps flowing.
        if await app.dead_letter_refused_outputs():
            await super().flush()


@dataclass(frozen=True)
class PipelineTopics:
    """The Faust topic objects, by logical name (see ``Settings.topics``)."""

    raw: Any
    valid: Any
    tagged: Any
    alerts: Any
    dlq: Any
    outputs: dict[str, DirectOutput]
    publisher: BatchPublisher | None = None

    def by_name(self, name: str) -> DirectOutput:
        """Where the agents publish a logical output (valid, tagged, alerts, dlq)."""
        return self.outputs[name]

    async def publish_batch(self, processed: Sequence[Processed]) -> None:
        """Buffer every output of a batch of inputs (the batched fused agent's seam)."""
        if self.publisher is None:
            raise RuntimeError("no batch publisher configured")
        await self.publisher.publish(processed)


class BrinkwatchApp(faust.App):
    """A Faust app that creates its topics before any agent consumes."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(settings.app_id, **options)
        self.brinkwatch_settings = settings
        self.pipeline_topics: PipelineTopics | None = None
        self.refused_outputs = RefusedOutputs()
        # Names this process in the records it publishes (publishing.ORIGIN_HEADER).
        self.origin = uuid.uuid4().hex.encode()
        # Told about every batch the fused agent published (the in-worker dashboard).
        self.result_listeners: list[Callable[[list[StageResult], float], None]] = []
        # Told about every incident record the incident agent published (the same dashboard).
        self.incident_listeners: list[Callable[[Incident], None]] = []

    async def on_first_start(self) -> None:
        await super().on_first_start()
        await ensure_topics(self.brinkwatch_settings)

    def _new_producer(self) -> Any:
        return DeadLetteringProducer(self.transport, loop=self.loop, beacon=self.beacon)

    def _new_consumer(self) -> Any:
        # faust's own consumer, minus the per-message wait_first when nothing can suspend.
        consumer = FastPathConsumer(
            self.transport,
            callback=self.topics.on_message,
            on_partitions_revoked=self._on_partitions_revoked,
            on_partitions_assigned=self._on_partitions_assigned,
            beacon=self.beacon,
            loop=self.loop,
        )
        deliveries = metrics.CONSUMER_DELIVERIES
        deliveries.labels("inline").set_function(lambda: consumer.fast_deliveries)
        deliveries.labels("guarded").set_function(lambda: consumer.guarded_deliveries)
        metrics.COMMITS_HELD.set_function(lambda: consumer.held_commits)
        return consumer

    async def dead_letter_refused_outputs(self) -> int:
        """Buffer a publish_failed dead letter for each input whose output was refused.

        Returns how many were buffered. A dead letter that cannot even be buffered is logged
        with its source position and counted, like one the broker refuses later.
        """
        refusals = self.refused_outputs.take()
        if not refusals or self.pipeline_topics is None:
            return 0
        dlq = self.pipeline_topics.by_name("dlq")
        buffered = 0
        for result in publish_failed(refusals, datetime.now(UTC)):
            for outgoing in result.outputs:
                # None: refused at once, counted and logged with its key (the input's position).
                if await dlq.send(key=outgoing.key, value=outgoing.value) is not None:
                    buffered += 1
                    if result.dead_letter is not None:
                        metrics.record_dead_letter(result.dead_letter)
        return buffered


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
        # The size every output is built to fit (records.MAX_RECORD_BYTES).
        producer_max_request_size=MAX_RECORD_BYTES,
        datadir=str(settings.data_dir),
        web_enabled=True,
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_tables_enabled=False,
        # Faust's own pages show partition assignments, worker URLs and sensor counters.
        web_router_enabled=settings.web_router_enabled,
        web_stats_enabled=False,
        web_graph_enabled=False,
        consumer_group_instance_id=settings.consumer_instance_id,
        broker_session_timeout=settings.session_timeout_s,
        # Kafka's rule of thumb: at least three heartbeats per session (Faust's default is 3 s).
        broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 3),
        web_in_thread=False,
        # Faust's opt-in Cython fast paths (stream queue reads, one decode per message).
        cython_optimizations=True,
        # Faust's per-event Monitor bookkeeping only feeds its own /stats view.
        Monitor=Monitor if settings.faust_sensors else QuietMonitor,
    )
    names = settings.topics
    incidents = settings.incidents.enabled
    # With incidents on, every alert is also published keyed by its grouping key.
    outputs: dict[OutputTopic, str] = {
        "valid": names.valid,
        "tagged": names.tagged,
        "alerts": names.alerts,
        "dlq": names.dlq,
    }
    if incidents:
        outputs["alerts_by_key"] = names.alerts_by_key
    topics = PipelineTopics(
        raw=app.topic(names.raw, value_serializer="raw", key_serializer="raw"),
        valid=app.topic(names.valid, value_serializer="raw", key_serializer="raw"),
        tagged=app.topic(names.tagged, value_serializer="raw", key_serializer="raw"),
        alerts=app.topic(names.alerts, value_serializer="raw", key_serializer="raw"),
        dlq=app.topic(names.dlq, value_serializer="raw", key_serializer="raw"),
        outputs={
            output: DirectOutput(app, topic, None if output == "dlq" else app.refused_outputs)
            for output, topic in outputs.items()
        },
        publisher=BatchPublisher(app, outputs, app.refused_outputs.add, app.origin),
    )
    app.pipeline_topics = topics
    # Imported here: agents and views need the app instance to register on.
    from app.streaming.agents import register_agents
    from app.web import register_web

    pipeline = pipeline or Pipeline.from_settings(settings)
    if not incidents:
        register_agents(app, topics, pipeline, settings)
    else:
        from app.streaming.incident_agents import alert_key, register_incident_agents

        register_agents(app, topics, pipeline, settings, alert_key(settings))
        register_incident_agents(
            app,
            settings,
            # Named as this process's: its own dashboard has them in-process already.
            DirectOutput(app, names.incidents, headers=[(ORIGIN_HEADER, app.origin)]),
            DirectOutput(app, names.trend),
        )
    register_web(app, topics, settings)
    return app
