"""The HTTP routes against an in-process aiohttp server fed with contract bytes (no broker)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import test_utils, web

from app.settings import Settings
from app.web.dashboard import Dashboard
from app.web.offsets import OffsetSnapshot
from app.web.routes import STATIC_DIR, add_health_routes, add_routes
from app.web.standalone import build_web_app
from tests.support.factories import make_alert, make_dead_letter

READY = {"ready": True}
EXTERNAL_URL = re.compile(r"https?://(?!www\.w3\.org/2000/svg)")


@pytest.fixture
def dashboard() -> Dashboard:
    return Dashboard(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
async def client(dashboard: Dashboard) -> AsyncIterator[test_utils.TestClient[Any, Any]]:
    web_app = web.Application()
    add_routes(web_app, dashboard, lambda: dict(READY))
    async with test_utils.TestClient(test_utils.TestServer(web_app)) as test_client:
        yield test_client


async def test_alerts_api_filters_and_detail(client: Any, dashboard: Dashboard) -> None:
    dashboard.on_alert(make_alert("korea").model_dump_json().encode())
    dashboard.on_alert(
        make_alert("iran", actors=["IRN"], dyad=None, severity_level="critical")
        .model_dump_json()
        .encode()
    )
    body = await (await client.get("/api/alerts")).json()
    assert body["count"] == 2 and body["kept"] == 2
    body = await (await client.get("/api/alerts?severity=critical,low&country=irn")).json()
    assert [a["alert_id"] for a in body["alerts"]] == ["iran"]
    body = await (await client.get("/api/alerts?category=threaten&limit=1")).json()
    assert body["count"] == 1
    detail = await client.get("/api/alerts/korea")
    assert (await detail.json())["dyad"] == {"source": "PRK", "target": "KOR"}
    assert (await client.get("/api/alerts/nope")).status == 404


async def test_bad_queries_are_rejected(client: Any) -> None:
    assert (await client.get("/api/alerts?severity=extreme")).status == 400
    assert (await client.get("/api/alerts?limit=many")).status == 400


async def test_stats_health_and_metrics(client: Any, dashboard: Dashboard) -> None:
    dashboard.on_dead_letter(make_dead_letter().model_dump_json().encode(), 0.0)
    stats = await (await client.get("/api/stats")).json()
    assert stats["dead_letters"][0]["error_type"] == "malformed_json"
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/readyz")).status == 200
    metrics = await client.get("/metrics")
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert "brinkwatch_messages_total" in await metrics.text()


async def test_readyz_is_503_until_ready(dashboard: Dashboard) -> None:
    web_app = web.Application()
    add_routes(web_app, dashboard, lambda: {"ready": False, "started": False})
    async with test_utils.TestClient(test_utils.TestServer(web_app)) as test_client:
        response = await test_client.get("/readyz")
        assert response.status == 503 and (await response.json())["started"] is False


async def test_page_and_assets_are_served_with_a_strict_policy(client: Any) -> None:
    page = await client.get("/")
    html = await page.text()
    assert page.status == 200 and "/static/js/main.js" in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "http://" not in html and "https://" not in html  # nothing from the internet
    for asset in sorted(p.relative_to(STATIC_DIR).as_posix() for p in STATIC_DIR.rglob("*.*")):
        response = await client.get(f"/static/{asset}")
        assert response.status == 200, asset
        # The only URL allowed in an asset is the SVG namespace: no CDN, no web fonts.
        assert not EXTERNAL_URL.search(await response.text()), asset
    js = await client.get("/static/js/main.js")
    assert "javascript" in js.headers["Content-Type"]
    assert (await client.get("/static/../routes.py")).status in (403, 404)


async def test_event_stream_pushes_new_alerts(client: Any, dashboard: Dashboard) -> None:
    response = await client.get("/api/events")
    assert response.headers["Content-Type"].startswith("text/event-stream")

    async def next_event() -> tuple[str, Any]:
        name = ""
        while True:
            line = (await response.content.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                return name, json.loads(line.removeprefix("data: "))

    name, _ = await asyncio.wait_for(next_event(), 10)
    assert name == "stats"
    dashboard.on_alert(make_alert("live").model_dump_json().encode())
    name, data = await asyncio.wait_for(next_event(), 10)
    assert (name, data["alert_id"]) == ("alert", "live")
    dashboard.broadcaster.close()  # as at shutdown: the stream ends instead of hanging
    rest = await asyncio.wait_for(response.content.read(), 10)  # returns only at the end
    assert rest.strip() == b""
    response.close()


async def test_health_routes_alone_serve_no_dashboard() -> None:
    """A worker without the dashboard: health and metrics, nothing else."""
    web_app = web.Application()
    add_health_routes(web_app, lambda: dict(READY))
    async with test_utils.TestClient(test_utils.TestServer(web_app)) as test_client:
        assert (await test_client.get("/healthz")).status == 200
        assert (await test_client.get("/readyz")).status == 200
        metrics = await test_client.get("/metrics")
        assert "brinkwatch_messages_total" in await metrics.text()
        for path in ("/", "/api/alerts", "/api/stats", "/api/events", "/static/js/main.js"):
            assert (await test_client.get(path)).status == 404, path


async def test_standalone_dashboard_is_ready_once_its_feed_is_connected(
    dashboard: Dashboard,
) -> None:
    async with test_utils.TestClient(test_utils.TestServer(build_web_app(dashboard))) as client:
        response = await client.get("/readyz")
        assert response.status == 503 and (await response.json())["feed_connected"] is False
        dashboard.feed_connected = True
        dashboard.on_alert(make_alert("standalone").model_dump_json().encode())
        waiting = await client.get("/readyz")
        assert waiting.status == 503
        assert (await waiting.json())["reason"] == "broker not probed yet"
        dashboard.broker.mark(True)  # the probe's first answer
        body = await (await client.get("/readyz")).json()
        assert body == {
            "ready": True,
            "reason": None,
            "feed_connected": True,
            "feed_error": None,
            "broker_reachable": True,
            "alerts_kept": 1,
        }
        assert (await client.get("/api/alerts/standalone")).status == 200
        assert (await client.get("/")).status == 200
        raw = dashboard.settings.topics.raw
        dashboard.on_offsets(
            [OffsetSnapshot(0.0, {(raw, 0): 100}), OffsetSnapshot(30.0, {(raw, 0): 400})]
        )
        stats = await (await client.get("/api/stats")).json()
        assert stats["stages"][0]["in_per_s"] == 10.0
        # The broker probe fails: unready with the reason, rates no longer shown as live.
        dashboard.broker.mark(False, "KafkaConnectionError: refused")
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503 and body["broker_reachable"] is False
        assert body["reason"].startswith("broker unreachable since ")
        stats = await (await client.get("/api/stats")).json()
        assert stats["broker"]["reachable"] is False and stats["feed"]["connected"] is False
        assert {row["in_per_s"] for row in stats["stages"]} == {None}
