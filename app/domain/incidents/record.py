"""An incident's state as the published contract."""

from __future__ import annotations

from datetime import datetime

from app.domain.incidents.engine import Change
from schemas import Incident


def incident_record(change: Change, now: datetime) -> Incident:
    """The record to publish for one change (``now``: wall-clock time of publishing)."""
    state = change.incident
    if state.strongest is None:  # a state always has at least one member
        raise ValueError(f"incident {state.incident_id} has no members")
    return Incident(
        incident_id=state.incident_id,
        grouping_key=state.key,
        status=state.status,
        notification=change.notification,
        notifications_sent=state.notifications,
        first_seen=state.first_seen,
        last_seen=state.last_seen,
        resolved_at=state.resolved_at,
        updated_at=now,
        article_count=state.article_count,
        outlets=list(state.outlets),
        max_severity=state.max_severity,
        max_level=state.max_level,
        categories=list(state.categories),
        dyad=state.dyad,
        article_ids=[member.article_id for member in state.members],
        alert_ids=[member.alert_id for member in state.members],
        members=list(state.members),
        members_omitted=state.members_omitted,
        strongest=state.strongest,
    )
