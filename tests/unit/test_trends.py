"""Escalation index, baseline and spikes (pure domain)."""

from __future__ import annotations

from app.domain.trends import TrendPolicy, TrendState, TrendTracker, entities, spike_record
from tests.support.incidents import make_alert

POLICY = TrendPolicy(floor=20.0, ratio_on=3.0, ratio_off=1.5)


def feed(tracker: TrendTracker, state: TrendState, hours: list[float], severity: float) -> list:
    changes = []
    for n, hour in enumerate(hours):
        alert = make_alert(f"x{hour}-{n}", "t", minutes=hour * 60, severity=severity)
        change = tracker.observe(state, alert)
        if change:
            changes.append(change)
    return changes


def test_entities_are_the_key_country_and_its_dyad() -> None:
    assert entities(make_alert("a", "t", dyad=("PRK", "KOR")), "PRK") == ["PRK", "PRK-KOR"]
    assert entities(make_alert("a", "t", dyad=None), "PRK") == ["PRK"]
    assert entities(make_alert("a", "t", dyad=None, actors=()), "-") == []


def test_one_article_never_spikes() -> None:
    tracker, state = TrendTracker(POLICY), TrendState(entity="PRK")
    assert feed(tracker, state, [0.0], severity=9.0) == []


def test_burst_over_a_quiet_baseline_spikes_once_then_ends() -> None:
    tracker, state = TrendTracker(POLICY), TrendState(entity="PRK")
    quiet = [24.0 * day for day in range(20)]  # one alert a day for 20 days
    assert feed(tracker, state, quiet, severity=4.0) == []
    burst = [24.0 * 20 + h / 4 for h in range(12)]  # twelve alerts in three hours
    changes = feed(tracker, state, burst, severity=6.0)
    assert [c.kind for c in changes] == ["spike"]  # hysteresis: no flapping inside the burst
    spike = changes[0]
    assert spike.index >= POLICY.floor and spike.index >= 3 * spike.baseline
    later = feed(tracker, state, [24.0 * 23], severity=4.0)  # days later, quiet again
    assert [c.kind for c in later] == ["ended"]
    record = spike_record(later[0], POLICY)
    assert record.spike_id == spike_record(spike, POLICY).spike_id
    assert record.window_hours == 24


def test_steady_high_activity_is_not_a_spike() -> None:
    tracker, state = TrendTracker(POLICY), TrendState(entity="SYR")
    hours = [h * 2.0 for h in range(12 * 30)]  # every two hours for 30 days
    changes = feed(tracker, state, hours, severity=5.0)
    # The start is a spike over an empty past; once the baseline has caught up it ends, and
    # steady activity never spikes again.
    assert [c.kind for c in changes] == ["spike", "ended"]
    assert changes[1].at.day < 5 and not state.spiking


def test_late_alert_is_not_counted_and_old_buckets_expire() -> None:
    tracker, state = TrendTracker(POLICY), TrendState(entity="PRK")
    feed(tracker, state, [100.0], severity=5.0)
    feed(tracker, state, [90.0], severity=5.0)  # 10 h late, lateness is 6 h
    assert sum(state.buckets.values()) == 5.0
    feed(tracker, state, [100.0 + 24 * 31], severity=5.0)
    assert len(state.buckets) == 1
