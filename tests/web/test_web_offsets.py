"""Throughput and lag from offset snapshots (no broker)."""

from __future__ import annotations

from app.settings import Settings
from app.web.offsets import OffsetSnapshot, stage_topics, throughput

SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]
RAW, VALID, TAGGED, ALERTS = (
    SETTINGS.topics.raw,
    SETTINGS.topics.valid,
    SETTINGS.topics.tagged,
    SETTINGS.topics.alerts,
)


def snapshot(at: float, ends: dict[str, int], committed: dict[str, int]) -> OffsetSnapshot:
    """Two partitions per topic: the totals split evenly."""
    return OffsetSnapshot(
        taken_at=at,
        ends={(t, p): n // 2 for t, n in ends.items() for p in (0, 1)},
        committed={(t, p): n // 2 for t, n in committed.items() for p in (0, 1)},
    )


def test_rates_per_stage_from_two_snapshots() -> None:
    history = [
        snapshot(0.0, {RAW: 100, VALID: 80, TAGGED: 80, ALERTS: 10}, {RAW: 100, VALID: 80}),
        snapshot(30.0, {RAW: 400, VALID: 380, TAGGED: 320, ALERTS: 40}, {RAW: 400, VALID: 340}),
    ]
    rows = {r["stage"]: r for r in throughput(history, stage_topics(SETTINGS))}
    assert rows["validate"]["in_per_s"] == 10.0 and rows["validate"]["out_per_s"] == 10.0
    assert rows["validate"]["consumed_per_s"] == 10.0 and rows["validate"]["lag"] == 0
    assert rows["tag"]["consumed_per_s"] == 260 / 30 and rows["tag"]["lag"] == 40
    assert rows["detect"]["out_per_s"] == 1.0
    # No commits on the tagged topic (e.g. the fused topology): consumed and lag are unknown.
    assert rows["detect"]["consumed_per_s"] is None and rows["detect"]["lag"] is None


def test_rates_are_unknown_until_there_are_two_snapshots() -> None:
    rows = throughput([snapshot(0.0, {RAW: 10}, {RAW: 4})], stage_topics(SETTINGS))
    assert rows[0]["in_per_s"] is None and rows[0]["lag"] == 6


def test_lag_rows_per_partition() -> None:
    snap = OffsetSnapshot(taken_at=0.0, ends={(RAW, 0): 10, (RAW, 1): 5}, committed={(RAW, 0): 7})
    assert snap.lag() == [{"topic": RAW, "partition": 0, "end": 10, "committed": 7, "lag": 3}]
