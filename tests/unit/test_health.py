"""Broker state and consumer progress, the inputs of /readyz and the outage banner."""

from __future__ import annotations

from app.web.health import BrokerState, ProgressTracker


def test_broker_state_reports_changes_and_the_outage_start() -> None:
    state = BrokerState()
    assert state.describe() is None and not state.unreachable
    assert state.readiness_problem() == "broker not probed yet"
    assert state.mark(True, now=100.0) is True  # the first answer
    assert state.readiness_problem() is None
    assert state.mark(True, now=101.0) is False
    assert state.mark(False, "KafkaConnectionError: refused", now=3600.0 * 6 + 5) is True
    assert state.mark(False, "KafkaConnectionError: refused", now=3600.0 * 6 + 9) is False
    assert state.describe() == (
        "broker unreachable since 06:00:05 UTC: KafkaConnectionError: refused"
    )
    assert state.readiness_problem() == state.describe()
    assert state.as_dict() == {
        "reachable": False,
        "unreachable_since": 3600.0 * 6 + 5,
        "error": "KafkaConnectionError: refused",
    }
    assert state.mark(True, now=3600.0 * 7) is True
    assert state.describe() is None
    assert state.as_dict() == {"reachable": True, "unreachable_since": None, "error": None}


def test_progress_stalls_only_while_records_wait_and_nothing_moves() -> None:
    tracker = ProgressTracker(stall_after_s=30.0)
    tracker.observe({"p0": (10, 10), "p1": (5, 5)}, now=0.0)
    tracker.observe({"p0": (10, 10), "p1": (5, 5)}, now=100.0)
    assert tracker.stalled_for(now=100.0) is None, "idle but caught up: not stalled"
    tracker.observe({"p0": (10, 50), "p1": (5, 5)}, now=101.0)  # records arrive
    tracker.observe({"p0": (30, 50), "p1": (5, 5)}, now=120.0)  # and are consumed
    assert tracker.stalled_for(now=140.0) is None
    tracker.observe({"p0": (30, 50), "p1": (5, 5)}, now=149.0)
    assert tracker.stalled_for(now=149.0) is None  # 29 s without progress
    tracker.observe({"p0": (30, 50), "p1": (5, 5)}, now=151.0)
    assert tracker.stalled_for(now=151.0) == 31.0
    assert tracker.waiting == 20
    tracker.observe({"p0": (31, 50), "p1": (5, 5)}, now=152.0)  # it moves again
    assert tracker.stalled_for(now=152.0) is None


def test_unknown_positions_and_highwaters_do_not_count_as_waiting() -> None:
    tracker = ProgressTracker(stall_after_s=1.0)
    tracker.observe({"p0": (None, 40), "p1": (3, None)}, now=0.0)
    tracker.observe({"p0": (None, 40), "p1": (3, None)}, now=10.0)
    assert tracker.waiting == 0 and tracker.stalled_for(now=10.0) is None
