"""The broker probe behind /readyz and the outage banner, against the real broker."""

from __future__ import annotations

from typing import Any

import pytest

from app.settings import Settings
from app.web.health import BrokerState, HealthWatch
from tests.support.ports import free_ports

pytestmark = pytest.mark.integration


def watch_for(bootstrap: str) -> HealthWatch:
    settings = Settings(_env_file=None, bootstrap_servers=bootstrap)
    return HealthWatch(settings, BrokerState(), timeout_s=5.0)


async def test_the_probe_asks_for_the_broker_list_and_no_topic(kafka_bootstrap: str) -> None:
    watch = watch_for(kafka_bootstrap)
    answers: list[Any] = []
    try:
        await watch._probe_broker()  # bootstraps its client
        assert watch.broker.reachable is True
        assert watch._client is not None
        send = watch._client.send

        async def recorded(node_id: Any, request: Any, **kwargs: Any) -> Any:
            answer = await send(node_id, request, **kwargs)
            answers.append(answer)
            return answer

        watch._client.send = recorded
        await watch._probe_broker()
        await watch._probe_broker()
    finally:
        await watch.on_stop()
    assert watch.broker.reachable is True
    assert len(answers) == 2
    # The shared broker holds many topics; the probe's answer must not grow with them.
    assert all(answer.brokers and not answer.topics for answer in answers)


async def test_a_closed_port_reads_as_unreachable_with_the_reason() -> None:
    (port,) = free_ports(1)
    watch = watch_for(f"127.0.0.1:{port}")
    try:
        await watch._probe_broker()
    finally:
        await watch.on_stop()
    assert watch.broker.unreachable
    assert watch.broker.describe() is not None
    assert watch.broker.error
