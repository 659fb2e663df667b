"""The token-protected dashboard in a real headless Chromium (in-process server, no broker).

A browser has no way to add a Bearer header to the page's EventSource: it authenticates with
HTTP Basic (the token as password) and then sends it with every request, the event stream
included. Without it the page is refused.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import test_utils
from pydantic import SecretStr

from app.settings import Settings
from app.web.dashboard import Dashboard
from app.web.standalone import build_web_app
from tests.support.factories import make_alert

pytestmark = pytest.mark.browser

TOKEN = secrets.token_urlsafe(24)


@pytest.fixture
async def served() -> AsyncIterator[tuple[Dashboard, int]]:
    settings = Settings(_env_file=None, web_auth_token=SecretStr(TOKEN))  # type: ignore[call-arg]
    dashboard = Dashboard(settings)
    dashboard.feed_connected = True
    server = test_utils.TestServer(build_web_app(dashboard), host="127.0.0.1")
    await server.start_server()
    try:
        yield dashboard, int(server.port or 0)
    finally:
        dashboard.broadcaster.close()
        await server.close()


def wait(driver: Any, condition: Any, what: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30, poll_frequency=0.25).until(condition, message=what)


async def test_the_browser_logs_in_with_the_token_and_gets_live_events(
    served: tuple[Dashboard, int], browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    dashboard, port = served
    await asyncio.to_thread(browser.get, f"http://127.0.0.1:{port}/")
    assert not await asyncio.to_thread(browser.find_elements, By.ID, "feed"), "no page without"

    await asyncio.to_thread(browser.get, f"http://operator:{TOKEN}@127.0.0.1:{port}/")
    await asyncio.to_thread(
        wait,
        browser,
        lambda d: d.find_element(By.ID, "connection").get_attribute("data-state") == "live",
        "the event stream to open with the token",
    )
    dashboard.on_alert(make_alert("pushed-live").model_dump_json().encode())
    await asyncio.to_thread(
        wait,
        browser,
        lambda d: any(
            "Title pushed-live" in card.text
            for card in d.find_elements(By.CSS_SELECTOR, "#feed li.alert")
        ),
        "the alert pushed over the authenticated event stream",
    )
