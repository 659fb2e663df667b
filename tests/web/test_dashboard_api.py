"""The dashboard's JSON API and /metrics on a real worker, fed through the real broker.

Every wait is bounded and polls the endpoint; nothing asserts on timings.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.support.factories import make_alert
from tests.support.kafka_io import produce
from tests.web.conftest import WorkerHandle
from tests.web.webtools import alert_titled, article, eventually, get_json

pytestmark = pytest.mark.integration


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def test_health_and_readiness(dashboard_worker: WorkerHandle, http: aiohttp.ClientSession):
    status, body = await get_json(http, f"{dashboard_worker.base_url}/healthz")
    assert status == 200 and body == {"status": "alive"}

    async def ready() -> dict[str, object] | None:
        status, body = await get_json(http, f"{dashboard_worker.base_url}/readyz")
        return body if status == 200 else None

    body = await eventually(ready, "/readyz to answer 200")
    assert body["started"] is True and int(str(body["assigned_partitions"])) > 0
    assert body["broker_reachable"] is True and body["reason"] is None


async def test_faust_pages_are_off_and_errors_carry_the_security_headers(
    dashboard_worker: WorkerHandle, http: aiohttp.ClientSession
) -> None:
    """Faust's /router/ (partition assignments, worker URLs) and stats pages are not served."""
    base = dashboard_worker.base_url
    for method, path, status in [
        ("GET", "/router/", 404),
        ("GET", "/assignment/", 404),
        ("GET", "/graph/", 404),
        ("GET", "/table/", 404),
        ("GET", "/api/alerts?severity=extreme", 400),
        ("POST", "/api/alerts", 405),
    ]:
        async with http.request(method, base + path) as response:
            assert response.status == status, path
            assert response.headers["X-Content-Type-Options"] == "nosniff", path
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path


async def test_escalation_article_shows_up_as_an_explained_alert(
    dashboard_worker: WorkerHandle, http: aiohttp.ClientSession
) -> None:
    title = f"North Korea fires ballistic missiles toward Seoul {uuid.uuid4().hex[:6]}"
    await produce(dashboard_worker.bootstrap, dashboard_worker.raw_topic, [article(title)])
    base = dashboard_worker.base_url

    async def shown() -> dict[str, object] | None:
        return await alert_titled(http, base, title)

    alert = await eventually(shown, f"an alert titled {title!r} in /api/alerts")
    assert alert["severity_level"] in ("high", "critical")
    assert "PRK" in alert["actors"]  # type: ignore[operator]
    for category in alert["categories"]:  # type: ignore[attr-defined]
        for evidence in category["evidence"]:
            assert evidence["phrase"].lower() in evidence["sentence"].lower()

    # The same alert through each filter, and its detail view.
    assert await alert_titled(http, base, title, "&country=PRK")
    assert await alert_titled(http, base, title, f"&severity={alert['severity_level']}")
    category = alert["categories"][0]["category"]  # type: ignore[index]
    assert await alert_titled(http, base, title, f"&category={category}")
    assert not await alert_titled(http, base, title, "&country=NZL")
    assert not await alert_titled(http, base, title, "&severity=low")
    status, detail = await get_json(http, f"{base}/api/alerts/{alert['alert_id']}")
    assert status == 200 and detail == alert


async def test_alerts_from_other_workers_are_shown_too(
    dashboard_worker: WorkerHandle, http: aiohttp.ClientSession
) -> None:
    """The feed reads every partition of the alert topic, not this worker's assignment."""
    foreign = make_alert(f"foreign-{uuid.uuid4().hex[:8]}", title="Written by another worker")
    await produce(
        dashboard_worker.bootstrap,
        dashboard_worker.alerts_topic,
        [foreign.model_dump_json().encode()],
    )

    async def shown() -> tuple[int, object] | None:
        status, body = await get_json(
            http, f"{dashboard_worker.base_url}/api/alerts/{foreign.alert_id}"
        )
        return (status, body) if status == 200 else None

    _, body = await eventually(shown, "the foreign alert in /api/alerts/{id}")
    assert body["title"] == "Written by another worker"  # type: ignore[index]


async def test_stats_report_dead_letters_lag_and_throughput(
    dashboard_worker: WorkerHandle, http: aiohttp.ClientSession
) -> None:
    marker = uuid.uuid4().hex
    await produce(
        dashboard_worker.bootstrap, dashboard_worker.raw_topic, [f'{{"oops": "{marker}'.encode()]
    )

    async def stats_with_letter() -> dict[str, object] | None:
        _, stats = await get_json(http, f"{dashboard_worker.base_url}/api/stats")
        letters = [d for d in stats["dead_letters"] if marker in d["preview"]]
        return stats if letters and stats["lag"] else None

    stats = await eventually(stats_with_letter, "the dead letter and lag rows in /api/stats")
    [letter] = [d for d in stats["dead_letters"] if marker in d["preview"]]  # type: ignore[attr-defined]
    assert (letter["stage"], letter["error_type"]) == ("validate", "malformed_json")
    assert letter["source"].startswith(f"{dashboard_worker.raw_topic}/")
    lag_topics = {row["topic"] for row in stats["lag"]}  # type: ignore[attr-defined]
    assert dashboard_worker.raw_topic in lag_topics
    stages = {row["stage"]: row for row in stats["stages"]}  # type: ignore[attr-defined]
    assert set(stages) == {"validate", "tag", "detect"}
    assert stats["feed"]["connected"] is True  # type: ignore[index]


async def test_metrics_in_prometheus_text_format(
    dashboard_worker: WorkerHandle, http: aiohttp.ClientSession
) -> None:
    title = f"Artillery shelling killed soldiers near the border {uuid.uuid4().hex[:6]}"
    await produce(dashboard_worker.bootstrap, dashboard_worker.raw_topic, [article(title)])
    url = f"{dashboard_worker.base_url}/metrics"
    wanted = [
        'brinkwatch_messages_total{outcome="ok",stage="validate"}',
        'brinkwatch_messages_total{outcome="alert",stage="detect"}',
        "brinkwatch_alerts_total{",
        'brinkwatch_stage_seconds_bucket{le="0.001",stage="tag"}',
        "brinkwatch_end_to_end_seconds_count",
        # The dashboard runs in this worker: its feed reads the tagged and alert topics.
        'brinkwatch_dashboard_feed_messages_total{kind="tagged"}',
        'brinkwatch_dashboard_feed_messages_total{kind="alerts"}',
    ]
    # Lag is reported for the partitions the group has committed on: whichever got messages.
    lag = re.compile(
        rf'^brinkwatch_consumer_lag\{{partition="\d+",topic="{re.escape(dashboard_worker.raw_topic)}"\}}',
        re.MULTILINE,
    )

    async def complete() -> str | None:
        async with http.get(url) as response:
            assert response.headers["Content-Type"].startswith("text/plain")
            text = await response.text()
        return text if all(line in text for line in wanted) and lag.search(text) else None

    text = await eventually(complete, f"every one of {wanted} in /metrics")
    assert "# TYPE brinkwatch_end_to_end_seconds histogram" in text
