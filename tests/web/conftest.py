"""Fixtures for the dashboard tests: a real worker on the real broker, and a real Chromium.

The worker fixture is module-scoped (a worker takes seconds to join its group) and isolated
by its own topics, consumer group, port and state dir (tests/support/worker.py).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.topic_janitor import TopicJanitor
from tests.support.worker import isolated_env, running_worker

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@dataclass(frozen=True)
class WorkerHandle:
    """Where a test worker listens and which topics it uses."""

    base_url: str
    bootstrap: str
    name: str
    workdir: Path

    @property
    def raw_topic(self) -> str:
        return f"{self.name}.raw"

    @property
    def alerts_topic(self) -> str:
        return f"{self.name}.alerts"

    @property
    def app_id(self) -> str:
        return f"{self.name}-bw"


@pytest.fixture(scope="module")
def dashboard_worker(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, topic_janitor: TopicJanitor
) -> Iterator[WorkerHandle]:
    """A running ``brinkwatch worker`` with its dashboard, on fresh topics."""
    name = topic_janitor.claim(f"web-{uuid.uuid4().hex[:10]}")
    workdir = tmp_path_factory.mktemp(name)
    env = isolated_env(kafka_bootstrap, name, workdir)
    with running_worker(env, workdir):
        yield WorkerHandle(
            base_url=f"http://127.0.0.1:{env['BRINKWATCH_WEB_PORT']}",
            bootstrap=kafka_bootstrap,
            name=name,
            workdir=workdir,
        )


def chromium_or_skip() -> None:
    """Skip (or fail under CI=true) when Debian's chromium and chromedriver are absent."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = (
        f"browser test needs {' and '.join(missing)}: run `make test` (scripts/bootstrap.sh "
        "--browser) or `apt-get install -y chromium chromium-driver`"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true requires them)")
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """Headless Chromium through Debian's chromedriver (selenium-manager never downloads)."""
    chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1500,1100",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
