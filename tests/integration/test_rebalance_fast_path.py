"""The consumer fast path and batched agent through a rebalance, on the real broker.

A worker consumes a steady stream on six partitions; a second worker joins the group halfway,
so partitions move while messages are in flight. Every input must still come out (at least
once: redeliveries after the rebalance are allowed), most hand-overs must have taken the inline
path, and the second worker must have taken partitions over.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from app.producing import send_payloads
from tests.support.factories import raw_article
from tests.support.kafka_io import collect
from tests.support.worker import isolated_env, running_worker, second_worker_env

pytestmark = pytest.mark.integration

ARTICLES = 3_000
RATE = 150.0  # articles/s: the stream lasts 20 s, the second worker joins after ~4 s


def _payloads() -> list[bytes]:
    payloads = []
    for n in range(ARTICLES):
        if n % 50 == 49:
            payloads.append(b'{"cut": "malformed ' + str(n).encode())  # a dead letter
        else:
            payloads.append(raw_article(f"rb-{n}", f"Rebalance {n}", f"Story number {n}."))
    return payloads


def _metric(port: str, name: str) -> dict[str, float]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    pattern = re.compile(rf"^{name}\{{([^}}]*)\}} ([0-9.eE+-]+)$", re.MULTILINE)
    return {labels: float(value) for labels, value in pattern.findall(text)}


async def test_no_input_is_lost_when_a_second_worker_joins(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    first = isolated_env(kafka_bootstrap, unique_name, tmp_path / "a", BRINKWATCH_PARTITIONS="6")
    second = second_worker_env(first, tmp_path / "b" / "state")
    for workdir in (tmp_path / "a", tmp_path / "b"):
        workdir.mkdir()
    topic = {n: first[f"BRINKWATCH_TOPICS__{n.upper()}"] for n in ("raw", "valid", "dlq")}
    payloads = _payloads()
    with running_worker(first, tmp_path / "a"):
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, linger_ms=0)
        await producer.start()
        try:
            stream = asyncio.create_task(send_payloads(producer, topic["raw"], payloads, RATE))
            await asyncio.sleep(4.0)
            with running_worker(second, tmp_path / "b"):
                await stream

                def complete(records: dict[str, list[object]]) -> bool:
                    return len(records[topic["valid"]]) + len(records[topic["dlq"]]) >= ARTICLES

                records = await collect(kafka_bootstrap, [topic["valid"], topic["dlq"]], complete)
                joined = _metric(second["BRINKWATCH_WEB_PORT"], "brinkwatch_messages_total")
            deliveries = _metric(first["BRINKWATCH_WEB_PORT"], "brinkwatch_consumer_deliveries")
        finally:
            await producer.stop()

    urls = {json.loads(r.value)["url"] for r in records[topic["valid"]]}
    offsets = {
        (d["source_partition"], d["source_offset"])
        for d in (json.loads(r.value) for r in records[topic["dlq"]])
    }
    malformed = ARTICLES // 50
    assert len(urls) == ARTICLES - malformed, "every good article came out at least once"
    assert len(offsets) == malformed, "every malformed one was dead-lettered at least once"
    assert sum(joined.values()) > 0, "the second worker took partitions over"
    inline, guarded = deliveries['path="inline"'], deliveries['path="guarded"']
    assert inline > guarded, (inline, guarded)
