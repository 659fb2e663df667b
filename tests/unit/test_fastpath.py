"""The consumer fast path: a callback that never suspends is run inline; one that suspends
keeps faust's ``wait_first`` semantics (dropped when the flow is suspended by a rebalance)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from mode import Service

from app.streaming.fastpath import FastPathConsumer, step_inline


async def test_a_coroutine_that_never_suspends_finishes_inline() -> None:
    seen = []

    async def handler() -> None:
        seen.append("ran")

    assert step_inline(handler()) is None
    assert seen == ["ran"]


async def test_a_suspended_coroutine_goes_on_where_it_stopped() -> None:
    gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    steps = []

    async def handler() -> int:
        steps.append("before")
        value = await gate
        steps.append("after")
        await asyncio.sleep(0)  # a bare yield, too
        return value * 2

    rest = step_inline(handler())
    assert rest is not None
    assert steps == ["before"]
    gate.set_result(21)
    assert await rest == 42
    assert steps == ["before", "after"]


async def test_errors_before_and_after_the_suspension_reach_the_caller() -> None:
    async def fails_at_once() -> None:
        raise ValueError("at once")

    with pytest.raises(ValueError, match="at once"):
        step_inline(fails_at_once())

    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def fails_later() -> None:
        await gate
        raise KeyError("later")

    rest = step_inline(fails_later())
    assert rest is not None
    gate.set_result(None)
    with pytest.raises(KeyError, match="later"):
        await rest


async def test_cancelling_the_rest_cancels_the_coroutine_inside() -> None:
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    cleaned = []

    async def handler() -> None:
        try:
            await gate
        finally:
            cleaned.append(True)

    rest = step_inline(handler())
    assert rest is not None
    task = asyncio.ensure_future(rest)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]
    assert gate.cancelled()  # the task cancelled what the coroutine waited for


class _Waiter(Service):
    """A real mode Service, for its ``wait_first``."""


def _consumer_like() -> Any:
    waiter = _Waiter()
    return SimpleNamespace(
        flow_active=True,
        suspend_flow=asyncio.Event(),
        wait_first=waiter.wait_first,
        fast_deliveries=0,
        guarded_deliveries=0,
    )


async def test_delivery_is_inline_when_the_callback_cannot_block() -> None:
    consumer = _consumer_like()
    delivered = []

    async def callback(message: str) -> None:
        delivered.append(message)

    await FastPathConsumer._deliver(consumer, callback, "m1")
    assert delivered == ["m1"]
    assert (consumer.fast_deliveries, consumer.guarded_deliveries) == (1, 0)


async def test_a_blocked_callback_is_dropped_when_a_rebalance_suspends_the_flow() -> None:
    consumer = _consumer_like()
    queue_has_room: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    delivered = []

    async def callback(message: str) -> None:
        await queue_has_room  # e.g. the stream's queue is full
        delivered.append(message)

    delivery = asyncio.ensure_future(FastPathConsumer._deliver(consumer, callback, "m1"))
    await asyncio.sleep(0.01)
    assert not delivery.done()
    consumer.suspend_flow.set()  # what faust's stop_flow does on a rebalance
    await asyncio.wait_for(delivery, 1.0)
    await asyncio.sleep(0.01)
    assert queue_has_room.cancelled()  # the callback was abandoned where it waited ...
    assert delivered == []  # ... and the message discarded, as faust's wait_first does
    assert (consumer.fast_deliveries, consumer.guarded_deliveries) == (0, 1)


async def test_a_pending_suspension_takes_faust_path_from_the_start() -> None:
    consumer = _consumer_like()
    consumer.suspend_flow.set()
    consumer.flow_active = False
    delivered = []

    async def callback(message: str) -> None:
        delivered.append(message)

    await FastPathConsumer._deliver(consumer, callback, "m1")
    assert consumer.guarded_deliveries == 1
    assert consumer.fast_deliveries == 0
