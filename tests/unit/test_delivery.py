"""A record the broker refuses after buffering is counted and logged, not silently dropped."""

from __future__ import annotations

import asyncio

import pytest

from app import metrics
from app.streaming.faust_app import report_failed_delivery


def failures(topic: str) -> float:
    return metrics.PUBLISH_FAILURES.labels(topic)._value.get()  # type: ignore[no-any-return]


async def test_refused_record_is_counted_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    before = failures("t.valid")
    delivery: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    delivery.set_exception(RuntimeError("MessageSizeTooLarge"))
    report_failed_delivery("t.valid", b"article-1", delivery)
    assert failures("t.valid") == before + 1
    assert "article-1" in caplog.text and "MessageSizeTooLarge" in caplog.text


async def test_delivered_record_is_not_counted() -> None:
    before = failures("t.tagged")
    delivery: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    delivery.set_result("metadata")
    report_failed_delivery("t.tagged", b"article-2", delivery)
    assert failures("t.tagged") == before
