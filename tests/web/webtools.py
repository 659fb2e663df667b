"""Helpers for the dashboard tests: articles, producing to the broker, polling HTTP."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiohttp

T = TypeVar("T")

# Clear escalation language the detector flags at high or critical severity.
ESCALATION_BODY = (
    "North Korea fired ballistic missiles toward the sea east of Seoul on Monday and "
    "threatened retaliation against the South. Artillery shelling killed three soldiers "
    "near the border, officials in Seoul said."
)


def article(title: str, body: str = ESCALATION_BODY, **extra: Any) -> bytes:
    """A raw article as producers send it, with a unique URL so each test has its own alert."""
    value = {
        "url": f"https://news.example.org/{uuid.uuid4().hex}",
        "title": title,
        "body": body,
        "published_at": datetime.now(UTC).isoformat(),
        "source": "Test Wire",
        **extra,
    }
    return json.dumps(value).encode()


async def eventually(
    probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 60.0
) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after the bound."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = await probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        await asyncio.sleep(0.5)


async def get_json(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    """Status and decoded JSON body of a GET (None when the body is not JSON, e.g. a 404)."""
    async with session.get(url) as response:
        if response.content_type != "application/json":
            return response.status, None
        return response.status, await response.json()


async def alert_titled(
    session: aiohttp.ClientSession, base_url: str, title: str, query: str = ""
) -> dict[str, Any] | None:
    """The alert with this title from /api/alerts (with an optional query), or None."""
    _, body = await get_json(session, f"{base_url}/api/alerts?limit=500{query}")
    return next((a for a in body["alerts"] if a["title"] == title), None)
