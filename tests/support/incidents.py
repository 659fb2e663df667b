"""Build escalation alerts for incident tests (own text, no evaluation data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.pipeline import alert_id_for
from app.settings import Settings
from app.streaming.incident_agents import alert_key
from schemas import AlertCategory, Dyad, EscalationAlert, Evidence

T0 = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)


def make_alert(
    article: str,
    title: str,
    sentence: str = "",
    *,
    minutes: float = 0.0,
    source: str = "Outlet A",
    dyad: tuple[str, str | None] | None = ("PRK", "KOR"),
    actors: tuple[str, ...] = ("PRK", "KOR"),
    category: str = "threaten",
    severity: float = 6.0,
    level: str = "high",
    lead: str | None = None,
    headline_actors: tuple[str, ...] = (),
) -> EscalationAlert:
    """One alert at ``T0 + minutes`` with one evidence sentence (and no lead or headline
    countries unless given, as alerts of contracts before 1.4)."""
    published = T0 + timedelta(minutes=minutes)
    evidence = Evidence(
        rule_id="r1", phrase="x", field="body", start=0, end=1, sentence=sentence or title
    )
    return EscalationAlert.model_validate(
        {
            "alert_id": alert_id_for(article, "test-1"),
            "article_id": article,
            "url": f"https://news.invalid/{article}",
            "title": title,
            "source": source,
            "published_at": published,
            "ingested_at": published,
            "detected_at": published,
            "severity": severity,
            "severity_level": level,
            "categories": [
                AlertCategory(
                    category=category,
                    cameo_code="13",
                    plover_type="THREATEN",
                    quad_class=3,
                    goldstein=-4.0,
                    evidence=[evidence],
                )
            ],
            "actors": list(actors),
            "dyad": Dyad(source=dyad[0], target=dyad[1]) if dyad else None,
            "rules_version": "test-1",
            "lead": lead,
            "headline_actors": list(headline_actors),
        }
    )


def keyed_alerts(alerts: list[EscalationAlert]) -> list[tuple[bytes, bytes]]:
    """Alerts as the detect stage publishes them on ``alerts_by_key``: keyed by their incident
    grouping key under the default settings (the test workers' grouping policy)."""
    key_of = alert_key(Settings())
    return [(key_of(alert).encode(), alert.model_dump_json().encode()) for alert in alerts]
