"""IPTC Media Topic tagging (first placeholder: replaced by the tagging work)."""

from __future__ import annotations

from schemas import TopicTag


class TopicTagger:
    """Scores IPTC top-level Media Topics for an article."""

    @classmethod
    def load(cls) -> TopicTagger:
        return cls()

    def tag(self, title: str, body: str) -> list[TopicTag]:
        return []
