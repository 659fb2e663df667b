"""The production layout: a worker without the dashboard, and `brinkwatch dashboard` beside it.

Both are real processes on the real broker, started from the same settings (the worker's
topics and group; ``BRINKWATCH_DASHBOARD__IN_WORKER=false``), as one would deploy them.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.support.kafka_io import produce
from tests.support.topic_janitor import TopicJanitor
from tests.support.worker import (
    free_port,
    isolated_env,
    running_dashboard,
    running_worker,
    stop_process,
)
from tests.web.webtools import alert_titled, article, eventually, get_json

pytestmark = pytest.mark.integration

FEED_SAMPLE = re.compile(r'^brinkwatch_dashboard_feed_messages_total\{kind="(\w+)"\} (\S+)$', re.M)


@dataclass(frozen=True)
class Layout:
    """A worker without the dashboard and a dashboard process, sharing their settings."""

    worker_url: str
    dashboard_url: str
    bootstrap: str
    name: str
    env: dict[str, str]
    workdir: Path

    @property
    def raw_topic(self) -> str:
        return f"{self.name}.raw"


@pytest.fixture(scope="module")
def layout(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, topic_janitor: TopicJanitor
) -> Iterator[Layout]:
    name = topic_janitor.claim(f"split-{uuid.uuid4().hex[:10]}")
    workdir = tmp_path_factory.mktemp(name)
    env = isolated_env(
        kafka_bootstrap,
        name,
        workdir,
        BRINKWATCH_DASHBOARD__IN_WORKER="false",
        BRINKWATCH_DASHBOARD__PORT=str(free_port()),
    )
    with running_worker(env, workdir), running_dashboard(env, workdir):
        yield Layout(
            worker_url=f"http://127.0.0.1:{env['BRINKWATCH_WEB_PORT']}",
            dashboard_url=f"http://127.0.0.1:{env['BRINKWATCH_DASHBOARD__PORT']}",
            bootstrap=kafka_bootstrap,
            name=name,
            env=env,
            workdir=workdir,
        )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def metrics_text(http: aiohttp.ClientSession, base_url: str) -> str:
    async with http.get(f"{base_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        return await response.text()


async def test_worker_without_dashboard_serves_health_and_metrics_only(
    layout: Layout, http: aiohttp.ClientSession
) -> None:
    base = layout.worker_url
    status, body = await get_json(http, f"{base}/healthz")
    assert status == 200 and body == {"status": "alive"}

    async def ready() -> dict[str, object] | None:
        status, body = await get_json(http, f"{base}/readyz")
        return body if status == 200 else None

    body = await eventually(ready, "the worker's /readyz to answer 200")
    assert int(str(body["assigned_partitions"])) > 0
    assert body["dashboard_in_worker"] is False and "dashboard_feed_connected" not in body
    for path in ("/api/alerts", "/api/stats", "/api/events", "/static/js/main.js"):
        async with http.get(f"{base}{path}") as response:
            assert response.status == 404, path
    async with http.get(f"{base}/") as response:
        assert "/static/js/main.js" not in await response.text()

    # An article goes through the pipeline: the worker counts it, its feed reads nothing.
    title = f"Artillery shelling killed soldiers near the border {uuid.uuid4().hex[:6]}"
    await produce(layout.bootstrap, layout.raw_topic, [article(title)])
    lag = re.compile(
        rf'^brinkwatch_consumer_lag\{{partition="\d+",topic="{re.escape(layout.raw_topic)}"\}}',
        re.M,
    )

    async def processed() -> str | None:
        text = await metrics_text(http, base)
        detected = 'brinkwatch_messages_total{outcome="alert",stage="detect"}' in text
        return text if detected and lag.search(text) else None

    text = await eventually(processed, "the alert and the group's lag in the worker's /metrics")
    assert FEED_SAMPLE.findall(text) == [], "the worker runs a dashboard feed"


async def test_dashboard_process_shows_the_workers_alerts(
    layout: Layout, http: aiohttp.ClientSession
) -> None:
    base = layout.dashboard_url
    title = f"North Korea fires ballistic missiles toward Seoul {uuid.uuid4().hex[:6]}"
    await produce(layout.bootstrap, layout.raw_topic, [article(title)])

    async def shown() -> dict[str, object] | None:
        return await alert_titled(http, base, title)

    alert = await eventually(shown, f"an alert titled {title!r} in the dashboard's /api/alerts")
    status, detail = await get_json(http, f"{base}/api/alerts/{alert['alert_id']}")
    assert status == 200 and detail == alert

    status, body = await get_json(http, f"{base}/healthz")
    assert status == 200 and body == {"status": "alive"}
    status, body = await get_json(http, f"{base}/readyz")
    assert status == 200 and body["ready"] is True and body["feed_connected"] is True
    text = await metrics_text(http, base)
    read = {kind: float(count) for kind, count in FEED_SAMPLE.findall(text)}
    assert read["alerts"] >= 1 and read["tagged"] >= 1, read

    async with http.get(f"{base}/") as page:
        assert page.status == 200 and "/static/js/main.js" in await page.text()

    # The offset probe reads the worker's consumer group: lag and stages as in a worker.
    async def stats_with_lag() -> dict[str, object] | None:
        _, stats = await get_json(http, f"{base}/api/stats")
        return stats if stats["lag"] and stats["feed"]["connected"] else None

    stats = await eventually(stats_with_lag, "lag rows in the dashboard's /api/stats")
    assert layout.raw_topic in {row["topic"] for row in stats["lag"]}  # type: ignore[attr-defined]


async def test_dashboard_process_streams_events_and_stops_on_sigterm(
    layout: Layout, http: aiohttp.ClientSession
) -> None:
    """A second dashboard: an open event stream must not hold its shutdown."""
    env = {**layout.env, "BRINKWATCH_DASHBOARD__PORT": str(free_port())}
    with running_dashboard(env, layout.workdir) as process:
        url = f"http://127.0.0.1:{env['BRINKWATCH_DASHBOARD__PORT']}/api/events"
        async with http.get(url) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            lines = []
            while "event: stats" not in lines:
                line = await asyncio.wait_for(response.content.readline(), 10)
                lines.append(line.decode().strip())
            # Well under the server's 10 s shutdown bound, and a clean exit.
            assert await asyncio.to_thread(stop_process, process, 8.0) == 0
            await asyncio.wait_for(response.content.read(), 10)  # the stream has ended
