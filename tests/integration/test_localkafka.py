"""The local broker tool against a real Apache Kafka broker.

Each test runs its own broker on free ports with a temporary ``home`` (run dir, data, logs) but
shares the default jar cache, so only the very first run downloads from Maven Central. Nothing
here skips: a broker that cannot start fails the test.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from app.localkafka import (
    BrokerStartError,
    BrokerStatus,
    default_jars_root,
    ensure_jars,
    start,
    status,
    stop,
)
from app.localkafka.config import RunLayout, formatted_cluster_id, new_cluster_id
from app.settings import LocalBroker, Settings
from tests.support.ports import free_ports

pytestmark = pytest.mark.integration

# The project's jar cache (default ~/.cache/brinkwatch/kafka/jars), shared with real use.
JARS_ROOT = default_jars_root(Settings().local_broker)


def _new_broker(home: Path) -> LocalBroker:
    port, controller_port = free_ports(2)
    return LocalBroker(port=port, controller_port=controller_port, home=home, start_timeout_s=120)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _start(broker: LocalBroker) -> BrokerStatus:
    return start(broker, jars_root=JARS_ROOT)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalBroker]:
    """A broker config on free ports; whatever a test leaves running is stopped."""
    b = _new_broker(tmp_path / "kafka")
    yield b
    stop(b, timeout_s=15)


async def _create_topic(bootstrap: str, topic: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _list_topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _produce_and_consume(bootstrap: str, topic: str, group: str) -> tuple[bytes, bytes]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello brinkwatch", key=b"k1")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        msg = await asyncio.wait_for(consumer.getone(), timeout=30)
        await consumer.commit()  # exercises the group coordinator (__consumer_offsets, RF 1)
    finally:
        await consumer.stop()
    assert msg.key is not None and msg.value is not None
    return msg.key, msg.value


def test_ensure_jars_is_cached_and_complete() -> None:
    cfg = Settings().local_broker
    first = ensure_jars(cfg, jars_root=JARS_ROOT)
    t0 = time.monotonic()
    again = ensure_jars(cfg, jars_root=JARS_ROOT)
    assert time.monotonic() - t0 < 0.5
    assert again == first == JARS_ROOT / cfg.kafka_version
    names = {p.name for p in first.glob("*.jar")}
    assert f"kafka_2.13-{cfg.kafka_version}.jar" in names
    core = sorted(n for n in names if n.startswith("log4j-core-"))
    binding = sorted(n for n in names if n.startswith("log4j-slf4j-impl-"))
    assert len(core) == 1 and len(binding) == 1
    assert core[0].removeprefix("log4j-core-") == binding[0].removeprefix("log4j-slf4j-impl-")
    assert not any(n.startswith("log4j-slf4j2-impl") for n in names)
    pom = (first / "pom.xml").read_text(encoding="utf-8")
    assert "<artifactId>log4j-bom</artifactId>" in pom and "<packaging>pom</packaging>" in pom


async def test_start_roundtrip_reuse_stop(broker: LocalBroker, unique_name: str) -> None:
    before = status(broker)
    assert not before.running and before.pid is None and not before.managed

    started = await asyncio.to_thread(_start, broker)
    assert started.running and started.started_by_us and started.managed
    assert started.bootstrap == f"127.0.0.1:{broker.port}"
    assert started.log_path is not None and started.log_path.is_file()
    layout = RunLayout.of(broker)
    props = layout.server_properties.read_text(encoding="utf-8")
    for line in (
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.cleaner.dedupe.buffer.size=16777216",
        "auto.create.topics.enable=false",
        f"controller.quorum.voters=1@127.0.0.1:{broker.controller_port}",
    ):
        assert line in props.splitlines()

    topics = await _create_topic(started.bootstrap, unique_name)
    assert unique_name in topics
    key, value = await _produce_and_consume(started.bootstrap, unique_name, unique_name)
    assert (key, value) == (b"k1", b"hello brinkwatch")

    again = await asyncio.to_thread(_start, broker)
    assert again.running and not again.started_by_us
    assert again.pid == started.pid

    assert await asyncio.to_thread(stop, broker)
    assert not _port_open(broker.port)
    after = status(broker)
    assert not after.running and after.pid is None
    assert not layout.pid_file.exists()
    assert not await asyncio.to_thread(stop, broker)


async def test_restart_keeps_data_and_survives_a_wrong_cluster_id_file(
    broker: LocalBroker, unique_name: str
) -> None:
    first = await asyncio.to_thread(_start, broker)
    await _create_topic(first.bootstrap, unique_name)
    assert await asyncio.to_thread(stop, broker)

    layout = RunLayout.of(broker)
    formatted = formatted_cluster_id(layout.data_dir)
    assert formatted is not None
    assert layout.cluster_id_file.read_text(encoding="utf-8").strip() == formatted
    layout.cluster_id_file.write_text(new_cluster_id() + "\n", encoding="utf-8")

    second = await asyncio.to_thread(_start, broker)
    assert second.running and second.started_by_us and second.pid != first.pid
    assert layout.cluster_id_file.read_text(encoding="utf-8").strip() == formatted
    assert unique_name in await _list_topics(second.bootstrap)


def test_port_held_by_something_else_is_reported(broker: LocalBroker) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", broker.port))
        squatter.listen()  # accepts TCP, never speaks Kafka
        with pytest.raises(BrokerStartError, match="does not answer as Kafka"):
            _start(broker)
    assert not RunLayout.of(broker).pid_file.exists()


def test_broker_that_exits_fails_fast_with_log_tail(broker: LocalBroker) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", broker.controller_port))
        squatter.listen()
        t0 = time.monotonic()
        with pytest.raises(BrokerStartError) as info:
            _start(broker)
        elapsed = time.monotonic() - t0
    message = str(info.value)
    assert "exited" in message
    assert "last lines of" in message and "broker.log" in message
    assert "Address already in use" in message
    assert elapsed < broker.start_timeout_s / 2
    assert not RunLayout.of(broker).pid_file.exists()
    assert not status(broker).running


async def test_kafka_bootstrap_fixture_serves_a_broker(
    kafka_bootstrap: str, unique_name: str
) -> None:
    """The session fixture (tests/conftest.py) hands out a broker the suite can use."""
    assert unique_name.startswith("test-kafka-bootstrap-")
    assert unique_name in await _create_topic(kafka_bootstrap, unique_name)
