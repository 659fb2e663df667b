"""Incident state survives: a worker SIGKILLed in the middle of a stream of alerts and started
again ends with the same incidents as a run without the kill (tables recover from their
changelogs; redelivered alerts are recognised), and two workers on 6 partitions give the same
incidents as one. Real broker, real worker processes."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import string
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from schemas import EscalationAlert, Incident
from tests.support.incidents import keyed_alerts, make_alert
from tests.support.kafka_io import collect, produce_keyed
from tests.support.topic_janitor import TopicJanitor
from tests.support.worker import isolated_env, running_worker, second_worker_env

pytestmark = pytest.mark.integration

COUNTRIES = ["PRK", "KOR", "UKR", "RUS", "SYR", "IRN"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(7))


def stream_of_alerts(events_per_key: int = 16, reports: int = 6) -> list[EscalationAlert]:
    """Events per country, each reported by several outlets within two hours; events three
    hours apart. Every event has its own words, and each report drops a few of them. In event
    order (all countries' first events, then their second ones, ...)."""
    rng = random.Random(11)
    alerts = []
    for event in range(events_per_key):
        for country in COUNTRIES:
            words = [_word(rng) for _ in range(8)]
            for report in range(reports):
                title = " ".join(rng.sample(words, 6))
                alerts.append(
                    make_alert(
                        f"{country}-{event}-{report}",
                        title.capitalize(),
                        minutes=event * 180 + report * 15,
                        source=f"outlet-{report}",
                        dyad=(country, None),
                        actors=(country,),
                    )
                )
    return alerts


ALERTS = stream_of_alerts()
EVENTS = 16


async def produce_in_steps(
    bootstrap: str, topic: str, chunks: list[list[tuple[bytes, bytes]]], pause_s: float = 0.5
) -> None:
    for chunk in chunks:
        await produce_keyed(bootstrap, topic, chunk)
        await asyncio.sleep(pause_s)


def incidents_of(records: list[Any]) -> dict[str, tuple[str, ...]]:
    """Incident id -> its member alert ids, from the last record per key."""
    latest = {r.key: Incident.model_validate_json(r.value) for r in records}
    return {i.incident_id: tuple(sorted(i.alert_ids)) for i in latest.values()}


def complete(topic: str) -> Any:
    def done(records: dict[str, list[Any]]) -> bool:
        members = incidents_of(records[topic]).values()
        return sum(len(m) for m in members) >= len(ALERTS)

    return done


async def settled_group_member(port: int, timeout_s: float = 60.0) -> None:
    """Wait until the worker's /readyz says it holds partitions and is not rebalancing."""
    url = f"http://127.0.0.1:{port}/readyz"
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                state = json.loads(response.read())
        except OSError:  # 503 until ready (HTTPError is an OSError)
            state = {}
        if state.get("ready") and not state.get("rebalancing"):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"worker on port {port} not settled: {state}")
        await asyncio.sleep(0.5)


def env_for(
    bootstrap: str, name: str, workdir: Path, partitions: int, store: str = "memory"
) -> dict[str, str]:
    return isolated_env(
        bootstrap,
        name,
        workdir,
        BRINKWATCH_PARTITIONS=str(partitions),
        BRINKWATCH_INCIDENTS__ENABLED="true",
        BRINKWATCH_INCIDENTS__STORE=store,
        BRINKWATCH_TOPICS__ALERTS_BY_KEY=f"{name}.alerts-by-key",
        BRINKWATCH_TOPICS__INCIDENTS=f"{name}.incidents",
    )


async def run_once(bootstrap: str, name: str, workdir: Path) -> dict[str, tuple[str, ...]]:
    env = env_for(bootstrap, name, workdir, partitions=6)
    topic = env["BRINKWATCH_TOPICS__INCIDENTS"]
    with running_worker(env, workdir):
        keyed_topic = env["BRINKWATCH_TOPICS__ALERTS_BY_KEY"]
        await produce_keyed(bootstrap, keyed_topic, keyed_alerts(ALERTS))
        records = await collect(bootstrap, [topic], complete(topic), timeout_s=180)
    return incidents_of(records[topic])


@pytest.fixture(scope="module")
def reference(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, topic_janitor: TopicJanitor
) -> Any:
    workdir = tmp_path_factory.mktemp("reference")
    name = topic_janitor.claim(f"incref-{random.randrange(16**8):08x}")
    return asyncio.run(run_once(kafka_bootstrap, name, workdir))


def test_reference_groups_each_event_once(reference: dict[str, tuple[str, ...]]) -> None:
    assert sum(len(m) for m in reference.values()) == len(ALERTS)
    assert len(reference) == len(COUNTRIES) * EVENTS


# RocksDB: the restarted worker reads its own store back and the changelog only from the
# offsets the store says it holds (set from each delivered changelog batch).
@pytest.mark.parametrize("store", ["memory", "rocksdb"])
async def test_sigkill_mid_stream_loses_and_duplicates_nothing(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, reference: Any, store: str
) -> None:
    env = env_for(kafka_bootstrap, f"{unique_name}-{store}", tmp_path, partitions=6, store=store)
    topic = env["BRINKWATCH_TOPICS__INCIDENTS"]
    first, second = ALERTS[: len(ALERTS) // 2], ALERTS[len(ALERTS) // 2 :]
    alerts_topic = env["BRINKWATCH_TOPICS__ALERTS_BY_KEY"]
    with running_worker(env, tmp_path) as worker:
        await produce_keyed(kafka_bootstrap, alerts_topic, keyed_alerts(first))
        done_first = {a.alert_id for a in first}

        def first_half_done(records: dict[str, list[Any]]) -> bool:
            grouped = {x for m in incidents_of(records[topic]).values() for x in m}
            return done_first <= grouped

        await collect(kafka_bootstrap, [topic], first_half_done, timeout_s=120)
        # The second half goes in over a few seconds, so that the kill, once the worker has
        # grouped some of it, certainly comes before its end.
        keyed = keyed_alerts(second)
        chunks = [keyed[n : n + 24] for n in range(0, len(keyed), 24)]
        trickle = asyncio.create_task(produce_in_steps(kafka_bootstrap, alerts_topic, chunks))
        second_ids = {a.alert_id for a in second}

        def second_half_begun(records: dict[str, list[Any]]) -> bool:
            grouped = {x for m in incidents_of(records[topic]).values() for x in m}
            return bool(grouped & second_ids)

        await collect(kafka_bootstrap, [topic], second_half_begun, timeout_s=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        await trickle
    killed_at = await collect(kafka_bootstrap, [topic], lambda _: True, timeout_s=5)
    grouped_when_killed = sum(len(m) for m in incidents_of(killed_at[topic]).values())
    assert len(first) <= grouped_when_killed < len(ALERTS), "killed mid-stream"
    with running_worker(env, tmp_path):
        records = await collect(kafka_bootstrap, [topic], complete(topic), timeout_s=180)
    assert incidents_of(records[topic]) == reference


async def test_two_workers_give_the_same_incidents_as_one(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, reference: Any
) -> None:
    env = env_for(kafka_bootstrap, unique_name, tmp_path, partitions=6)
    second = second_worker_env(env, tmp_path / "second")
    topic = env["BRINKWATCH_TOPICS__INCIDENTS"]
    (tmp_path / "two").mkdir()
    with running_worker(env, tmp_path), running_worker(second, tmp_path / "two"):
        # Both hold partitions after the rebalance the second one caused, before any input.
        for worker in (env, second):
            await settled_group_member(int(worker["BRINKWATCH_WEB_PORT"]))
        await produce_keyed(
            kafka_bootstrap, env["BRINKWATCH_TOPICS__ALERTS_BY_KEY"], keyed_alerts(ALERTS)
        )
        records = await collect(kafka_bootstrap, [topic], complete(topic), timeout_s=180)
    assert incidents_of(records[topic]) == reference
