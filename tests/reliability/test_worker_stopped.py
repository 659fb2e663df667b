"""Two workers share six partitions; one is stopped (SIGTERM) while input flows: nothing lost.

The stopped worker leaves the group, the other takes its partitions over and goes on from the
committed offsets. Every input on the raw topic must come out as a valid article or a dead
letter (by position; redeliveries are reported), and the remaining worker must stay ready.
"""

from __future__ import annotations

import asyncio
import urllib.request
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from app.producing import send_payloads
from tests.support.accounting import account, accounted_for
from tests.support.factories import raw_article
from tests.support.kafka_io import collect
from tests.support.worker import isolated_env, running_worker, second_worker_env, stop_process

pytestmark = pytest.mark.integration


def payloads(name: str, count: int) -> list[bytes]:
    return [
        b'["not", "an", "object"]'
        if n % 30 == 29
        else raw_article(f"{name}-{n}", f"Two workers {n}", f"Story number {n}.")
        for n in range(count)
    ]


def ready(port: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:  # 503 raises HTTPError, an OSError
        return False


async def stop_one_of_two(
    bootstrap: str, name: str, workdir: Path, count: int, rate: float, stop_after_s: float
) -> None:
    first = isolated_env(bootstrap, name, workdir / "a", BRINKWATCH_PARTITIONS="6")
    second = second_worker_env(first, workdir / "b" / "state")
    for path in (workdir / "a", workdir / "b"):
        path.mkdir()
    raw, valid, dlq = (first[f"BRINKWATCH_TOPICS__{n}"] for n in ("RAW", "VALID", "DLQ"))
    with running_worker(first, workdir / "a"), running_worker(second, workdir / "b") as other:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
        await producer.start()
        try:
            stream = asyncio.create_task(send_payloads(producer, raw, payloads(name, count), rate))
            await asyncio.sleep(stop_after_s)
            code = await asyncio.to_thread(stop_process, other)
            assert code == 0, "the stopped worker shut down cleanly"
            await stream
        finally:
            await producer.stop()

        everything = accounted_for(count, raw, valid, dlq)
        records = await collect(bootstrap, [raw, valid, dlq], everything, timeout_s=180)
        assert await asyncio.to_thread(ready, first["BRINKWATCH_WEB_PORT"])
    accounting = account(records[raw], records[valid], records[dlq])
    print(accounting.summary())
    assert accounting.inputs == count
    assert accounting.lost == [], accounting.summary()
    assert accounting.both == [], accounting.summary()
    assert accounting.dead_lettered == count // 30
    assert {r.partition for r in records[raw]} == set(range(6))


async def test_a_stopped_worker_loses_nothing(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    await stop_one_of_two(
        kafka_bootstrap, unique_name, tmp_path, count=2400, rate=150.0, stop_after_s=6.0
    )


@pytest.mark.reliability
async def test_a_stopped_worker_loses_nothing_over_a_longer_stream(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    await stop_one_of_two(
        kafka_bootstrap, unique_name, tmp_path, count=9000, rate=150.0, stop_after_s=25.0
    )
