"""event_batches: ends quietly when Faust stops the agent (StopAsyncIteration thrown into its
channel) instead of raising RuntimeError, which Faust logs as a crashed agent; and drops an
event fetched before a rebalance without acking it, so its offset is never marked done."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from mode.utils.queues import FlowControlEvent, ThrowableQueue

from app.streaming.batching import event_batches

GENERATION = 7


def _stream(*events: Any) -> Any:
    flow = FlowControlEvent()
    flow.resume()
    queue: ThrowableQueue = ThrowableQueue(flow_control=flow)
    for event in events:
        queue.put_nowait(event)

    async def maybe_start() -> None:
        return None

    app = SimpleNamespace(
        flow_control=flow,
        consumer_generation_id=GENERATION,
        consumer=SimpleNamespace(unacked=set()),
        topics=SimpleNamespace(acking_topics=set()),
        sensors=None,
    )
    return SimpleNamespace(
        maybe_start=maybe_start,
        app=app,
        channel=SimpleNamespace(queue=queue),
        should_stop=False,
        _processors=[],
    )


def _drain(stream: Any) -> list[Any]:
    async def drain() -> list[Any]:
        return [batch async for batch in event_batches(stream, max_events=10)]

    return asyncio.run(drain())


def test_batches_end_when_the_agent_is_stopped() -> None:
    stream = _stream()
    stream.channel.queue._throw(StopAsyncIteration())
    assert _drain(stream) == []


def test_an_event_from_before_a_rebalance_is_dropped_unacked() -> None:
    acked: list[int] = []
    stale = SimpleNamespace(
        message=SimpleNamespace(generation_id=GENERATION - 1, topic="raw", offset=400),
        ack=lambda: acked.append(400),
    )
    stream = _stream(stale)

    async def stop_later() -> None:
        await asyncio.sleep(0.05)
        stream.channel.queue._throw(StopAsyncIteration())
        stream.channel.queue.put_nowait(None)  # wakes the waiting get, which raises

    async def drain() -> list[Any]:
        stopper = asyncio.create_task(stop_later())
        batches = [batch async for batch in event_batches(stream, max_events=10)]
        await stopper
        return batches

    assert asyncio.run(drain()) == []
    assert acked == []
