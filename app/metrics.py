"""Prometheus metrics, declared once. Labels use the stage ids ``validate``, ``tag``,
``detect``, so every panel and alert rule can be sliced by stage."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from schemas import DeadLetter, EscalationAlert, Stage

MESSAGES = Counter(
    "brinkwatch_messages_total",
    "Messages handled per stage and outcome (ok, alert, dead_letter).",
    ["stage", "outcome"],
)
DEAD_LETTERS = Counter(
    "brinkwatch_dead_letters_total",
    "Messages sent to the dead-letter topic, by stage and reason.",
    ["stage", "reason"],
)
PROCESSING_ERRORS = Counter(
    "brinkwatch_processing_errors_total",
    "Unexpected exceptions caught at a stage boundary, by stage and exception type: each "
    "input is dead-lettered as processing_error (a bug to look at, not data to fix).",
    ["stage", "exception"],
)
ALERTS = Counter(
    "brinkwatch_alerts_total",
    "Escalation alerts published, by severity level and category.",
    ["severity_level", "category"],
)
STAGE_SECONDS = Histogram(
    "brinkwatch_stage_seconds",
    "CPU-bound processing time of one message in a stage (excluding Kafka I/O).",
    ["stage"],
    buckets=(25e-6, 50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 1e-2, 5e-2),
)
END_TO_END_SECONDS = Histogram(
    "brinkwatch_end_to_end_seconds",
    "From the raw message's Kafka timestamp to the alert being handed to the producer.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
ALERT_LEVELS = Counter(
    "brinkwatch_alerts_by_level_total",
    "Escalation alerts published, once per alert, by severity level.",
    ["severity_level"],
)
COUNTRY_SEVERITY = Counter(
    "brinkwatch_country_severity_total",
    "Severity (0-10) of published alerts summed per actor country: escalation activity. "
    "Labels are ISO alpha-3 codes, so the series count stays bounded (~250).",
    ["country"],
)
ARTICLES_BY_LANGUAGE = Counter(
    "brinkwatch_articles_by_language_total",
    "Tagged articles reaching the detect stage, by language (ISO 639-1) and whether the "
    "escalation rules are written in it (covered=false: tagged, never matched against them).",
    ["language", "covered"],
)
PUBLISH_FAILURES = Counter(
    "brinkwatch_publish_failures_total",
    "Records the broker refused after they were buffered, by topic. A refused output's input is "
    "dead-lettered as publish_failed; on the dead-letter topic the input is lost: replay it "
    "from the logged source position.",
    ["topic"],
)
# Read from the consumer at scrape time (no per-message cost): how many fetched messages went
# to the streams inline, and how many under faust's wait_first (app.streaming.fastpath).
CONSUMER_DELIVERIES = Gauge(
    "brinkwatch_consumer_deliveries",
    "Messages the worker's consumer handed to its streams since start, by path: inline (the "
    "hand-over could not block) or guarded (faust's wait_first, as during a rebalance).",
    ["path"],
)
COMMITS_HELD = Gauge(
    "brinkwatch_consumer_commits_held",
    "Partition commits the worker's consumer held back since start because an offset handed "
    "to its streams before the acked ones was not acked yet (app/streaming/commit_guard.py); "
    "a value that keeps growing for long means a partition whose commit is stuck.",
)
# Set by the dashboard feed from the group's committed offsets, so every worker reports the
# whole group's lag: aggregate it with max, not sum.
CONSUMER_LAG = Gauge(
    "brinkwatch_consumer_lag",
    "Messages behind the end of the partition, per consumed topic partition.",
    ["topic", "partition"],
)

INCIDENT_CHANGES = Counter(
    "brinkwatch_incident_changes_total",
    "Incident records published, by notification kind (none: a state change only).",
    ["notification"],
)
NOTIFICATIONS = Counter(
    "brinkwatch_notifications_total",
    "Incident notifications sent (records with a notification kind), by kind.",
    ["kind"],
)
INCIDENT_INPUT_ERRORS = Counter(
    "brinkwatch_incident_input_errors_total",
    "Records on the alert topic the incident agents could not parse (logged, skipped).",
)
TREND_SPIKES = Counter(
    "brinkwatch_trend_spikes_total",
    "Trend spike records published, by kind (spike, ended).",
    ["kind"],
)
# Set at each tick from the books of the partitions this worker owns.
OPEN_INCIDENTS = Gauge(
    "brinkwatch_open_incidents",
    "Firing incidents in this worker's state, per partition of the keyed alert topic.",
    ["partition"],
)


def record_incident_change(notification: str | None) -> None:
    """Count one published incident record and, if it notifies, the notification."""
    INCIDENT_CHANGES.labels(notification or "none").inc()
    if notification is not None:
        NOTIFICATIONS.labels(notification).inc()


def record_stage(stage: Stage, outcome: str, seconds: float) -> None:
    """Count one handled message and its processing time."""
    MESSAGES.labels(stage, outcome).inc()
    STAGE_SECONDS.labels(stage).observe(seconds)


def record_dead_letter(letter: DeadLetter) -> None:
    """Count one dead letter by stage and reason."""
    DEAD_LETTERS.labels(letter.stage, letter.error_type).inc()


def record_alert(alert: EscalationAlert) -> None:
    """Count an alert per category, level and country; observe its end-to-end latency."""
    for category in alert.categories:
        ALERTS.labels(alert.severity_level, category.category).inc()
    ALERT_LEVELS.labels(alert.severity_level).inc()
    for country in sorted(set(alert.actors)):
        COUNTRY_SEVERITY.labels(country).inc(alert.severity)
    latency = (alert.detected_at - alert.ingested_at).total_seconds()
    END_TO_END_SECONDS.observe(max(latency, 0.0))


def record_language(language: str, covered: bool) -> None:
    """Count one article by its language and whether the rules cover it."""
    ARTICLES_BY_LANGUAGE.labels(language, "true" if covered else "false").inc()
