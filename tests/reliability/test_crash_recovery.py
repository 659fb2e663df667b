"""SIGKILL mid-replay and restart: nothing lost, and how long until output flows again.

Inputs (articles plus some malformed ones) are already on the raw topic, as in a replay; the
worker is SIGKILLed while it works through them and restarted at once with the same settings
and state dir. Every input on the raw topic must come out as a valid article or a dead letter
(by position; redeliveries are counted and reported). The recovery time, from the kill to the
first output of the restarted worker, is printed (run with ``-s``), never asserted.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.support.accounting import Accounting, account, accounted_for
from tests.support.factories import raw_article
from tests.support.kafka_io import collect, produce
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration

POLL_S = 0.2


@dataclass
class CrashRun:
    accounting: Accounting
    recoveries_s: list[float] = field(default_factory=list)  # kill -> first new output
    restarts_s: list[float] = field(default_factory=list)  # kill -> restarted worker logs "Ready"

    def summary(self) -> str:
        figures = ", ".join(
            f"{r:.1f} s (worker ready after {u:.1f} s)"
            for r, u in zip(self.recoveries_s, self.restarts_s, strict=True)
        )
        return f"{self.accounting.summary()}; first output after each SIGKILL: {figures}"


def replay(name: str, count: int) -> list[bytes]:
    return [
        b'{"title": "cut off' + str(n).encode()
        if n % 40 == 39
        else raw_article(f"{name}-{n}", f"Replay story {n}", f"Replayed story number {n}.")
        for n in range(count)
    ]


async def written(consumer: AIOKafkaConsumer, topic: str) -> int:
    """Records ever written to ``topic`` (sum of its end offsets)."""
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    if not partitions:
        await consumer._client.force_metadata_update()  # created by the worker just now
        return 0
    return sum((await consumer.end_offsets(partitions)).values())


async def wait_written(bootstrap: str, topic: str, at_least: int, timeout_s: float) -> None:
    """Poll until ``topic`` holds ``at_least`` records."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout_s
        while await written(consumer, topic) < at_least:
            if time.monotonic() > deadline:
                raise AssertionError(f"{topic} did not reach {at_least} records in {timeout_s} s")
            await asyncio.sleep(POLL_S)
    finally:
        await consumer.stop()


async def crash_and_recover(
    bootstrap: str, name: str, workdir: Path, count: int, kills: int, **settings: str
) -> CrashRun:
    env = isolated_env(bootstrap, name, workdir, **settings)
    raw, valid, dlq = (env[f"BRINKWATCH_TOPICS__{n}"] for n in ("RAW", "VALID", "DLQ"))
    killed_at: list[float] = []
    restarts: list[float] = []
    with ExitStack() as workers:
        # Each incarnation logs in its own dir; the state dir (in the env) is shared.
        process = workers.enter_context(running_worker(env, _run_dir(workdir, 0)))
        await produce(bootstrap, raw, replay(name, count))
        for kill in range(kills):
            # Killed with part of the replay done: half-way for one kill; 1/3 and 2/3 for two.
            target = (count - count // 40) * (kill + 1) // (kills + 1)
            await wait_written(bootstrap, valid, target, 180)
            process.kill()
            process.wait()
            killed_at.append(time.time())
            process = workers.enter_context(running_worker(env, _run_dir(workdir, kill + 1)))
            restarts.append(time.time() - killed_at[-1])
        records = await _all_outputs(bootstrap, raw, valid, dlq, count)
    # The first output after each kill came from the restarted worker: its record timestamp
    # (set when the worker handed it to its producer) marks when work resumed.
    stamps = sorted(r.timestamp / 1000.0 for r in records[valid] + records[dlq])
    recoveries = [next(t for t in stamps if t > kill) - kill for kill in killed_at]
    return CrashRun(account(records[raw], records[valid], records[dlq]), recoveries, restarts)


def _run_dir(workdir: Path, incarnation: int) -> Path:
    path = workdir / f"run-{incarnation}"
    path.mkdir(parents=True)
    return path


async def _all_outputs(
    bootstrap: str, raw: str, valid: str, dlq: str, count: int
) -> dict[str, list[Any]]:
    everything = accounted_for(count, raw, valid, dlq)
    return await collect(bootstrap, [raw, valid, dlq], everything, timeout_s=180)


def check(run: CrashRun, count: int) -> None:
    print(run.summary())
    assert run.accounting.inputs == count
    assert run.accounting.lost == [], run.summary()
    assert run.accounting.both == [], run.summary()
    assert run.accounting.dead_lettered == count // 40


@pytest.mark.parametrize("static", [False, True], ids=["dynamic-membership", "static-membership"])
async def test_sigkill_mid_replay_loses_nothing(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, static: bool
) -> None:
    membership = {"BRINKWATCH_CONSUMER_INSTANCE_ID": f"{unique_name}-w1"} if static else {}
    run = await crash_and_recover(
        kafka_bootstrap, unique_name, tmp_path, count=1500, kills=1, **membership
    )
    check(run, 1500)


@pytest.mark.reliability
@pytest.mark.parametrize(
    "membership",
    [
        pytest.param({"BRINKWATCH_SESSION_TIMEOUT_S": "60"}, id="dynamic-60s-session"),
        pytest.param({}, id="dynamic-default-15s-session"),
        pytest.param({"BRINKWATCH_CONSUMER_INSTANCE_ID": "w1"}, id="static-membership"),
    ],
)
async def test_two_sigkills_in_a_4000_input_replay(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, membership: dict[str, str]
) -> None:
    """The probe's case: 4,000 inputs, killed twice; prints the recovery time per mode."""
    run = await crash_and_recover(
        kafka_bootstrap, unique_name, tmp_path, count=4000, kills=2, **membership
    )
    check(run, 4000)
