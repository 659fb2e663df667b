"""What the detect stage finds in one article, before it becomes an alert."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import AlertCategory, Dyad, Judgement, SeverityLevel

SEVERITY_LEVELS: tuple[SeverityLevel, ...] = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class Detection:
    """Escalation found in an article: categories with evidence, severity, who against whom."""

    categories: list[AlertCategory]
    severity: float
    severity_level: SeverityLevel
    dyad: Dyad | None
    rules_version: str
    judgement: Judgement | None = None

    def reaches(self, level: SeverityLevel) -> bool:
        """True when this detection's level is at or above ``level``."""
        return SEVERITY_LEVELS.index(self.severity_level) >= SEVERITY_LEVELS.index(level)
