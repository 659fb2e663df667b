"""Incidents on the real broker: alerts in (on the keyed topic the detect stage publishes them
to), incidents out (grouping, update, resolved), with the table store in memory and in
RocksDB. The path from raw articles to incidents runs in tests/web/test_incident_dashboard.py."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from schemas import EscalationAlert, Incident, TrendSpike
from tests.support.incidents import keyed_alerts, make_alert
from tests.support.kafka_io import collect, produce_keyed
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration

MISSILE = "North Korea fires ballistic missile into sea off its east coast, Seoul says"
MISSILE_2 = "North Korea fires ballistic missile off east coast into the sea"
MISSILE_3 = "Seoul says North Korea fired a ballistic missile into sea off east coast"
BORDER = "North Korean troops fire artillery shells at border loudspeakers"
NUCLEAR = "North Korea prepares nuclear test site tunnels, satellite images show"
LATER = "North Korea sentences detained student to hard labour for stealing banner"
STRIKE = "South Korean dock workers strike over pay at Busan port"

ALERTS = [
    make_alert("a", MISSILE, source="A"),
    make_alert("b", MISSILE_2, minutes=10, source="B"),
    make_alert("c", MISSILE_3, minutes=20, source="C"),
    make_alert("d", BORDER, minutes=15, source="A", category="assault"),
    make_alert("e", STRIKE, minutes=5, source="B", dyad=("KOR", None), actors=("KOR",)),
    # moves the PRK clock past the 30 min group wait of the missile incident: it fires
    make_alert("h", NUCLEAR, minutes=40, source="B"),
    # a more severe report of the missile: the incident is updated (level up)
    make_alert("g", MISSILE, minutes=50, source="D", severity=9.0, level="critical"),
    # hours later: everything before resolves (quiet for more than the 1 h resolve_after)
    make_alert("i", LATER, minutes=300, source="C"),
]


@pytest.fixture(params=["memory", "rocksdb"])
def worker_env(
    request: pytest.FixtureRequest, kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    name = f"{unique_name}-{request.param}"
    env = isolated_env(
        kafka_bootstrap,
        name,
        tmp_path,
        BRINKWATCH_PARTITIONS="1",
        BRINKWATCH_INCIDENTS__ENABLED="true",
        BRINKWATCH_INCIDENTS__STORE=request.param,
        BRINKWATCH_INCIDENTS__RESOLVE_AFTER_S="3600",
        BRINKWATCH_INCIDENTS__TICK_INTERVAL_S="0.5",
        BRINKWATCH_TOPICS__ALERTS_BY_KEY=f"{name}.alerts-by-key",
        BRINKWATCH_TOPICS__INCIDENTS=f"{name}.incidents",
        BRINKWATCH_TOPICS__TREND=f"{name}.trend",
        # The scenario below counts alerts up to this floor (the default is lower).
        BRINKWATCH_INCIDENTS__TREND_FLOOR="30",
    )
    with running_worker(env, tmp_path):
        yield env


def latest(records: list[Any]) -> dict[str, Incident]:
    """The last record per key: what the compacted topic keeps."""
    return {r.key.decode(): Incident.model_validate_json(r.value) for r in records}


async def test_alerts_become_incidents(worker_env: dict[str, str]) -> None:
    bootstrap = worker_env["BRINKWATCH_BOOTSTRAP_SERVERS"]
    topic = worker_env["BRINKWATCH_TOPICS__INCIDENTS"]
    keyed_topic = worker_env["BRINKWATCH_TOPICS__ALERTS_BY_KEY"]
    await produce_keyed(bootstrap, keyed_topic, keyed_alerts(ALERTS))

    def settled(records: dict[str, list[Any]]) -> bool:
        state = latest(records[topic])
        resolved = {i.grouping_key for i in state.values() if i.status == "resolved"}
        return len(state) >= 5 and "KOR" in resolved and len(resolved) >= 2

    records = (await collect(bootstrap, [topic], settled))[topic]
    state = latest(records)
    article = {a.alert_id: a.article_id for a in ALERTS}
    members = {tuple(sorted(article[x] for x in i.alert_ids)): i for i in state.values()}
    assert sorted(members) == [("a", "b", "c", "g"), ("d",), ("e",), ("h",), ("i",)]
    for record in records:
        assert record.key.decode() == Incident.model_validate_json(record.value).incident_id

    missile = members[("a", "b", "c", "g")]
    assert missile.status == "resolved" and missile.max_level == "critical"
    assert missile.outlets == ["A", "B", "C", "D"]
    assert missile.strongest.alert_id == ALERTS[6].alert_id
    notified: dict[str, list[str]] = defaultdict(list)
    for record in records:
        incident = Incident.model_validate_json(record.value)
        if incident.notification:
            notified[incident.incident_id].append(incident.notification)
    assert notified[missile.incident_id] == ["firing", "update", "resolved"]
    assert members[("e",)].status == "resolved"  # by the tick: no later KOR alert came
    assert notified[members[("e",)].incident_id] == ["firing", "resolved"]
    assert members[("i",)].status == "firing" and not notified[members[("i",)].incident_id]

    # The fifth PRK alert (h) brings the index to 30, the floor (no past): one spike for the
    # country and one for its dyad, and no flapping after; the single KOR alert makes none.
    trend_topic = worker_env["BRINKWATCH_TOPICS__TREND"]
    trend = (await collect(bootstrap, [trend_topic], lambda r: len(r[trend_topic]) >= 2))[
        trend_topic
    ]
    spikes = [TrendSpike.model_validate_json(r.value) for r in trend]
    assert sorted((s.entity, s.kind) for s in spikes) == [("PRK", "spike"), ("PRK-KOR", "spike")]
    assert all(s.at == ALERTS[5].published_at and s.index == 30.0 for s in spikes)

    # The operator's view from the command line: `brinkwatch tail --topic incidents`.
    command = ["tail", "--topic", "incidents", "--from-beginning", "--max", "3", "--timeout", "30"]
    tail = subprocess.run(
        [sys.executable, "-m", "app.cli.main", *command],
        env=worker_env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    shown = [Incident.model_validate_json(line) for line in tail.stdout.splitlines()]
    assert len(shown) == 3 and {i.incident_id for i in shown} <= set(state)


def test_alert_factory_is_valid() -> None:
    assert all(EscalationAlert.model_validate_json(a.model_dump_json()) for a in ALERTS)
