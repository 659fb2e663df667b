"""A partition's clock in event time, for notifications that fall due when nothing arrives."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


class PartitionClock:
    """The latest event time seen on a partition, advanced by the wall time since that event
    arrived: in a live stream it follows the wall clock when the partition is quiet; in a
    replay of old articles it follows the articles, so nothing resolves early. Also lists the
    grouping keys with state on the partition, which the tick visits."""

    def __init__(self, event: datetime | None, wall: datetime | None, keys: list[str]) -> None:
        self.event, self.wall, self.keys = event, wall, keys

    @classmethod
    def load(cls, stored: dict[str, Any] | None) -> PartitionClock:
        """From its table value (None: a partition that has seen nothing yet)."""
        if not stored or stored.get("event") is None:
            return cls(None, None, list(stored["keys"]) if stored else [])
        return cls(
            datetime.fromisoformat(stored["event"]),
            datetime.fromisoformat(stored["wall"]),
            list(stored["keys"]),
        )

    def saw(self, event_time: datetime, wall: datetime, key: str) -> None:
        """An alert of ``key`` with this event time arrived at wall time ``wall``."""
        if self.event is None or event_time > self.event:
            self.event, self.wall = event_time, wall
        if key not in self.keys:
            self.keys.append(key)

    def now(self, wall: datetime) -> datetime | None:
        """The partition's event time at wall time ``wall`` (None before any event)."""
        if self.event is None or self.wall is None:
            return None
        return self.event + max(wall - self.wall, timedelta(0))

    def dump(self) -> dict[str, Any]:
        """As a JSON-ready table value."""
        return {
            "event": self.event.isoformat() if self.event else None,
            "wall": self.wall.isoformat() if self.wall else None,
            "keys": list(self.keys),
        }
