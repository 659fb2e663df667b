"""Escalation index per country and per dyad in hourly buckets (event time), a rolling
baseline, and spike detection with a floor and hysteresis. Pure: the incident agent and the
replay script call it.

The buckets are kept in a plain table value per entity (a sparse map from the hour's number
since 1970 to the index, compact because every alert rewrites it), not in a Faust windowed
table: Faust expires windows by wall-clock time, so a replay of older articles would find every
window already expired. Here expiry follows the entity's own event time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from app.domain.incidents.keys import NO_COUNTRY
from schemas import EscalationAlert, TrendSpike

HOUR = timedelta(hours=1)
SPIKE_ID_NAMESPACE = uuid.UUID("3e9c1a7b-4d2f-5b6e-8a0c-7f1e2d3c4b5a")
SpikeKind = Literal["spike", "ended"]


@dataclass(frozen=True, slots=True)
class TrendPolicy:
    """When an entity's escalation index is a spike.

    Attributes:
        window: the index is the sum of alert severities over this trailing window.
        baseline: the baseline is the mean index per ``window`` over this span before it.
        keep: buckets older than this (behind the entity's latest event) are dropped.
        lateness: alerts older than this behind the entity's latest event are not counted.
        floor: no spike below this index, whatever the baseline (one article never spikes).
        ratio_on: a spike starts when the index reaches this multiple of the baseline.
        ratio_off: a spike ends when the index falls under this multiple (hysteresis).
    """

    window: timedelta = timedelta(hours=24)
    baseline: timedelta = timedelta(days=28)
    keep: timedelta = timedelta(days=30)
    lateness: timedelta = timedelta(hours=6)
    floor: float = 30.0
    ratio_on: float = 3.0
    ratio_off: float = 1.5


class TrendState(BaseModel):
    """One entity's buckets and whether it is in a spike (the table value)."""

    entity: str
    buckets: dict[int, float] = Field(default_factory=dict)  # hours since 1970 -> index
    latest: datetime | None = None
    first: datetime | None = None  # the entity's first counted alert: how much past it has
    spiking: bool = False
    spike_started: datetime | None = None


@dataclass(frozen=True, slots=True)
class SpikeChange:
    """A spike started or ended for an entity, with the figures behind it."""

    kind: SpikeKind
    entity: str
    at: datetime
    index: float
    baseline: float
    started: datetime


def entities(alert: EscalationAlert, key: str) -> list[str]:
    """What the alert counts for: its grouping key's country, and its dyad (``SRC-TGT``).
    None for an alert without a country: "no country" is no place whose tension can rise."""
    if key == NO_COUNTRY:
        return []
    found = [key]
    if alert.dyad is not None and alert.dyad.target and alert.dyad.source == key:
        found.append(f"{alert.dyad.source}-{alert.dyad.target}")
    return found


def hour_of(at: datetime) -> datetime:
    """Start of the hourly bucket holding ``at`` (UTC)."""
    at = at.astimezone(UTC)
    return at.replace(minute=0, second=0, microsecond=0)


def hour_number(at: datetime) -> int:
    """The bucket of ``at`` as a number: whole hours since 1970 (UTC)."""
    return int(at.timestamp() // 3600)


def hour_start(number: int) -> datetime:
    """The start of bucket ``number`` (inverse of ``hour_number``)."""
    return datetime.fromtimestamp(number * 3600, UTC)


class TrendTracker:
    """Applies alerts to trend states; holds only the policy."""

    def __init__(self, policy: TrendPolicy) -> None:
        self.policy = policy

    def observe(self, state: TrendState, alert: EscalationAlert) -> SpikeChange | None:
        """Count one alert in its hour; return a spike start or end, if this made one."""
        at = alert.published_at
        if state.latest is not None and at < state.latest - self.policy.lateness:
            return None  # too late: the bucket is settled
        bucket = hour_number(at)
        # Rounded: a float sum's long tail of digits would be written with every alert.
        state.buckets[bucket] = round(state.buckets.get(bucket, 0.0) + alert.severity, 4)
        if state.latest is None or at > state.latest:
            state.latest = at
        if state.first is None or at < state.first:
            state.first = at
        self._expire(state)
        return self._check(state)

    def index(self, state: TrendState, at: datetime) -> float:
        """Sum of the buckets in the trailing window ending at ``at``'s hour."""
        return self._sum(state, hour_of(at) - self.policy.window + HOUR, hour_of(at))

    def baseline(self, state: TrendState, at: datetime) -> float:
        """Mean index per window over the baseline span before the current window; a young
        entity's span is its own history (0 when it has none before the window)."""
        end = hour_of(at) - self.policy.window
        span = self.policy.baseline
        if state.first is not None:
            span = min(span, end + HOUR - hour_of(state.first))
        if span <= timedelta(0):
            return 0.0
        total = self._sum(state, end - span + HOUR, end)
        return total * (self.policy.window / span)

    def _check(self, state: TrendState) -> SpikeChange | None:
        assert state.latest is not None  # set by observe
        policy, at = self.policy, state.latest
        index, baseline = self.index(state, at), self.baseline(state, at)
        if not state.spiking and index >= policy.floor and index >= policy.ratio_on * baseline:
            state.spiking, state.spike_started = True, at
            return SpikeChange("spike", state.entity, at, index, baseline, at)
        if state.spiking and (index < policy.floor / 2 or index < policy.ratio_off * baseline):
            started = state.spike_started or at
            state.spiking, state.spike_started = False, None
            return SpikeChange("ended", state.entity, at, index, baseline, started)
        return None

    def _sum(self, state: TrendState, first: datetime, last: datetime) -> float:
        low, high = hour_number(first), hour_number(last)
        return sum(value for hour, value in state.buckets.items() if low <= hour <= high)

    def _expire(self, state: TrendState) -> None:
        assert state.latest is not None
        oldest = hour_number(hour_of(state.latest) - self.policy.keep)
        state.buckets = {h: v for h, v in state.buckets.items() if h >= oldest}


def spike_record(change: SpikeChange, policy: TrendPolicy) -> TrendSpike:
    """The record to publish for a spike change."""
    return TrendSpike(
        spike_id=str(uuid.uuid5(SPIKE_ID_NAMESPACE, f"{change.entity}|{change.started}")),
        entity=change.entity,
        kind=change.kind,
        at=change.at,
        started=change.started,
        index=round(change.index, 3),
        baseline=round(change.baseline, 3),
        window_hours=int(policy.window / HOUR),
    )
