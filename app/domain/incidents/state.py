"""Incident state as kept in the tables: one small ``KeyIndex`` per grouping key and one
``IncidentState`` per incident.

Every table write is one changelog record, so the layout keeps each write small: an alert
rewrites its key's index (a few short rows, one per open or recently resolved incident) and
the one incident it joined, whose member list is capped (counts stay exact). A ``Book`` is the
working view of one key during a step: it reads incidents through a loader as the engine needs
them and remembers which ones changed or left, for the caller to write back.

Pydantic models so that the tables store plain JSON and a restart validates what it reads back
from the changelog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_serializer

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
    """One incident: its (capped) members, what it amounts to, and what was last notified."""

    incident_id: str
    key: str
    status: IncidentStatus = "firing"
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    # The first member and the most recent ones (GroupingPolicy.members_kept); the counts below
    # are exact. A redelivery is recognised among the kept members: redeliveries after a
    # restart are the most recent alerts (those after the last committed offset).
    members: list[IncidentMember] = Field(default_factory=list)
    article_count: int = 0
    outlets: list[str] = Field(default_factory=list)  # distinct, in the order they reported
    max_severity: float = 0.0
    max_level: SeverityLevel = "low"
    categories: list[str] = Field(default_factory=list)
    dyad: Dyad | None = None
    strongest: IncidentEvidence | None = None
    # The MinHash signature of each listed member ("" for a text without content words).
    member_signatures: list[str] = Field(default_factory=list)
    # What the last notification said (None: nothing notified yet, group_wait running).
    notified_at: datetime | None = None
    notified_level: SeverityLevel | None = None
    notified_categories: list[str] = Field(default_factory=list)
    notified_outlets: int = 0
    notifications: int = 0
    last_notification: NotificationKind | None = None

    @property
    def members_omitted(self) -> int:
        """Members counted but no longer listed (beyond the cap)."""
        return self.article_count - len(self.members)

    @property
    def member_seqs(self) -> list[int]:
        """Arrival numbers (0-based) of the listed members: the first and the most recent."""
        if not self.members:
            return []
        return [0, *range(self.article_count - len(self.members) + 1, self.article_count)]

    def snapshot(self) -> IncidentState:
        """A copy that later steps cannot change. The steps change an incident by assigning
        its fields and appending to its lists; the items of those lists and its nested models
        are strings and frozen models, so copying the lists is enough (a deep copy was the
        largest cost of a notification under cProfile)."""
        fields = self.__dict__.items()
        return self.model_copy(update={k: list(v) for k, v in fields if isinstance(v, list)})

    def has_alert(self, alert_id: str) -> bool:
        """Whether this alert is a kept member (a redelivery)."""
        return any(member.alert_id == alert_id for member in self.members)


class IndexEntry(BaseModel):
    """What the engine needs to know of an incident without reading it: its event-time span,
    whether it is resolved, and when it next needs a look (a notice or resolution falls due,
    or, resolved, when it leaves the state)."""

    id: str
    first: datetime
    last: datetime
    due: datetime
    resolved: bool = False

    @field_serializer("first", "last", "due")
    def _compact(self, at: datetime) -> int | str:
        # Whole seconds as a Unix time (read back as UTC), else ISO: the index is rewritten
        # at every alert of its key, so its rows are kept short.
        stamp = at.timestamp()
        return int(stamp) if stamp.is_integer() and at.utcoffset() is not None else at.isoformat()


class KeyIndex(BaseModel):
    """The open and recently resolved incidents of one grouping key (the index table value)."""

    key: str
    partition: int = 0
    entries: list[IndexEntry] = Field(default_factory=list)


class Book:
    """One grouping key's incidents during a step: the index, the incidents read so far,
    and which ones changed (to write) or left the state (to delete)."""

    def __init__(
        self,
        key: str,
        partition: int = 0,
        index: KeyIndex | None = None,
        load: Callable[[str], IncidentState | None] | None = None,
    ) -> None:
        self.index = index or KeyIndex(key=key, partition=partition)
        self.key, self.partition = key, self.index.partition
        self._load = load or (lambda _id: None)
        self._cache: dict[str, IncidentState] = {}
        # What the tables held of each incident read (listed member numbers, strongest alert),
        # so that only what changed is written back.
        self.origins: dict[str, tuple[list[int], str | None]] = {}
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        self.index_changed = False
        # The table values of the incidents when the book was opened (by incident id).
        self.records: dict[str, Any] = {}

    def get(self, incident_id: str) -> IncidentState:
        """The incident (read once per step through the loader)."""
        found = self._cache.get(incident_id)
        if found is None:
            found = self._load(incident_id)
            if found is None:  # an index row always has its record (written in one step)
                raise KeyError(f"incident {incident_id} of key {self.key} has no record")
            self._cache[incident_id] = found
            strongest = found.strongest.alert_id if found.strongest else None
            self.origins[incident_id] = (found.member_seqs, strongest)
        return found

    def add(self, incident: IncidentState) -> None:
        """A new incident of this key."""
        self._cache[incident.incident_id] = incident
        self.index.entries.append(
            IndexEntry(
                id=incident.incident_id,
                first=incident.first_seen,
                last=incident.last_seen,
                due=incident.first_seen,
            )
        )
        self.touch(incident, incident.first_seen)

    def touch(self, incident: IncidentState, due: datetime) -> None:
        """The incident changed: write it, and its index row with its next due time."""
        self.changed.add(incident.incident_id)
        for entry in self.index.entries:
            if entry.id == incident.incident_id:
                entry.first, entry.last = incident.first_seen, incident.last_seen
                entry.resolved, entry.due = incident.status == "resolved", due
        self.index_changed = True

    def drop(self, incident_id: str) -> None:
        """The incident leaves the state (resolved long enough ago)."""
        self.index.entries = [e for e in self.index.entries if e.id != incident_id]
        self._cache.pop(incident_id, None)
        self.changed.discard(incident_id)
        self.removed.add(incident_id)
        self.index_changed = True

    def written(self) -> Iterator[IncidentState]:
        """The incidents changed in this step (to write back)."""
        return (self._cache[incident_id] for incident_id in sorted(self.changed))

    def unchanged(self) -> Iterator[IncidentState]:
        """The incidents read in this step and left as they were."""
        return (
            incident
            for incident_id, incident in self._cache.items()
            if incident_id not in self.changed and incident_id not in self.removed
        )

    @property
    def incidents(self) -> list[IncidentState]:
        """Every incident of the key, read in index order (for tests and evaluation)."""
        return [self.get(entry.id) for entry in self.index.entries]

    def saved(self) -> None:
        """The caller wrote the changes back: start a new step."""
        self.changed.clear()
        self.removed.clear()
        self.index_changed = False
