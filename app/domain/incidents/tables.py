"""Reading a ``Book`` from, and writing it back to, key-value tables (the worker's Faust tables,
the replay's dicts): one implementation of the state layout for both.

    index table:   grouping key   -> KeyIndex (a short row per open or recently resolved incident)
    states table:  incident id    -> the incident without its members and evidence (small)
                   "<id>/m<n>"    -> listed member n (0-based arrival number) and its signature
                   "<id>/s"       -> the evidence of the strongest member

Every write is one changelog record, so a step writes only what changed: the key's index when
a row changed, the small record of each changed incident, a record per new member (and a
deletion for a member that left the capped list), the evidence when the strongest member
changed; an incident that leaves the state deletes its records, an empty index is deleted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

from app.domain.incidents.state import Book, IncidentState, IndexEntry, KeyIndex

Table = MutableMapping[str, Any]
_DETAIL = {"members", "member_signatures", "strongest"}


class BuiltIncidents:
    """Incidents built from their records by earlier steps, so that a step does not validate
    again what the previous one wrote (building an incident with its members is most of
    reading it).

    An entry holds the very table value it was built from or written as, and is used only
    while the table still holds that object: a store that hands out copies (RocksDB) or a
    recovery (which rebuilds every value from the changelog) never matches, and a member
    record is only ever written with a new incident record. A step takes the entries out as it
    reads them and ``save_book`` puts them back, so a step that fails half-way leaves no entry
    of an incident it may have changed."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self.hits = 0
        self._entries: OrderedDict[str, tuple[Any, IncidentState]] = OrderedDict()

    def take(self, incident_id: str, record: Any) -> IncidentState | None:
        """The incident built from ``record`` (this very object), if one is kept."""
        entry = self._entries.pop(incident_id, None)
        if entry is None or entry[0] is not record:
            return None
        self.hits += 1
        return entry[1]

    def keep(self, incident_id: str, record: Any, incident: IncidentState) -> None:
        """``incident`` is what ``record`` holds."""
        self._entries[incident_id] = (record, incident)
        if len(self._entries) > self.capacity:
            self._entries.popitem(last=False)


def open_book(
    index: Table, states: Table, key: str, partition: int, built: BuiltIncidents | None = None
) -> Book:
    """The book of ``key`` as the tables hold it (empty when they hold nothing)."""
    stored = index.get(key)
    rows = KeyIndex.model_validate(stored) if stored else KeyIndex(key=key, partition=partition)
    # The index and the records are separate changelog topics: a worker killed between two
    # writes recovers them at different steps. The records are the truth. A row without its
    # record is dropped (the redelivered alert opens the incident again, under the same id); a
    # row behind or ahead of its record takes the record's span and state, or a redelivered
    # alert would be missed (row behind) and join a second time.
    records = {}
    stale = False
    for entry in rows.entries:
        record = states.get(entry.id)
        if not record:
            stale = True
            continue
        stale = _follow_record(entry, record) or stale
        records[entry.id] = record
    rows.entries = [entry for entry in rows.entries if entry.id in records]

    def load(incident_id: str) -> IncidentState | None:
        value = records.get(incident_id)  # read once above, for the rows
        if not value:
            return None
        kept = built.take(incident_id, value) if built is not None else None
        if kept is not None:
            return kept
        members = [states[_member_key(incident_id, n)] for n in value["member_seqs"]]
        return IncidentState.model_validate(
            {
                **{k: v for k, v in value.items() if k != "member_seqs"},
                "members": [m["member"] for m in members],
                "member_signatures": [m["sig"] for m in members],
                "strongest": states.get(f"{incident_id}/s"),
            }
        )

    book = Book(key, partition, rows, load)
    book.index_changed = stale
    book.records = records
    return book


def save_book(book: Book, index: Table, states: Table, built: BuiltIncidents | None = None) -> None:
    """Write the step's changes of ``book`` back (and keep what it built in ``built``)."""
    if built is not None:
        for incident in book.unchanged():
            record = book.records.get(incident.incident_id)
            if record is not None:
                built.keep(incident.incident_id, record, incident)
    for incident in book.written():
        incident_id = incident.incident_id
        seqs, strongest = book.origins.get(incident_id, ([], None))
        now_listed = incident.member_seqs
        listed = dict(zip(now_listed, incident.members, strict=True))
        signatures = dict(zip(now_listed, incident.member_signatures, strict=True))
        for n in now_listed:
            if n not in seqs:
                states[_member_key(incident_id, n)] = {
                    "member": listed[n].model_dump(mode="json"),
                    "sig": signatures[n],
                }
        for n in seqs:
            if n not in listed:
                del states[_member_key(incident_id, n)]
        if incident.strongest and incident.strongest.alert_id != strongest:
            states[f"{incident_id}/s"] = incident.strongest.model_dump(mode="json")
        small = incident.model_dump(mode="json", exclude=_DETAIL, exclude_defaults=True)
        record = {**small, "member_seqs": now_listed}
        states[incident_id] = record
        if built is not None:
            built.keep(incident_id, record, incident)
        kept = incident.strongest.alert_id if incident.strongest else None
        book.origins[incident_id] = (now_listed, kept)
    for incident_id in book.removed:
        seqs, _ = book.origins.get(incident_id, ([], None))
        for key in (incident_id, f"{incident_id}/s", *(_member_key(incident_id, n) for n in seqs)):
            if key in states:
                del states[key]
    if book.index_changed:
        if book.index.entries:
            index[book.key] = book.index.model_dump(mode="json", exclude_defaults=True)
        elif book.key in index:
            del index[book.key]
    book.saved()


def _follow_record(entry: IndexEntry, record: dict[str, Any]) -> bool:
    """Make the row agree with its incident's small record; whether it had to change."""
    first = datetime.fromisoformat(record["first_seen"])
    last = datetime.fromisoformat(record["last_seen"])
    resolved = record.get("status", "firing") == "resolved"
    if (entry.first, entry.last, entry.resolved) == (first, last, resolved):
        return False
    # The row's due time is as stale as the rest: due now, the next tick or alert recomputes it.
    entry.first, entry.last, entry.resolved, entry.due = first, last, resolved, first
    return True


def _member_key(incident_id: str, n: int) -> str:
    return f"{incident_id}/m{n}"
