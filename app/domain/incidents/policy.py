"""The knobs of grouping and notification, as plain values (built from settings by callers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.domain.incidents.keys import KeyBy


@dataclass(frozen=True, slots=True)
class GroupingPolicy:
    """When an alert joins an open incident of its grouping key.

    Attributes:
        max_gap: the alert's event time is at most this far from the incident's first or last
            member (either side: replays and outlets deliver out of order).
        min_similarity: estimated overlap of the text shingles with at least one
            of the incident's recent members.
        max_span: no alert joins an incident whose first alert is further than this from it:
            a long story (an election, a war) becomes a series of incidents instead of one
            that chains every related report for weeks.
        signatures_kept: how many recent members' signatures an incident keeps for matching.
        require_shared_category: the alert must share an escalation category with the
            incident (off: any category is compatible).
        key_by: which country of the alert is its grouping key: ``first_actor`` (the
            country the article names first) or ``dyad_source``.
        home_country: the grouping key of alerts that name no country (the outlets' home
            country, whose domestic reports often name none); ``-`` keeps them apart.
        members_kept: how many members (the first and the most recent) an incident lists;
            its counts stay exact. More than ``signatures_kept``: matching compares with the
            signatures of the most recent listed members.
    """

    max_gap: timedelta = timedelta(hours=36)
    min_similarity: float = 0.15
    max_span: timedelta = timedelta(hours=72)
    signatures_kept: int = 4
    require_shared_category: bool = False
    key_by: KeyBy = "dyad_source"
    home_country: str = "-"
    members_kept: int = 20


@dataclass(frozen=True, slots=True)
class NotificationPolicy:
    """Alertmanager-like notification semantics, in event time.

    Attributes:
        group_wait: the first notification waits this long after the incident's first alert,
            so that the other outlets' reports join it first.
        repeat_interval: a still-firing incident is notified again after this long.
        resolve_after: an incident with no new alert for this long is resolved.
        update_outlets: an update is sent when this many more outlets have reported since
            the last notification (level up and a new category always update).
        send_resolved: whether resolving is notified (the record is published either way).
        retain_resolved: a resolved incident stays in state this long, so that a redelivered
            alert of it is recognised instead of opening a new incident.
    """

    group_wait: timedelta = timedelta(minutes=30)
    repeat_interval: timedelta = timedelta(hours=72)
    resolve_after: timedelta = timedelta(hours=36)
    update_outlets: int = 3
    send_resolved: bool = True
    retain_resolved: timedelta = timedelta(hours=72)
