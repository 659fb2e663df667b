"""Country actor recognition (first placeholder: replaced by the tagging work)."""

from __future__ import annotations

from schemas import ActorTag


class ActorRecognizer:
    """Finds countries named in an article."""

    @classmethod
    def load(cls) -> ActorRecognizer:
        return cls()

    def find(self, title: str, body: str) -> list[ActorTag]:
        return []
