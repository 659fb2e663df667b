"""Fan-out of live events to the dashboard's server-sent-event streams.

Each browser gets its own bounded queue. A browser too slow to keep up is disconnected rather
than allowed to grow memory: EventSource reconnects by itself and the page refetches the list.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

QUEUE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Event:
    """One server-sent event: its type and a JSON-serialisable payload."""

    name: str
    data: Any

    def encode(self) -> bytes:
        """The event in the text/event-stream wire format."""
        # json.dumps never emits raw newlines, so the payload fits one "data:" line.
        return f"event: {self.name}\ndata: {json.dumps(self.data)}\n\n".encode()


class Broadcaster:
    """Publishes events to every subscriber; ``close`` ends every stream (at shutdown)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()
        self.closed = False

    @property
    def subscribers(self) -> int:
        """How many streams are open."""
        return len(self._queues)

    def publish(self, name: str, data: Any) -> None:
        """Queue an event for every subscriber, without waiting."""
        event = Event(name, data)
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self._drop(queue)

    def subscribe(self) -> asyncio.Queue[Event | None]:
        """A new subscriber's queue; ``None`` in it means the stream is over."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=QUEUE_SIZE)
        if self.closed:
            queue.put_nowait(None)
        else:
            self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event | None]) -> None:
        """Forget a subscriber (its browser went away)."""
        self._queues.discard(queue)

    def close(self) -> None:
        """End every open stream, so shutdown does not wait for browsers to hang up."""
        self.closed = True
        for queue in list(self._queues):
            self._drop(queue)

    def _drop(self, queue: asyncio.Queue[Event | None]) -> None:
        self._queues.discard(queue)
        # Make room for the end marker: the dropped subscriber skips what it had not read.
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)
