"""Incident state as kept in the table: one ``Book`` per grouping key with its incidents.

Pydantic models so that the table stores plain JSON (``Book.model_dump(mode="json")``) and a
restart validates what it reads back from the changelog.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas import (
    Dyad,
    IncidentEvidence,
    IncidentMember,
    IncidentStatus,
    NotificationKind,
    SeverityLevel,
)

# The timeline rows and the evidence are kept exactly as the contract publishes them.
Member = IncidentMember
Strongest = IncidentEvidence


class IncidentState(BaseModel):
    """One incident: its members, what it amounts to, and what was last notified."""

    incident_id: str
    key: str
    status: IncidentStatus = "firing"
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    members: list[IncidentMember] = Field(default_factory=list)
    max_severity: float = 0.0
    max_level: SeverityLevel = "low"
    categories: list[str] = Field(default_factory=list)
    dyad: Dyad | None = None
    strongest: IncidentEvidence | None = None
    signatures: list[str] = Field(default_factory=list)
    # What the last notification said (None: nothing notified yet, group_wait running).
    notified_at: datetime | None = None
    notified_level: SeverityLevel | None = None
    notified_categories: list[str] = Field(default_factory=list)
    notified_outlets: int = 0
    notifications: int = 0
    last_notification: NotificationKind | None = None

    @property
    def outlets(self) -> list[str]:
        """Distinct outlets in the order they reported."""
        return list(dict.fromkeys(member.outlet for member in self.members))

    def has_alert(self, alert_id: str) -> bool:
        """Whether this alert is already a member (a redelivery)."""
        return any(member.alert_id == alert_id for member in self.members)


class Book(BaseModel):
    """All incidents of one grouping key that are open or recently resolved."""

    key: str
    partition: int = 0
    incidents: list[IncidentState] = Field(default_factory=list)
