"""The operator's view of incidents and trends: the latest state of each incident, the spike
records, and the escalation index per entity (hourly, from the alerts, with the same domain
code as the worker's trend table). No Kafka I/O here (``incident_feed`` does it): tested with
plain bytes."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from pydantic import ValidationError

from app.domain.incidents.keys import main_country
from app.domain.trends import TrendPolicy, TrendState, TrendTracker, entities, hour_start
from schemas import EscalationAlert, Incident, TrendSpike

TOP_ENTITIES = 6


class IncidentView:
    """Bounded in-memory view: ``capacity`` incidents, ``spike_capacity`` spikes."""

    def __init__(
        self, policy: TrendPolicy, capacity: int = 1000, spike_capacity: int = 200
    ) -> None:
        self.capacity, self.spike_capacity = capacity, spike_capacity
        self._incidents: OrderedDict[str, Incident] = OrderedDict()
        self._spikes: list[TrendSpike] = []
        self._tracker = TrendTracker(policy)
        self._trends: dict[str, TrendState] = {}
        self.skipped = 0

    def on_incident(self, value: bytes) -> None:
        """Take one record of the incidents topic (the latest state replaces the older)."""
        try:
            incident = Incident.model_validate_json(value)
        except ValidationError:
            self.skipped += 1
            return
        self.add_incident(incident)

    def add_incident(self, incident: Incident) -> None:
        """Take one incident record as an object (this worker's own, handed over in-process)."""
        self._incidents.pop(incident.incident_id, None)
        self._incidents[incident.incident_id] = incident
        while len(self._incidents) > self.capacity:
            self._incidents.popitem(last=False)

    def on_spike(self, value: bytes) -> None:
        """Take one record of the trend topic."""
        try:
            spike = TrendSpike.model_validate_json(value)
        except ValidationError:
            self.skipped += 1
            return
        self._spikes = [*self._spikes, spike][-self.spike_capacity :]

    def on_alert(self, value: bytes) -> None:
        """Take one alert: it counts in its entities' index."""
        try:
            alert = EscalationAlert.model_validate_json(value)
        except ValidationError:
            self.skipped += 1
            return
        self.add_alert(alert)

    def add_alert(self, alert: EscalationAlert) -> None:
        """Take one alert as an object (this worker's own, handed over in-process)."""
        for entity in entities(alert, main_country(alert)):
            state = self._trends.setdefault(entity, TrendState(entity=entity))
            self._tracker.observe(state, alert)

    def incidents(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Incidents, most recently seen first, optionally only ``firing`` or ``resolved``."""
        found = [i for i in self._incidents.values() if status is None or i.status == status]
        found.sort(key=lambda i: i.last_seen, reverse=True)
        return [i.model_dump(mode="json") for i in found[:limit]]

    def trends(self) -> dict[str, Any]:
        """The hourly index of the most active entities, and the spikes."""
        ranked = sorted(self._trends.values(), key=lambda s: sum(s.buckets.values()), reverse=True)
        series = {
            state.entity: [
                [hour_start(hour).isoformat(), round(value, 3)]
                for hour, value in sorted(state.buckets.items())
            ]
            for state in ranked[:TOP_ENTITIES]
        }
        return {
            "window_hours": int(self._tracker.policy.window.total_seconds() // 3600),
            "index": series,
            "spikes": [s.model_dump(mode="json") for s in self._spikes],
        }
