"""/api/incidents and /api/trends against an in-process aiohttp server fed with contract bytes
(no broker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import test_utils, web

from app.domain.incidents.engine import Change, IncidentEngine
from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.incidents.record import incident_record
from app.domain.trends import TrendPolicy
from app.web.incident_routes import add_incident_routes
from app.web.incident_view import IncidentView
from schemas import TrendSpike
from tests.support.incidents import make_alert

NOW = datetime(2030, 5, 2, tzinfo=UTC)


@pytest.fixture
def view() -> IncidentView:
    return IncidentView(TrendPolicy(), capacity=2)


@pytest.fixture
async def client(view: IncidentView) -> AsyncIterator[test_utils.TestClient[Any, Any]]:
    web_app = web.Application()
    add_incident_routes(web_app, view)
    async with test_utils.TestClient(test_utils.TestServer(web_app)) as test_client:
        yield test_client


def incident_bytes(article: str, title: str, minutes: float = 0.0) -> list[bytes]:
    """The records the engine publishes for one alert in a fresh book."""
    alert = make_alert(article, title, minutes=minutes)
    engine = IncidentEngine(GroupingPolicy(), NotificationPolicy())
    changes: list[Change] = engine.observe(engine.new_book(alert), alert)
    return [incident_record(c, NOW).model_dump_json().encode() for c in changes]


async def test_incidents_latest_state_newest_first_bounded(client: Any, view: IncidentView) -> None:
    for n, title in enumerate(["Missile test", "Border shelling", "Navy clash"]):
        for value in incident_bytes(f"a{n}", title, minutes=n * 60):
            view.on_incident(value)
    view.on_incident(b"not json")
    response = await client.get("/api/incidents")
    assert response.status == 200
    titles = [i["strongest"]["title"] for i in (await response.json())["incidents"]]
    assert titles == ["Navy clash", "Border shelling"]  # capacity 2: the oldest went
    assert view.skipped == 1
    resolved = await (await client.get("/api/incidents?status=resolved")).json()
    assert resolved == {"enabled": True, "incidents": []}
    assert (await client.get("/api/incidents?status=nope")).status == 400
    assert (await client.get("/api/incidents?limit=x")).status == 400


async def test_trends_index_and_spikes(client: Any, view: IncidentView) -> None:
    for n in range(3):
        view.on_alert(
            make_alert(f"t{n}", "Missile test", minutes=n * 30).model_dump_json().encode()
        )
    spike = TrendSpike(
        spike_id="s1",
        entity="PRK",
        kind="spike",
        at=NOW,
        started=NOW,
        index=40.0,
        baseline=2.0,
        window_hours=24,
    )
    view.on_spike(spike.model_dump_json().encode())
    body = await (await client.get("/api/trends")).json()
    assert set(body["index"]) == {"PRK", "PRK-KOR"}
    assert sum(v for _, v in body["index"]["PRK"]) == 18.0  # three alerts of severity 6
    assert [s["entity"] for s in body["spikes"]] == ["PRK"]


async def test_routes_say_disabled_without_a_view() -> None:
    web_app = web.Application()
    add_incident_routes(web_app, None)
    async with test_utils.TestClient(test_utils.TestServer(web_app)) as client:
        for path in ("/api/incidents", "/api/trends"):
            response = await client.get(path)
            assert response.status == 200
            assert await response.json() == {"enabled": False}
