"""A broker outage under load: operators are told, the log stays readable, nothing is lost.

A worker (with its dashboard) consumes a steady stream from a private broker; the broker is
stopped for a while and started again. During the outage /readyz must answer 503 with the
reason, /api/stats and the page in Chromium must show the outage (and no rate as if live), and
the log must not flood. Afterwards every input on the raw topic must have come out as a valid
article or a dead letter. The figures (readiness flip and recovery, log lines per second) are
printed: run with ``-s`` to see them.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiokafka import AIOKafkaProducer

from tests.support.accounting import account
from tests.support.factories import raw_article
from tests.support.kafka_io import collect
from tests.support.private_broker import PrivateBroker
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration

RATE = 50.0  # inputs per second, as in the probe that found the defect
BEFORE_S = 6.0
AFTER_S = 8.0
POLL_S = 0.2
# During the outage the log may take a few lines per second (one per kind of message per
# interval); it took ~1,900 per second before the rate limit.
MAX_LOG_LINES_PER_S = 10.0


@dataclass
class OutageFigures:
    readiness_flip_s: float  # broker stop requested -> /readyz 503
    readiness_flip_after_exit_s: float  # broker process gone -> /readyz 503 (<= 0: before)
    recovery_s: float  # broker serving again -> /readyz 200
    log_lines: int  # worker log lines written from the stop request to the restart
    log_bytes: int
    outage_s: float  # that window
    page_flip_s: float | None  # broker stop requested -> the page in Chromium shows the outage

    def summary(self) -> str:
        page = f"page shows it after {self.page_flip_s:.1f} s; " if self.page_flip_s else ""
        return page + (
            f"readiness 503 {self.readiness_flip_s:.1f} s after the stop was requested "
            f"({self.readiness_flip_after_exit_s:.1f} s after the broker exited); 200 again "
            f"{self.recovery_s:.1f} s after it served again; log {self.log_lines} lines, "
            f"{self.log_bytes} bytes in {self.outage_s:.1f} s of outage "
            f"({self.log_lines / self.outage_s:.1f} lines/s)"
        )


async def readyz(http: aiohttp.ClientSession, base: str) -> tuple[int, dict[str, Any]]:
    async with http.get(f"{base}/readyz") as response:
        return response.status, await response.json()


async def wait_status(
    http: aiohttp.ClientSession, base: str, status: int, timeout_s: float
) -> tuple[float, dict[str, Any]]:
    """Poll /readyz until it answers ``status``; return when (monotonic) and the body."""
    deadline = time.monotonic() + timeout_s
    while True:
        code, body = await readyz(http, base)
        if code == status:
            return time.monotonic(), body
        if time.monotonic() > deadline:
            raise AssertionError(f"/readyz not {status} within {timeout_s:.0f} s: {code} {body}")
        await asyncio.sleep(POLL_S)


async def produce_steadily(
    bootstrap: str, topic: str, count: int, rate: float, prefix: str
) -> tuple[int, int]:
    """Send ``count`` articles at ``rate``/s through an outage; return (acked, failed)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,  # retries across the outage must not write twice
        request_timeout_ms=120_000,
        linger_ms=5,
    )
    await producer.start()
    deliveries = []
    started = time.monotonic()
    try:
        for n in range(count):
            await asyncio.sleep(max(started + n / rate - time.monotonic(), 0))
            if n % 25 == 24:
                value = b'{"url": "https://news.example.org/broken-' + str(n).encode()
            else:
                value = raw_article(f"{prefix}-{n}", f"Outage story {n}", f"Story number {n}.")
            deliveries.append(await producer.send(topic, value))
        results = await asyncio.gather(*deliveries, return_exceptions=True)
    finally:
        await producer.stop()
    failed = sum(isinstance(r, BaseException) for r in results)
    return len(results) - failed, failed


def suppressed_lines(port: str) -> float:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    pattern = re.compile(r"^brinkwatch_log_lines_suppressed_total\{[^}]*\} (\S+)$", re.M)
    return sum(float(v) for v in pattern.findall(text))


def page_shows_outage(driver: Any) -> bool:
    from selenium.webdriver.common.by import By

    badge = driver.find_element(By.ID, "connection").text
    banner = driver.find_element(By.ID, "outage")
    rates = [
        cell.text
        for row in driver.find_elements(By.CSS_SELECTOR, "#stages tbody tr")
        for cell in row.find_elements(By.TAG_NAME, "td")[:3]
    ]
    return (
        badge.startswith("broker unreachable since")
        and banner.is_displayed()
        and bool(rates)
        and all(rate == "–" for rate in rates)
    )


async def run_outage(
    broker: PrivateBroker, name: str, workdir: Path, outage_s: float, driver: Any | None
) -> OutageFigures:
    env = isolated_env(broker.bootstrap, name, workdir)
    base = f"http://127.0.0.1:{env['BRINKWATCH_WEB_PORT']}"
    raw, valid, dlq = (env[f"BRINKWATCH_TOPICS__{n}"] for n in ("RAW", "VALID", "DLQ"))
    total = int(RATE * (BEFORE_S + outage_s + AFTER_S + 15))
    log_path = workdir / "worker.log"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        with running_worker(env, workdir):
            await wait_status(http, base, 200, 60)
            if driver is not None:
                await asyncio.to_thread(driver.get, base + "/")
            stream = asyncio.create_task(produce_steadily(broker.bootstrap, raw, total, RATE, name))
            await asyncio.sleep(BEFORE_S)

            asked = time.monotonic()
            log_start = log_path.stat().st_size
            stopping = asyncio.create_task(asyncio.to_thread(broker.stop))
            flipped, body = await wait_status(http, base, 503, outage_s + 20)
            await stopping
            exited = time.monotonic()
            assert body["ready"] is False and body["broker_reachable"] is False, body
            assert "broker unreachable since" in body["reason"], body
            async with http.get(f"{base}/api/stats") as response:
                stats = await response.json()
            assert stats["broker"]["reachable"] is False
            assert stats["broker"]["unreachable_since"] is not None
            assert stats["feed"]["connected"] is False
            assert all(row["in_per_s"] is None for row in stats["stages"]), stats["stages"]
            if driver is not None:
                from selenium.common.exceptions import StaleElementReferenceException
                from selenium.webdriver.support.ui import WebDriverWait

                # The page redraws its table every refresh: a row read mid-redraw is stale,
                # which only means "look again".
                wait = WebDriverWait(
                    driver,
                    15,
                    poll_frequency=0.25,
                    ignored_exceptions=(StaleElementReferenceException,),
                )
                await asyncio.to_thread(wait.until, page_shows_outage, "the outage on the page")
                page_flip: float | None = time.monotonic() - asked
            else:
                page_flip = None
            await asyncio.sleep(max(asked + outage_s - time.monotonic(), 0))
            code, _ = await readyz(http, base)
            assert code == 503, "still unready while the broker is down"

            log_end = log_path.stat().st_size
            log_window = time.monotonic() - asked
            await asyncio.to_thread(broker.start)
            serving = time.monotonic()
            recovered, body = await wait_status(http, base, 200, 120)
            assert body["reason"] is None and body["broker_reachable"] is True, body
            if driver is not None:
                await asyncio.to_thread(
                    wait.until,
                    lambda d: not d.find_element("id", "outage").is_displayed(),
                    "the outage banner to go",
                )

            acked, failed = await stream
            assert failed == 0, f"{failed} sends failed across the outage"
            suppressed = suppressed_lines(env["BRINKWATCH_WEB_PORT"])

            def complete(records: dict[str, list[Any]]) -> bool:
                return len(records[valid]) + len(records[dlq]) >= acked

            records = await collect(broker.bootstrap, [raw, valid, dlq], complete, 120)

    with log_path.open("rb") as log:
        log.seek(log_start)
        outage_log = log.read(log_end - log_start)
    accounting = account(records[raw], records[valid], records[dlq])
    print(accounting.summary())
    assert len(records[raw]) >= acked
    assert accounting.lost == [], accounting.summary()
    assert accounting.both == [], accounting.summary()
    assert accounting.dead_lettered == sum(1 for n in range(total) if n % 25 == 24)
    figures = OutageFigures(
        readiness_flip_s=flipped - asked,
        readiness_flip_after_exit_s=flipped - exited,
        recovery_s=recovered - serving,
        log_lines=outage_log.count(b"\n"),
        log_bytes=len(outage_log),
        outage_s=log_window,
        page_flip_s=page_flip,
    )
    print(figures.summary(), f"suppressed lines: {suppressed:.0f}")
    assert figures.log_lines / figures.outage_s < MAX_LOG_LINES_PER_S, figures.summary()
    assert suppressed > 0, "the repeats were dropped by the rate limit, not absent"
    return figures


async def test_outage_is_reported_quietly_and_loses_nothing(
    outage_broker: PrivateBroker, unique_name: str, tmp_path: Path, browser: Any
) -> None:
    await run_outage(outage_broker, unique_name, tmp_path, outage_s=10.0, driver=browser)


@pytest.mark.reliability
async def test_twenty_second_outage_at_fifty_per_second(
    outage_broker: PrivateBroker, unique_name: str, tmp_path: Path
) -> None:
    await run_outage(outage_broker, unique_name, tmp_path, outage_s=20.0, driver=None)
