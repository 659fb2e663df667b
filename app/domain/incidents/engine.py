"""Group alerts into incidents and decide notifications, one ``Book`` (grouping key) at a time.

Membership depends only on the alerts of the key and their event times (``published_at``), so
a replay, a restart or another partitioning gives the same incidents for the same order of
alerts. Notifications are driven by a clock in event time: an alert's own time, or the
partition's clock advanced by the wall time since its last event (the agents' tick), so that a
quiet incident resolves also when no alert follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from app.domain.findings import SEVERITY_LEVELS
from app.domain.incidents.keys import grouping_key, incident_id_for
from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.incidents.similarity import shingles, signature, similarity
from app.domain.incidents.state import Book, IncidentState, Member, Strongest
from schemas import EscalationAlert, NotificationKind

EVIDENCE_KEPT = 3


@dataclass(frozen=True, slots=True)
class Change:
    """An incident after it changed, and the notification due with it (None: state only)."""

    incident: IncidentState
    notification: NotificationKind | None


class IncidentEngine:
    """Applies alerts and clock ticks to books; holds only the policies."""

    def __init__(self, grouping: GroupingPolicy, notification: NotificationPolicy) -> None:
        self.grouping = grouping
        self.notification = notification

    def key(self, alert: EscalationAlert) -> str:
        """The alert's grouping key under this policy."""
        return grouping_key(alert, self.grouping.home_country, self.grouping.key_by)

    def new_book(self, alert: EscalationAlert, partition: int = 0) -> Book:
        """A new, empty in-memory book for the alert's grouping key."""
        return Book(key=self.key(alert), partition=partition)

    def observe(self, book: Book, alert: EscalationAlert) -> list[Change]:
        """Add one alert to its book; return the incidents that changed, in order.

        A redelivered alert (a kept member of an incident) changes nothing.
        """
        at = alert.published_at
        for entry in book.index.entries:
            if entry.first <= at <= entry.last and book.get(entry.id).has_alert(alert.alert_id):
                return []
        sig = signature(shingles(alert))
        incident = self._match(book, alert, sig)
        if incident is None:
            incident = IncidentState(
                incident_id=incident_id_for(book.key, alert.alert_id),
                key=book.key,
                first_seen=at,
                last_seen=at,
            )
            _join(incident, alert, sig, self.grouping)
            book.add(incident)
            changes = [Change(incident, None)]
        else:
            reopened = incident.status == "resolved"
            _join(incident, alert, sig, self.grouping)
            changes = [Change(incident, self._on_join(incident, reopened, at))]
        book.touch(incident, self._due(incident))
        later = self.advance(book, at)
        # A later change of the same incident already carries the joined member.
        advanced = {change.incident.incident_id for change in later}
        kept = [c for c in changes if c.notification or c.incident.incident_id not in advanced]
        return kept + later

    def advance(self, book: Book, clock: datetime) -> list[Change]:
        """Move the book's clock: group waits end, repeats fall due, quiet incidents resolve,
        long-resolved ones leave the state. Only incidents whose index row is due are read.
        An incident whose group wait and quiet period both end in one step (a sparse
        partition's clock jumps) is notified, then resolved."""
        policy = self.notification
        changes: list[Change] = []
        for entry in [e for e in book.index.entries if e.due <= clock]:
            incident = book.get(entry.id)
            if incident.status == "resolved":
                if incident.resolved_at is None or clock - incident.resolved_at >= (
                    policy.retain_resolved
                ):
                    book.drop(entry.id)
                continue
            if incident.notified_at is None and clock - incident.first_seen >= policy.group_wait:
                changes.append(_notify(incident, "firing", clock))
            if clock - incident.last_seen >= policy.resolve_after:
                incident.status = "resolved"
                incident.resolved_at = incident.last_seen + policy.resolve_after
                if incident.notified_at is not None and policy.send_resolved:
                    changes.append(_notify(incident, "resolved", clock))
                else:
                    changes.append(Change(incident.snapshot(), None))
            elif (
                incident.notified_at is not None
                and clock - incident.notified_at >= policy.repeat_interval
            ):
                changes.append(_notify(incident, "repeat", clock))
            book.touch(incident, self._due(incident))
        return changes

    def _due(self, incident: IncidentState) -> datetime:
        """The next event time at which ``advance`` has something to do for the incident."""
        policy = self.notification
        if incident.status == "resolved":
            assert incident.resolved_at is not None  # set when resolving
            return incident.resolved_at + policy.retain_resolved
        due = incident.last_seen + policy.resolve_after
        if incident.notified_at is None:
            return min(due, incident.first_seen + policy.group_wait)
        return min(due, incident.notified_at + policy.repeat_interval)

    def _match(self, book: Book, alert: EscalationAlert, sig: str) -> IncidentState | None:
        """The open (or reopenable) incident this alert belongs to, if any: the most similar."""
        policy = self.grouping
        at = alert.published_at
        categories = {category.category for category in alert.categories}
        best: tuple[float, IncidentState] | None = None
        for entry in book.index.entries:
            gap = policy.max_gap
            if not entry.first - gap <= at <= entry.last + gap:
                continue  # out of order by more than the gap
            if at - entry.first > policy.max_span:
                continue  # a long story: the next chapter is a new incident
            if at - entry.last >= self.notification.resolve_after:
                continue  # quiet too long before this alert: a new incident
            incident = book.get(entry.id)
            if policy.require_shared_category and not categories & set(incident.categories):
                continue
            recent = [kept for kept in incident.member_signatures if kept]
            recent = recent[-policy.signatures_kept :]
            score = max((similarity(sig, kept) for kept in recent), default=0.0)
            if score >= policy.min_similarity and (best is None or score > best[0]):
                best = (score, incident)
        return best[1] if best else None

    def _on_join(
        self, incident: IncidentState, reopened: bool, clock: datetime
    ) -> NotificationKind | None:
        """The notification a new member brings, if the incident changed meaningfully."""
        if reopened:
            incident.status, incident.resolved_at = "firing", None
            if incident.notified_at is not None:
                _mark_notified(incident, "firing", clock)
                return "firing"
            return None
        if incident.notified_at is None:
            return None  # still in group_wait: the first notification will say it all
        level_up = incident.notified_level is not None and SEVERITY_LEVELS.index(
            incident.max_level
        ) > SEVERITY_LEVELS.index(incident.notified_level)
        new_category = bool(set(incident.categories) - set(incident.notified_categories))
        more_outlets = (
            len(incident.outlets) - incident.notified_outlets >= self.notification.update_outlets
        )
        if level_up or new_category or more_outlets:
            _mark_notified(incident, "update", clock)
            return "update"
        return None


def outlet_of(alert: EscalationAlert) -> str:
    """The outlet name: the source, else the URL's host."""
    return alert.source or urlsplit(alert.url).hostname or "unknown"


def _join(
    incident: IncidentState, alert: EscalationAlert, sig: str, policy: GroupingPolicy
) -> IncidentState:
    member = Member(
        alert_id=alert.alert_id,
        article_id=alert.article_id,
        published_at=alert.published_at,
        outlet=outlet_of(alert),
        title=alert.title,
        url=alert.url,
        severity=alert.severity,
        severity_level=alert.severity_level,
    )
    # The first member and the most recent ones: every write of the incident stays small.
    if incident.members:
        keep = policy.members_kept - 1
        recent = [*incident.members[1:], member][-keep:]
        incident.members = [incident.members[0], *recent]
        signatures = [*incident.member_signatures[1:], sig][-keep:]
        incident.member_signatures = [incident.member_signatures[0], *signatures]
    else:
        incident.members, incident.member_signatures = [member], [sig]
    incident.article_count += 1
    if member.outlet not in incident.outlets:
        incident.outlets.append(member.outlet)
    incident.first_seen = min(incident.first_seen, alert.published_at)
    incident.last_seen = max(incident.last_seen, alert.published_at)
    for category in alert.categories:
        if category.category not in incident.categories:
            incident.categories.append(category.category)
    if incident.strongest is None or alert.severity > incident.max_severity:
        incident.max_severity = alert.severity
        incident.strongest = Strongest(
            alert_id=alert.alert_id,
            title=alert.title,
            url=alert.url,
            severity=alert.severity,
            # The first few phrases per category explain it; all of them would make every
            # book write (a changelog record per alert) several kilobytes larger.
            categories=[
                category.model_copy(update={"evidence": category.evidence[:EVIDENCE_KEPT]})
                for category in alert.categories
            ],
        )
        incident.dyad = alert.dyad if alert.dyad is not None else incident.dyad
    if SEVERITY_LEVELS.index(alert.severity_level) > SEVERITY_LEVELS.index(incident.max_level):
        incident.max_level = alert.severity_level
    return incident


def _notify(incident: IncidentState, kind: NotificationKind, clock: datetime) -> Change:
    """Record a notification on the incident; the change carries a snapshot of it, so that
    two notifications in one step each publish the state they announce."""
    _mark_notified(incident, kind, clock)
    return Change(incident.snapshot(), kind)


def _mark_notified(incident: IncidentState, kind: NotificationKind, clock: datetime) -> None:
    incident.notified_at = clock
    incident.notified_level = incident.max_level
    incident.notified_categories = list(incident.categories)
    incident.notified_outlets = len(incident.outlets)
    incident.notifications += 1
    incident.last_notification = kind
