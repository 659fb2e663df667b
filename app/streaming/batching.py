"""Events from a Faust agent's stream in small batches, acked only when the caller says so.

Faust's stream iterator pays per event: an ``await sleep(0)`` (a whole event-loop turn), the
sensors, a context variable and an ack. ``Stream.take_events`` batches on top of that same
iterator and acks the whole batch in a ``finally``, so an exception loses the batch silently.
``event_batches`` reads the agent's channel queue itself: it waits for one event, then takes
the events already queued behind it (up to ``max_events``), and does per event what the
iterator does before handing an event over (drop it when a rebalance made it stale, track it
as unacked, run the stream's processors, call the sensors). Nothing is acked here: the caller
acks each event with ``ack_events`` once its outputs are in the producer's buffer, so a batch
that fails is redelivered, not skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from faust.exceptions import Skip
from mode.utils.futures import maybe_async


@dataclass(slots=True)
class EventBatch:
    """Events taken together, with the sensors' state of each (given back at the ack)."""

    events: list[Any] = field(default_factory=list)
    states: list[Any] = field(default_factory=list)


async def event_batches(stream: Any, max_events: int) -> AsyncIterator[EventBatch]:
    """Lists of at most ``max_events`` events of ``stream``, each as soon as one is there."""
    await stream.maybe_start()
    app = stream.app
    queue = stream.channel.queue
    flow_control = app.flow_control
    consumer = app.consumer
    acking_topics = app.topics.acking_topics
    unacked_add = consumer.unacked.add
    sensors = app.sensors
    processors = stream._processors
    while not stream.should_stop:
        try:
            first = await queue.get()
        except StopAsyncIteration:
            # Faust stops an agent by throwing this into its channel; inside an async
            # generator it would become a RuntimeError (PEP 479) logged as a crash.
            return
        taken = [first]
        while len(taken) < max_events and not queue.empty():
            taken.append(queue.get_nowait())
        batch = EventBatch()
        for event in taken:
            message = event.message
            if not flow_control.is_active() or message.generation_id != app.consumer_generation_id:
                # Fetched before a rebalance: dropped, and not acked (faust's iterator acks it,
                # which can mark its offset done before the partition is read again: lost
                # inputs under a rebalance); whoever owns the partition now reads it again
                # from the committed offset.
                continue
            if message.topic in acking_topics and not message.tracked:
                message.tracked = True
                unacked_add(message)
                sensors.on_message_in(message.tp, message.offset, message)
            if processors and not await _processed(processors, event):
                _ack(sensors, stream, event, None)
                continue
            batch.states.append(
                sensors.on_stream_event_in(message.tp, message.offset, stream, event)
            )
            batch.events.append(event)
        if batch.events:
            yield batch


async def _processed(processors: Iterable[Any], event: Any) -> bool:
    """Run the stream's processors (faust's test wrapper installs one); False on ``Skip``."""
    value = event.value
    try:
        for processor in processors:
            value = await maybe_async(processor(value))
    except Skip:
        return False
    return True


def ack_events(stream: Any, batch: EventBatch) -> None:
    """Ack a batch whose outputs are buffered (faust commits up to the last acked offset)."""
    sensors = stream.app.sensors
    for event, state in zip(batch.events, batch.states, strict=True):
        _ack(sensors, stream, event, state)


def _ack(sensors: Any, stream: Any, event: Any, state: Any) -> None:
    # What faust's stream iterator does after each event (``Stream.ack`` inlined).
    message = event.message
    last_stream_to_ack = event.ack()
    sensors.on_stream_event_out(message.tp, message.offset, stream, event, state)
    if last_stream_to_ack:
        sensors.on_message_out(message.tp, message.offset, message)
