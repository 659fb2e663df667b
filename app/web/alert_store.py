"""The most recent alerts, newest first, bounded, de-duplicated by ``alert_id``.

The dashboard reads the alert topic itself (every partition), so redeliveries and several
workers writing the same story land here more than once: the deterministic ``alert_id`` makes
the second copy replace the first instead of showing twice.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from schemas import EscalationAlert, SeverityLevel

SEVERITY_LEVELS: tuple[SeverityLevel, ...] = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """What an operator asked to see; empty fields match everything."""

    severities: frozenset[str] = frozenset()
    country: str | None = None
    category: str | None = None

    def matches(self, alert: EscalationAlert) -> bool:
        """True when the alert passes every filter that is set."""
        if self.severities and alert.severity_level not in self.severities:
            return False
        if self.country and self.country not in countries_of(alert):
            return False
        return not self.category or any(c.category == self.category for c in alert.categories)


def countries_of(alert: EscalationAlert) -> set[str]:
    """Every country code the alert names: its actors and both sides of its dyad."""
    codes = set(alert.actors)
    if alert.dyad is not None:
        codes.add(alert.dyad.source)
        if alert.dyad.target:
            codes.add(alert.dyad.target)
    return codes


def dyad_label(alert: EscalationAlert) -> str | None:
    """``"PRK→KOR"``, ``"PRK"`` when the target is unknown, None without a dyad."""
    if alert.dyad is None:
        return None
    return f"{alert.dyad.source}→{alert.dyad.target}" if alert.dyad.target else alert.dyad.source


class AlertStore:
    """Keeps the ``capacity`` newest alerts (by detection time) and their JSON form."""

    def __init__(self, capacity: int = 500) -> None:
        self.capacity = capacity
        self._alerts: dict[str, EscalationAlert] = {}
        self._json: dict[str, dict[str, Any]] = {}
        # Sorted (detected_at timestamp, alert_id): eviction and newest-first listing are cheap.
        self._order: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._alerts)

    def add(self, alert: EscalationAlert) -> bool:
        """Store an alert; return False when it was already known (a redelivery)."""
        known = alert.alert_id in self._alerts
        if known:
            self._order.remove(self._sort_key(self._alerts[alert.alert_id]))
        self._alerts[alert.alert_id] = alert
        # The JSON form is made when first asked for: in a fast stream most alerts are
        # evicted before anyone reads them, and model_dump is the dearest step here.
        self._json.pop(alert.alert_id, None)
        bisect.insort(self._order, self._sort_key(alert))
        while len(self._order) > self.capacity:
            _, oldest = self._order.pop(0)
            del self._alerts[oldest]
            self._json.pop(oldest, None)
        return not known

    def get(self, alert_id: str) -> dict[str, Any] | None:
        """The JSON form of one alert, or None when unknown or evicted."""
        alert = self._alerts.get(alert_id)
        return None if alert is None else self._json_of(alert)

    def newest(self, wanted: AlertFilter, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` alerts passing the filter, newest first."""
        found: list[dict[str, Any]] = []
        for _, alert_id in reversed(self._order):
            if len(found) >= limit:
                break
            if wanted.matches(self._alerts[alert_id]):
                found.append(self._json_of(self._alerts[alert_id]))
        return found

    def facets(self) -> dict[str, list[str]]:
        """The countries and categories present, to fill the filter menus."""
        countries: set[str] = set()
        categories: set[str] = set()
        for alert in self._alerts.values():
            countries |= countries_of(alert)
            categories.update(c.category for c in alert.categories)
        return {"countries": sorted(countries), "categories": sorted(categories)}

    def alerts(self) -> Iterable[EscalationAlert]:
        """Every stored alert, in no particular order."""
        return self._alerts.values()

    def _json_of(self, alert: EscalationAlert) -> dict[str, Any]:
        found = self._json.get(alert.alert_id)
        if found is None:
            found = self._json[alert.alert_id] = alert.model_dump(mode="json")
        return found

    @staticmethod
    def _sort_key(alert: EscalationAlert) -> tuple[float, str]:
        return (alert.detected_at.timestamp(), alert.alert_id)
