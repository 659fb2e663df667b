"""The test suite deletes the topics it creates, so a developer's broker does not grow per run.

Every fixture that hands out a name for topics (``unique_name``, the dashboard workers) claims
it here; at the end of the session the topics starting with a claimed name are deleted from the
session's broker. Only claimed names go: other sessions sharing the broker keep theirs.
"""

from __future__ import annotations

from app.settings import Settings
from app.streaming.topic_admin import delete_topics


class TopicJanitor:
    """Names claimed for test topics; ``sweep`` deletes the topics that start with them."""

    def __init__(self) -> None:
        self.claimed: set[str] = set()

    def claim(self, name: str) -> str:
        """Remember ``name`` (a topic name or the prefix of several); return it."""
        if not name:
            raise ValueError("an empty name would claim every topic")
        self.claimed.add(name)
        return name

    async def sweep(self, settings: Settings) -> list[str]:
        """Delete the claimed topics from the broker ``settings`` point at; return their names."""
        deleted = await delete_topics(settings, sorted(self.claimed))
        self.claimed.clear()
        return deleted
