"""The dashboard's in-memory view of the stream: what the topics carried, bounded.

``Dashboard`` takes raw message values from the alert, dead-letter and tagged topics, keeps
the aggregates the page shows, and publishes live events to the browsers. It does no Kafka
I/O itself (``feed`` does), so it is tested with plain bytes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from app.settings import Settings
from app.streaming.records import StageResult
from app.web.aggregates import AlertActivity, DeadLetterLog, LatencyWindow, TopicMix
from app.web.alert_store import AlertStore
from app.web.broadcast import Broadcaster
from app.web.health import BrokerState
from app.web.offsets import OffsetSnapshot, stage_topics, throughput
from schemas import DeadLetter, EscalationAlert

log = logging.getLogger(__name__)

DEAD_LETTER_RATE_WINDOW_S = 60.0
# aiokafka retries quietly when the broker goes away; offsets that stop arriving reveal it.
OFFSETS_STALE_S = 20.0


class Dashboard:
    """Alerts, dead letters, topic mix, activity and offsets, as the page shows them."""

    def __init__(self, settings: Settings, alert_capacity: int = 500) -> None:
        self.settings = settings
        self.alerts = AlertStore(alert_capacity)
        self.activity = AlertActivity()
        self.latency = LatencyWindow()
        self.dead_letters = DeadLetterLog()
        self.topic_mix = TopicMix()
        self.broadcaster = Broadcaster()
        self.offsets: list[OffsetSnapshot] = []
        self.offsets_at: float | None = None  # monotonic time of the last snapshot
        self.feed_connected = False
        self.feed_error: str | None = None
        # Set by the HealthWatch probe (app.web.health): the outage banner, and no stale rates.
        self.broker = BrokerState()
        self.skipped = 0  # messages on our topics that did not match their contract

    # --- ingest: raw values from the topics ------------------------------------------------
    def on_alert(self, value: bytes) -> EscalationAlert | None:
        """Take one alert-topic message; publish it live when it is new."""
        try:
            alert = EscalationAlert.model_validate_json(value)
        except ValidationError:
            self._skip("alert")
            return None
        self.add_alert(alert)
        return alert

    def on_results(self, results: Iterable[StageResult], timestamp: float) -> None:
        """Take what this worker's own agent published, as objects (no Kafka, no parsing).

        The same as reading those records back from the topics: alerts, dead letters, and
        each tagged article's topics, at ``timestamp`` (when they were handed to Kafka).
        """
        for result in results:
            if result.alert is not None:
                self.add_alert(result.alert)
            if result.dead_letter is not None:
                self.dead_letters.add(result.dead_letter, timestamp)
            if result.tagged is not None:
                topics = [{"label": t.label, "score": t.score} for t in result.tagged.topics]
                self.topic_mix.add(result.tagged.article_id, topics, timestamp)

    def add_alert(self, alert: EscalationAlert) -> None:
        """Count an alert and keep it; publish it live when it is new."""
        self.activity.add(alert)
        if self.alerts.add(alert):
            self.latency.add(alert)
            if self.broadcaster.subscribers:  # its JSON form is only made for a reader
                self.broadcaster.publish("alert", self.alerts.get(alert.alert_id))

    def on_dead_letter(self, value: bytes, timestamp: float) -> None:
        """Take one DLQ message (``timestamp``: its Kafka timestamp, epoch seconds)."""
        try:
            letter = DeadLetter.model_validate_json(value)
        except ValidationError:
            self._skip("dead letter")
            return
        self.dead_letters.add(letter, timestamp)

    def on_tagged(self, value: bytes, timestamp: float) -> None:
        """Take one tagged-article message; only its id and topics are read, to stay cheap."""
        try:
            article = json.loads(value)
            self.topic_mix.add(
                str(article["article_id"]), list(article.get("topics") or []), timestamp
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            self._skip("tagged article")

    def on_offsets(self, history: list[OffsetSnapshot]) -> None:
        """Take the probe's snapshot history (newest last)."""
        self.offsets = history
        self.offsets_at = time.monotonic()

    def _skip(self, what: str) -> None:
        self.skipped += 1
        if self.skipped <= 10 or self.skipped % 1000 == 0:
            log.warning(
                "dashboard skipped a %s that does not match its contract (%d so far)",
                what,
                self.skipped,
            )

    def push_stats(self, *_: object) -> None:
        """Send the browsers fresh stats now (e.g. the moment the broker goes or comes back)."""
        if self.broadcaster.subscribers:
            self.broadcaster.publish("stats", self.stats())

    # --- views -------------------------------------------------------------------------------
    def stats(self, now: float | None = None) -> dict[str, Any]:
        """Everything the health panel and charts show, as JSON-ready data."""
        now = time.time() if now is None else now
        dead_rates = self.dead_letters.rate_per_stage(now, DEAD_LETTER_RATE_WINDOW_S)
        stages = throughput(self.offsets, stage_topics(self.settings))
        outage = self.broker.unreachable
        for row in stages:
            row["dead_letter_per_s"] = dead_rates.get(row["stage"], 0.0)
            if outage:  # the last rates describe the time before the outage, not now
                row.update(in_per_s=None, consumed_per_s=None, out_per_s=None)
        latest = self.offsets[-1] if self.offsets else None
        # Before the first snapshot (a few seconds after start) only the topic feed counts.
        fresh = self.offsets_at is None or time.monotonic() - self.offsets_at < OFFSETS_STALE_S
        return {
            "generated_at": now,
            "broker": self.broker.as_dict(),
            "feed": {
                "connected": self.feed_connected and fresh and not outage,
                "error": self.feed_error or self.broker.describe(),
                "alerts_kept": len(self.alerts),
                "skipped": self.skipped,
                "subscribers": self.broadcaster.subscribers,
            },
            "stages": stages,
            "lag": latest.lag() if latest else [],
            "latency": self.latency.summary(),
            "dead_letters": self.dead_letters.recent(),
            "severity_counts": self.activity.severity_counts(now),
            "activity": {
                "countries": self.activity.countries.series(now),
                "dyads": self.activity.dyads.series(now),
            },
            "topic_mix": self.topic_mix.recent(now),
            "facets": self.alerts.facets(),
        }
