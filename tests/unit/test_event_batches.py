"""event_batches ends quietly when Faust stops the agent (StopAsyncIteration thrown into its
channel), instead of raising RuntimeError, which Faust logs as a crashed agent."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from mode.utils.queues import FlowControlEvent, ThrowableQueue

from app.streaming.batching import event_batches


def _stopping_stream() -> Any:
    queue: ThrowableQueue = ThrowableQueue(flow_control=FlowControlEvent())
    queue._throw(StopAsyncIteration())

    async def maybe_start() -> None:
        return None

    app = SimpleNamespace(
        flow_control=None,
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


def test_batches_end_when_the_agent_is_stopped() -> None:
    async def drain() -> list[object]:
        return [batch async for batch in event_batches(_stopping_stream(), max_events=10)]

    assert asyncio.run(drain()) == []
