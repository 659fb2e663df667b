"""The incidents view in a real headless Chromium, fed through the real broker by a worker with
incidents on; and the incident metrics on its /metrics."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.domain.incidents.engine import IncidentEngine
from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.incidents.record import incident_record
from tests.support.incidents import make_alert
from tests.support.kafka_io import produce, produce_keyed
from tests.support.topic_janitor import TopicJanitor
from tests.support.worker import isolated_env, running_worker
from tests.web.test_dashboard_browser import wait_until
from tests.web.webtools import article

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture(scope="module")
def incident_worker(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, topic_janitor: TopicJanitor
) -> Iterator[dict[str, str]]:
    name = topic_janitor.claim(f"webinc-{uuid.uuid4().hex[:10]}")
    workdir = tmp_path_factory.mktemp(name)
    env = isolated_env(
        kafka_bootstrap,
        name,
        workdir,
        BRINKWATCH_INCIDENTS__ENABLED="true",
        BRINKWATCH_INCIDENTS__GROUP_WAIT_S="1",
        BRINKWATCH_INCIDENTS__TICK_INTERVAL_S="0.5",
        BRINKWATCH_TOPICS__ALERTS_BY_KEY=f"{name}.alerts-by-key",
        BRINKWATCH_TOPICS__INCIDENTS=f"{name}.incidents",
        BRINKWATCH_TOPICS__TREND=f"{name}.trend",
    )
    with running_worker(env, workdir):
        yield env


def test_incidents_panel_in_chromium(
    incident_worker: dict[str, str], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    base = f"http://127.0.0.1:{incident_worker['BRINKWATCH_WEB_PORT']}"
    titles = [
        "North Korea fires ballistic missiles toward the sea, Seoul says",
        "Seoul says North Korea fired ballistic missiles toward the sea",
    ]
    asyncio.run(
        produce(
            incident_worker["BRINKWATCH_BOOTSTRAP_SERVERS"],
            incident_worker["BRINKWATCH_TOPICS__RAW"],
            [article(title, source=f"Wire {n}") for n, title in enumerate(titles)],
        )
    )
    driver = browser
    driver.get(base + "/")

    def grouped_row(d: Any) -> Any:
        for row in d.find_elements(By.CSS_SELECTOR, "#incidents tr.incident"):
            cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
            if cells[1] in titles and cells[2] == "2":
                return cells
        return False

    cells = wait_until(driver, grouped_row, "one incident row with both articles")
    assert sorted(cells[3].split(", ")) == ["Wire 0", "Wire 1"]  # raw has 3 partitions
    assert driver.find_element(By.ID, "incidents-panel").is_displayed()
    wait_until(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, '#trend-chart .trend-row[data-entity="PRK"]'),
        "the PRK index sparkline",
    )
    driver.save_screenshot(str(tmp_path / "incidents.png"))

    # The first notification comes after the group wait (1 s), at a tick.
    deadline = time.monotonic() + 30.0
    while True:
        metrics = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()  # noqa: S310
        firing = re.search(r'brinkwatch_notifications_total\{kind="firing"\} (\S+)', metrics)
        if (firing and float(firing.group(1)) >= 1.0) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert firing and float(firing.group(1)) == 1.0, "one incident, one firing notification"
    assert re.search(r"brinkwatch_open_incidents\{partition=\"\d+\"\} 1\.0", metrics)


def test_incidents_another_worker_published_reach_the_view(
    incident_worker: dict[str, str],
) -> None:
    # This worker's own incidents reach its view in-process (their records carry its origin
    # header and its feed skips them); one another worker published comes through the topic.
    alert = make_alert("other-worker", "Navy vessels exchange fire near disputed islands")
    engine = IncidentEngine(GroupingPolicy(), NotificationPolicy())
    [change] = engine.observe(engine.new_book(alert), alert)
    record = incident_record(change, datetime.now(UTC))
    asyncio.run(
        produce_keyed(  # keyed: the topic is compacted
            incident_worker["BRINKWATCH_BOOTSTRAP_SERVERS"],
            incident_worker["BRINKWATCH_TOPICS__INCIDENTS"],
            [(record.incident_id.encode(), record.model_dump_json().encode())],
        )
    )
    url = f"http://127.0.0.1:{incident_worker['BRINKWATCH_WEB_PORT']}/api/incidents"
    deadline = time.monotonic() + 30.0
    while True:
        with urllib.request.urlopen(url, timeout=5) as response:
            shown = {i["incident_id"] for i in json.loads(response.read())["incidents"]}
        if record.incident_id in shown or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert record.incident_id in shown
