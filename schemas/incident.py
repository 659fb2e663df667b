"""The incident contract, published on the compacted incidents topic keyed by incident id.

Every change of an incident is published with its whole latest state, so the topic's last
record per key is the incident as it stands. A record whose ``notification`` is set is one a
paging service should deliver; the others only keep the state current.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.alert import AlertCategory, Dyad, SeverityLevel
from schemas.version import SCHEMA_VERSION

IncidentStatus = Literal["firing", "resolved"]
NotificationKind = Literal["firing", "update", "repeat", "resolved"]


class IncidentMember(BaseModel):
    """One per-article alert of the incident: a row of its timeline."""

    model_config = ConfigDict(frozen=True)

    alert_id: str = Field(description="Id of the alert on the escalation alert topic.")
    article_id: str = Field(description="Id of the article that raised it.")
    published_at: AwareDatetime = Field(description="Article publication time (event time).")
    outlet: str = Field(description="Outlet: the article's source, else its URL's host.")
    title: str = Field(description="Article headline.")
    url: str = Field(description="Article URL.")
    severity: float = Field(ge=0.0, le=10.0, description="The alert's severity (0-10).")
    severity_level: SeverityLevel = Field(description="The alert's severity band.")


class IncidentEvidence(BaseModel):
    """Why the incident is as severe as it is: its strongest article and that one's evidence."""

    model_config = ConfigDict(frozen=True)

    alert_id: str = Field(description="Id of the most severe member alert.")
    title: str = Field(description="Its headline.")
    url: str = Field(description="Its URL.")
    severity: float = Field(ge=0.0, le=10.0, description="Its severity (the incident's maximum).")
    categories: list[AlertCategory] = Field(
        description="Its categories with their evidence (the first three phrases of each)."
    )


class Incident(BaseModel):
    """Alerts about one real-world event from any number of outlets, grouped."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = Field(default=SCHEMA_VERSION, description="Contract version.")
    incident_id: str = Field(
        description="Deterministic id (uuid5 of grouping key and first alert id): a replay or "
        "a restart gives the same id; the Kafka key of the record."
    )
    grouping_key: str = Field(
        description="ISO alpha-3 code of the main country (dyad source, else first actor), "
        "'-' when none: alerts are grouped only within one key."
    )
    status: IncidentStatus = Field(description="firing, or resolved after a quiet period.")
    notification: NotificationKind | None = Field(
        default=None,
        description="Set when this record is a notification: firing (first, after the group "
        "wait, or when a resolved incident fires again), update (level up, new category or "
        "enough new outlets), repeat (still firing after the repeat interval), resolved. "
        "None: a state change that notifies nobody.",
    )
    notifications_sent: int = Field(
        ge=0,
        description="Notifications so far, this one included: (incident_id, notifications_sent) "
        "identifies a notification, for de-duplicating redeliveries.",
    )
    first_seen: AwareDatetime = Field(description="Earliest member publication time.")
    last_seen: AwareDatetime = Field(description="Latest member publication time.")
    resolved_at: AwareDatetime | None = Field(
        default=None, description="Event time the incident resolved at (last_seen + quiet period)."
    )
    updated_at: AwareDatetime = Field(description="Wall-clock time this record was produced.")
    article_count: int = Field(ge=1, description="Member articles (all of them, listed or not).")
    outlets: list[str] = Field(description="Distinct outlets, in the order they reported.")
    max_severity: float = Field(ge=0.0, le=10.0, description="Highest member severity.")
    max_level: SeverityLevel = Field(description="Highest member severity band.")
    categories: list[str] = Field(description="Escalation categories of all members.")
    dyad: Dyad | None = Field(default=None, description="The strongest member's dyad, if any.")
    article_ids: list[str] = Field(
        description="Article ids of the listed members (the first and the most recent), in "
        "arrival order."
    )
    alert_ids: list[str] = Field(description="Alert ids of the listed members, in arrival order.")
    members: list[IncidentMember] = Field(
        description="The timeline: one row per member alert, the first and the most recent "
        "ones (a capped list; article_count counts them all)."
    )
    members_omitted: int = Field(
        default=0,
        ge=0,
        description="Members counted in article_count but not listed (between the first and "
        "the most recent ones; 1.3).",
    )
    strongest: IncidentEvidence = Field(description="The evidence of the strongest article.")
