"""Escalation detection (first placeholder: replaced by the detection work)."""

from __future__ import annotations

from pathlib import Path

from app.domain.findings import Detection
from schemas import TaggedArticle


class EscalationDetector:
    """Finds escalation language in a tagged article."""

    @classmethod
    def load(cls, rules_path: Path | None = None) -> EscalationDetector:
        return cls()

    def detect(self, article: TaggedArticle) -> Detection | None:
        return None
