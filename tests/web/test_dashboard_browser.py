"""The dashboard in a real headless Chromium, fed through the real broker.

Checks what an operator relies on: alerts appear live without a reload, hostile article text
stays text, evidence is highlighted, the detail view opens, pause holds new alerts back.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.kafka_io import produce
from tests.web.conftest import WorkerHandle
from tests.web.webtools import article

pytestmark = [pytest.mark.integration, pytest.mark.browser]

WAIT_S = 60.0
# Entities survive validation's HTML stripping as literal "<...>" text in the title: exactly
# the hostile input the page must render as text.
HOSTILE = (
    "&lt;script&gt;window.__pwned = 1&lt;/script&gt;"
    "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt; North Korea fires missiles"
)


def wait_until(driver: Any, condition: Any, what: str) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The page redraws its lists as data arrives: an element read mid-redraw is stale, which
    # only means "look again".
    return WebDriverWait(
        driver, WAIT_S, poll_frequency=0.25, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition, message=f"waited {WAIT_S:.0f} s for {what}")


def card_titled(driver: Any, text: str) -> Any:
    """The feed card whose title contains ``text``, or False."""
    from selenium.webdriver.common.by import By

    for card in driver.find_elements(By.CSS_SELECTOR, "#feed li.alert"):
        if text in card.find_element(By.CSS_SELECTOR, ".title").text:
            return card
    return False


def send(worker: WorkerHandle, *values: bytes) -> None:
    asyncio.run(produce(worker.bootstrap, worker.raw_topic, list(values)))


def test_live_feed_in_chromium(
    dashboard_worker: WorkerHandle, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(dashboard_worker.base_url + "/")
    wait_until(
        driver,
        lambda d: d.find_element(By.ID, "connection").get_attribute("data-state") == "live",
        "the live-stream indicator",
    )
    driver.execute_script("window.__sameDocument = true")

    # A clear escalation arrives while the page is open: it appears without a reload.
    token = uuid.uuid4().hex[:6]
    send(dashboard_worker, article(f"North Korea fires ballistic missiles toward Seoul {token}"))
    card = wait_until(driver, lambda d: card_titled(d, token), "the alert card")
    assert driver.execute_script("return window.__sameDocument") is True
    assert card.find_elements(By.CSS_SELECTOR, ".snippet mark"), "evidence is highlighted"
    assert card.find_element(By.CSS_SELECTOR, ".badge").text.lower().split()[0] in (
        "high",
        "critical",
    )
    # New alerts are inserted: the card already on screen stays the same element.
    driver.execute_script("arguments[0].dataset.seen = 'yes'", card)

    # Hostile markup in the title renders as visible text, creating no element.
    hostile_token = uuid.uuid4().hex[:6]
    send(dashboard_worker, article(f"{HOSTILE} {hostile_token}"))
    hostile = wait_until(driver, lambda d: card_titled(d, hostile_token), "the hostile alert")
    assert card_titled(driver, token).get_attribute("data-seen") == "yes"
    title = hostile.find_element(By.CSS_SELECTOR, ".title").text
    assert "<script>window.__pwned = 1</script>" in title
    assert '<img src=x onerror="window.__pwned = 2">' in title
    assert not driver.find_elements(By.CSS_SELECTOR, "#feed script, #feed img")
    assert driver.execute_script("return window.__pwned === undefined")

    # The detail view shows every category with highlighted evidence.
    hostile.find_element(By.CSS_SELECTOR, ".snippet").click()
    dialog = wait_until(
        driver,
        lambda d: (
            d.find_element(By.ID, "detail")
            if d.find_element(By.ID, "detail").is_displayed()
            else False
        ),
        "the detail view",
    )
    assert dialog.find_elements(By.CSS_SELECTOR, ".detail-category mark")
    assert "<script>" in dialog.find_element(By.CSS_SELECTOR, "h2").text
    assert not driver.find_elements(By.CSS_SELECTOR, "#detail script, #detail img")
    driver.save_screenshot(str(tmp_path / "dashboard-detail.png"))
    driver.find_element(By.ID, "detail-close").click()

    # Paused: a new alert is held back and counted, then shown on resume.
    driver.find_element(By.ID, "pause").click()
    paused_token = uuid.uuid4().hex[:6]
    send(dashboard_worker, article(f"Artillery shelling killed soldiers {paused_token}"))
    wait_until(driver, lambda d: d.find_element(By.ID, "pending").is_displayed(), "pending count")
    assert not card_titled(driver, paused_token)
    driver.find_element(By.ID, "pause").click()
    wait_until(driver, lambda d: card_titled(d, paused_token), "the held alert after resume")

    screenshot = tmp_path / "dashboard.png"
    assert driver.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
