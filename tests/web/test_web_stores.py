"""The dashboard's bounded in-memory stores and aggregates (no broker)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.domain.pipeline import Pipeline
from app.settings import Settings
from app.streaming.records import SourceRecord, StageResult
from app.streaming.stages import fused_stages
from app.web.aggregates import (
    BUCKET_S,
    HISTORY_BUCKETS,
    AlertActivity,
    BucketedCounter,
    DeadLetterLog,
    LatencyWindow,
    SeenIds,
    TopicMix,
)
from app.web.alert_store import AlertFilter, AlertStore
from app.web.dashboard import Dashboard
from tests.support.factories import NOW, make_alert, make_dead_letter, raw_article


def test_store_lists_newest_first_and_evicts_the_oldest() -> None:
    store = AlertStore(capacity=3)
    for minute in range(5):
        store.add(make_alert(f"a{minute}", detected_at=NOW + timedelta(minutes=minute)))
    listed = [a["alert_id"] for a in store.newest(AlertFilter(), limit=10)]
    assert listed == ["a4", "a3", "a2"]
    assert store.get("a0") is None and len(store) == 3


def test_store_replaces_a_redelivered_alert_instead_of_duplicating_it() -> None:
    store = AlertStore()
    assert store.add(make_alert("same"))
    assert not store.add(make_alert("same", title="Updated"))
    [only] = store.newest(AlertFilter(), limit=10)
    assert only["title"] == "Updated"


def test_store_filters_by_severity_country_and_category() -> None:
    store = AlertStore()
    store.add(make_alert("korea"))
    store.add(make_alert("iran", actors=["IRN", "USA"], dyad=None, severity_level="critical"))

    def ids(wanted: AlertFilter) -> list[str]:
        return [a["alert_id"] for a in store.newest(wanted, limit=10)]

    assert ids(AlertFilter(severities=frozenset({"critical"}))) == ["iran"]
    assert ids(AlertFilter(country="PRK")) == ["korea"]
    # Same detection time: ties are broken by id, so the order is stable.
    assert ids(AlertFilter(category="threaten")) == ["korea", "iran"]
    assert ids(AlertFilter(category="fight")) == []
    assert store.facets() == {"countries": ["IRN", "KOR", "PRK", "USA"], "categories": ["threaten"]}


def test_buckets_keep_only_the_history_window() -> None:
    counter = BucketedCounter()
    start = NOW.timestamp()
    for i in range(HISTORY_BUCKETS + 10):
        counter.add(start + i * BUCKET_S, "PRK", 1.0)
    series = counter.series(start + (HISTORY_BUCKETS + 9) * BUCKET_S)
    assert len(series["starts"]) == HISTORY_BUCKETS
    assert series["series"]["PRK"] == [1.0] * HISTORY_BUCKETS
    assert len(counter._buckets) == HISTORY_BUCKETS


def test_activity_weights_by_severity_and_counts_an_alert_once() -> None:
    activity = AlertActivity()
    activity.add(make_alert("a", severity=6.0))
    activity.add(make_alert("a", severity=6.0))  # redelivered
    activity.add(make_alert("b", severity=2.0, severity_level="medium"))
    now = NOW.timestamp()
    countries = activity.countries.series(now)["series"]
    assert countries["PRK"][-1] == 8.0 and countries["KOR"][-1] == 8.0
    assert activity.dyads.series(now)["series"]["PRK→KOR"][-1] == 8.0
    assert activity.severity_counts(now) == {"low": 0, "medium": 1, "high": 1, "critical": 0}


def test_activity_sums_everything_beyond_the_top_series_into_other() -> None:
    activity = AlertActivity()
    for i, code in enumerate(["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH"]):
        activity.add(make_alert(f"x{i}", actors=[code], dyad=None, severity=float(i + 1)))
    series = activity.countries.series(NOW.timestamp())["series"]
    assert list(series)[:2] == ["HHH", "GGG"] and "AAA" not in series
    assert series["other"][-1] == 1.0 + 2.0


def test_seen_ids_are_bounded() -> None:
    seen = SeenIds(capacity=2)
    assert seen.first_time("a") and seen.first_time("b") and seen.first_time("c")
    assert seen.first_time("a")  # forgotten: only the last two are remembered
    assert not seen.first_time("c")


def test_topic_mix_counts_confident_topics() -> None:
    mix = TopicMix()
    topics = [{"label": "politics", "score": 0.9}, {"label": "sport", "score": 0.1}]
    mix.add("1", topics, NOW.timestamp())
    mix.add("1", topics, NOW.timestamp())
    mix.add("2", [], NOW.timestamp())
    assert mix.recent(NOW.timestamp()) == [
        {"label": "(no topic)", "count": 1},
        {"label": "politics", "count": 1},
    ]


def test_latency_percentiles_by_nearest_rank() -> None:
    window = LatencyWindow()
    assert window.summary() == {"count": 0, "p50_s": None, "p99_s": None}
    for i in range(1, 101):
        window.add(make_alert(f"l{i}", ingested_at=NOW - timedelta(seconds=i)))
    assert window.summary() == {"count": 100, "p50_s": 50.0, "p99_s": 99.0}


def test_dead_letter_log_keeps_the_latest_without_payloads() -> None:
    log = DeadLetterLog(capacity=2)
    for reason in ("malformed_json", "empty_body", "invalid_url"):
        log.add(make_dead_letter(reason), NOW.timestamp())
    recent = log.recent()
    assert [d["error_type"] for d in recent] == ["invalid_url", "empty_body"]
    assert "payload_base64" not in recent[0]
    rates = log.rate_per_stage(NOW.timestamp(), 60.0)
    assert rates == {"validate": 3 / 60.0, "tag": 0.0, "detect": 0.0}


def test_dashboard_skips_messages_that_break_their_contract() -> None:
    dashboard = Dashboard(Settings(_env_file=None))  # type: ignore[call-arg]
    assert dashboard.on_alert(b"{not json") is None
    dashboard.on_dead_letter(b"[]", NOW.timestamp())
    dashboard.on_tagged(b"42", NOW.timestamp())
    assert dashboard.skipped == 3
    alert = make_alert("ok")
    assert dashboard.on_alert(alert.model_dump_json().encode()) == alert
    stats = dashboard.stats(now=NOW.timestamp())
    json.dumps(stats)  # the stats are plain JSON
    assert stats["feed"]["alerts_kept"] == 1 and stats["latency"]["count"] == 1
    assert [s["stage"] for s in stats["stages"]] == ["validate", "tag", "detect"]


def test_results_handed_over_in_process_show_as_if_read_from_the_topics() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    body = "Heavy rain flooded the market square; the council opened two shelters."
    record = SourceRecord("raw", 0, 7, None, raw_article("rain", "Rain floods town", body))
    results = fused_stages(Pipeline.from_settings(settings), record, datetime.now(UTC))
    [tagged] = [r.tagged for r in results if r.tagged is not None]
    from_topics, in_process = Dashboard(settings), Dashboard(settings)
    from_topics.on_tagged(tagged.model_dump_json().encode(), NOW.timestamp())
    in_process.on_results(results, NOW.timestamp())
    letter, alert = make_dead_letter(), make_alert("a1")
    from_topics.on_dead_letter(letter.model_dump_json().encode(), NOW.timestamp())
    from_topics.on_alert(alert.model_dump_json().encode())
    in_process.on_results(
        [StageResult("validate", dead_letter=letter), StageResult("detect", alert=alert)],
        NOW.timestamp(),
    )
    for dashboard in (from_topics, in_process):
        assert dashboard.skipped == 0
    now = NOW.timestamp()
    assert in_process.topic_mix.recent(now) == from_topics.topic_mix.recent(now)
    assert in_process.topic_mix.recent(now), "the tagged article counted"
    assert in_process.dead_letters.recent() == from_topics.dead_letters.recent()
    assert len(in_process.alerts) == len(from_topics.alerts) == 1
    assert in_process.activity.severity_counts(now) == from_topics.activity.severity_counts(now)
