"""The one settings class. Every knob is an environment variable ``BRINKWATCH_<NAME>``;
nested groups use ``__`` (e.g. ``BRINKWATCH_TOPICS__ALERTS``). ``.env.example`` lists them all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain.incidents.policy import GroupingPolicy, NotificationPolicy
from app.domain.trends import TrendPolicy
from schemas.alert import SeverityLevel


class TopicNames(BaseModel):
    """Kafka topic names, declared once here."""

    raw: str = Field(default="articles.raw", description="Input: articles as JSON from producers.")
    valid: str = Field(default="articles.valid", description="Validated, normalised articles.")
    tagged: str = Field(default="articles.tagged", description="Articles with topics and actors.")
    alerts: str = Field(default="alerts.escalation", description="Escalation alerts.")
    dlq: str = Field(default="articles.dlq", description="Dead letters from every stage.")
    alerts_by_key: str = Field(
        default="alerts.by-incident-key",
        description="Alerts repartitioned by incident grouping key (intermediate, internal).",
    )
    incidents: str = Field(
        default="incidents",
        description="Incidents (compacted, keyed by incident id): the latest state of each.",
    )
    trend: str = Field(default="alerts.trend", description="Escalation index spike alerts.")


class IncidentSettings(BaseModel):
    """Grouping alerts into incidents and notifying about them (docs/incidents.md)."""

    enabled: bool = Field(
        default=False, description="Run the incident agents (grouping, trends) in the worker."
    )
    store: Literal["memory", "rocksdb"] = Field(
        default="memory",
        description="Table store: memory (rebuilt from the changelog topics at start) or "
        "rocksdb (on disk under data_dir, via rocksdict; faster restarts).",
    )
    max_gap_h: float = Field(
        default=36.0, gt=0, description="An alert joins an incident within this many hours."
    )
    max_span_h: float = Field(
        default=72.0,
        gt=0,
        description="No alert joins an incident whose first alert is more hours away.",
    )
    min_similarity: float = Field(
        default=0.06,
        ge=0.0,
        le=1.0,
        description="Minimum overlap of headline + lead words (MinHash estimate); tuned "
        "on half of tests/data/incident_pairs.jsonl (docs/incidents.md).",
    )
    key_by: Literal["headline", "first_actor", "dyad_source"] = Field(
        default="headline",
        description="The grouping key: the first country the headline names other than "
        "home_country (else the most named one), the most named country, or the dyad's "
        "source; alerts are grouped only within one key.",
    )
    home_country: str = Field(
        default="USA",
        description="Grouping key of alerts that name no country: the outlets' home country, "
        "whose domestic reports often name none ('-': such alerts only group together).",
    )
    members_kept: int = Field(
        default=20,
        ge=5,
        description="Members an incident lists (the first and the most recent; more than the "
        "4 whose text is compared); its counts stay exact.",
    )
    group_wait_s: float = Field(
        default=1800.0, ge=0, description="Event-time wait before an incident's first notice."
    )
    repeat_interval_s: float = Field(
        default=259_200.0,
        gt=0,
        description="A still-firing incident is notified again after this (longer than "
        "resolve_after: only incidents that keep receiving alerts repeat).",
    )
    resolve_after_s: float = Field(
        default=129_600.0,
        gt=0,
        description="No new alert for this long (event time): the incident resolves; a later "
        "alert opens a new one.",
    )
    update_outlets: int = Field(
        default=3, ge=1, description="This many more outlets since the last notice: an update."
    )
    send_resolved: bool = Field(default=True, description="Whether resolving is a notification.")
    tick_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="Wall-clock period of the tick that advances quiet partitions' clocks.",
    )

    trend_floor: float = Field(
        default=12.0,
        ge=0,
        description="No trend spike below this index (sum of severities over 24 h); above the "
        "highest severity (10), so one article never makes a spike.",
    )
    trend_ratio_on: float = Field(
        default=3.0, gt=1, description="A spike starts at this multiple of the baseline."
    )
    trend_ratio_off: float = Field(
        default=1.5, gt=0, description="A spike ends under this multiple (hysteresis)."
    )
    trend_lateness_h: float = Field(
        default=6.0, ge=0, description="Alerts later than this (event time) miss the trend."
    )

    def trend(self) -> TrendPolicy:
        """The trend policy these settings describe."""
        return TrendPolicy(
            lateness=timedelta(hours=self.trend_lateness_h),
            floor=self.trend_floor,
            ratio_on=self.trend_ratio_on,
            ratio_off=self.trend_ratio_off,
        )

    def grouping(self) -> GroupingPolicy:
        """The grouping policy these settings describe."""
        return GroupingPolicy(
            max_gap=timedelta(hours=self.max_gap_h),
            min_similarity=self.min_similarity,
            max_span=timedelta(hours=self.max_span_h),
            key_by=self.key_by,
            home_country=self.home_country,
            members_kept=self.members_kept,
        )

    def notification(self) -> NotificationPolicy:
        """The notification policy these settings describe."""
        return NotificationPolicy(
            group_wait=timedelta(seconds=self.group_wait_s),
            repeat_interval=timedelta(seconds=self.repeat_interval_s),
            resolve_after=timedelta(seconds=self.resolve_after_s),
            update_outlets=self.update_outlets,
            send_resolved=self.send_resolved,
            retain_resolved=timedelta(seconds=self.resolve_after_s) * 2,
        )


class LocalBroker(BaseModel):
    """The local Apache Kafka broker that ``brinkwatch kafka start`` runs (KRaft, one node)."""

    kafka_version: str = Field(default="4.1.1", description="Apache Kafka release from Maven.")
    port: int = Field(default=19092, description="PLAINTEXT port on 127.0.0.1.")
    controller_port: int = Field(default=19093, description="KRaft controller port.")
    home: Path = Field(
        default=Path.home() / ".cache" / "brinkwatch" / "kafka",
        description="Cache for jars, data and logs (outside the repository).",
    )
    heap: str = Field(default="512m", description="Broker JVM max heap.")
    start_timeout_s: float = Field(default=120.0, description="How long to wait for readiness.")


class DashboardPlacement(BaseModel):
    """Where the operator dashboard runs: inside every worker, or as its own process."""

    in_worker: bool = Field(
        default=True,
        description="Each worker serves the dashboard (page, API, events) and runs its Kafka "
        "feed. false: workers serve only /healthz, /readyz and /metrics, and one "
        "`brinkwatch dashboard` serves it for the whole stream (docs/dashboard.md).",
    )
    port: int = Field(
        default=6067,
        description="Port of `brinkwatch dashboard` (bound on web_host); differs from "
        "web_port so it can run beside a worker on one host with the same settings.",
    )


class Settings(BaseSettings):
    """brinkwatch configuration, read from the environment (and ``.env`` if present)."""

    model_config = SettingsConfigDict(
        env_prefix="BRINKWATCH_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
    )

    # --- Kafka connection -------------------------------------------------------------------
    bootstrap_servers: str | None = Field(
        default=None,
        description="Comma-separated host:port list. Unset: use the local broker "
        "(127.0.0.1:<local_broker.port>).",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="How to talk to the brokers."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        default=None, description="SASL mechanism for SASL_* protocols (PLAIN when unset)."
    )
    sasl_username: str | None = Field(default=None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(default=None, description="SASL password (secret).")
    ssl_cafile: Path | None = Field(default=None, description="CA bundle for SSL/SASL_SSL.")
    ssl_certfile: Path | None = Field(default=None, description="Client certificate (mTLS).")
    ssl_keyfile: Path | None = Field(default=None, description="Client key (mTLS).")
    local_broker: LocalBroker = Field(
        default_factory=LocalBroker, description="The local broker run by `brinkwatch kafka`."
    )

    # --- Topology -----------------------------------------------------------------------------
    app_id: str = Field(default="brinkwatch", description="Faust app id = consumer group prefix.")
    topics: TopicNames = Field(default_factory=TopicNames, description="Topic names.")
    partitions: int = Field(default=3, ge=1, description="Partitions for the topics we create.")
    replication_factor: int = Field(default=1, ge=1, description="Replication of our topics.")
    topology: Literal["staged", "fused"] = Field(
        default="fused",
        description="staged: one agent per stage, each consuming the previous stage's topic. "
        "fused: one agent runs all stages on the raw topic and publishes the same topics; "
        "the default, as it costs less CPU and latency (docs/benchmarks.md).",
    )

    # --- Validation ---------------------------------------------------------------------------
    max_article_bytes: int = Field(
        default=512_000,
        ge=1024,
        description="Larger raw messages are dead-lettered. Kept well under Kafka's 1 MB "
        "default message limit, so the valid and tagged records built from an article still fit.",
    )
    max_future_skew_s: float = Field(
        default=86_400.0, description="published_at further than this in the future is rejected."
    )
    oldest_published_at: datetime = Field(
        default=datetime(1990, 1, 1, tzinfo=UTC),
        description="published_at before this is rejected as invalid_timestamp (epoch and "
        "placeholder dates are not news). A date or time without a zone is UTC.",
    )
    default_language: str = Field(default="en", description="When detection is inconclusive.")

    # --- Detection ----------------------------------------------------------------------------
    alert_min_level: SeverityLevel = Field(
        default="medium", description="Articles at or above this severity level raise alerts."
    )
    rules_path: Path | None = Field(
        default=None,
        description="Operator's own rules YAML; unset uses the rules shipped in the package.",
    )
    judgement: Literal["learned", "rules", "off"] = Field(
        default="learned",
        description="Article-level judgement (docs/escalation.md): `learned` scores the main "
        "event and the article's cues with the judgement model, `rules` caps background and "
        "stateless main events at medium, `off` keeps the hits' own severity and dyad.",
    )
    judgement_model_path: Path | None = Field(
        default=None,
        description="Judgement model JSON for `learned` (scripts/build_judgement_model.py); "
        "unset uses the model shipped in the package.",
    )

    # --- Incidents and trends -------------------------------------------------------------------
    incidents: IncidentSettings = Field(
        default_factory=IncidentSettings, description="Incident grouping and notification."
    )

    # --- Worker and web -----------------------------------------------------------------------
    web_host: str = Field(
        default="127.0.0.1",
        description="Bind address of the worker's web server and of `brinkwatch dashboard`.",
    )
    web_port: int = Field(
        default=6066,
        description="Worker's web port: /healthz, /readyz, /metrics, and the dashboard when "
        "dashboard.in_worker.",
    )
    web_auth_token: SecretStr | None = Field(
        default=None,
        description="Token for the dashboard and API (secret): `Authorization: Bearer <token>`, "
        "or HTTP Basic with it as password (browsers). /healthz, /readyz and /metrics stay "
        "open. Required when web_host is not a loopback address.",
    )
    web_router_enabled: bool = Field(
        default=False,
        description="Serve Faust's /router/ pages (they show partition assignments and worker "
        "URLs; brinkwatch has no table routing that needs them).",
    )
    dashboard: DashboardPlacement = Field(
        default_factory=DashboardPlacement,
        description="Dashboard in the workers (the demo) or in its own process (production).",
    )
    data_dir: Path = Field(
        default=Path(".brinkwatch"), description="Faust worker state (tables, offsets cache)."
    )
    consumer_instance_id: str | None = Field(
        default=None,
        description="Static group membership (Kafka's group.instance.id), unique per worker, "
        "e.g. the pod name: a worker restarted within session_timeout_s gets its partitions "
        "back at once, without a rebalance; but a worker that stops (even with SIGTERM) "
        "holds its partitions until session_timeout_s passes. Unset: dynamic membership.",
    )
    session_timeout_s: float = Field(
        default=15.0,
        ge=6.0,
        le=90.0,
        description="Consumer session timeout: how long the group waits for a silent worker "
        "(SIGKILLed, frozen, cut off) before it moves that worker's partitions; a SIGKILLed "
        "worker's input waits about this long. Shorter recovers sooner but evicts a worker "
        "that cannot heartbeat for that long (e.g. a GIL held by one long computation).",
    )
    max_poll_records: int = Field(default=500, ge=1, description="Records per consumer poll.")
    producer_linger_ms: int = Field(default=5, ge=0, description="Producer batching delay.")
    producer_max_batch_size: int = Field(
        default=262_144,
        ge=1024,
        description="Producer batch limit per partition, in bytes (aiokafka's 16 KB default "
        "holds four articles and stalls sends; see docs/benchmarks.md).",
    )
    batch_max_events: int = Field(
        default=200,
        ge=1,
        description="The fused agent takes up to this many queued events at once, runs the "
        "stages over each and publishes their outputs in one producer batch per partition.",
    )
    faust_sensors: bool = Field(
        default=False,
        description="Faust's full Monitor (per-event stats for its /stats view); off, the "
        "worker skips that bookkeeping. brinkwatch's own metrics are always on.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Worker log level."
    )

    def kafka_bootstrap(self) -> str:
        """The bootstrap servers to use: configured ones, else the local broker."""
        if self.bootstrap_servers:
            return self.bootstrap_servers
        return f"127.0.0.1:{self.local_broker.port}"

    @property
    def uses_local_broker(self) -> bool:
        """True when no external cluster is configured, so ``kafka start`` should run one."""
        return not self.bootstrap_servers


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, built once per process."""
    return Settings()
