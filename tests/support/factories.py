"""Test inputs and contract objects: raw articles for the broker tests, alerts and dead
letters for broker-free dashboard tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas import AlertCategory, DeadLetter, Dyad, EscalationAlert, Evidence

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def raw_article(slug: str, title: str, body: str) -> bytes:
    """The JSON a producer sends for one article, at https://news.example.org/<slug>."""
    return json.dumps(
        {
            "url": f"https://news.example.org/{slug}",
            "title": title,
            "body": body,
            "published_at": "2026-11-26T10:00:00Z",
            "source": "Example",
        }
    ).encode()


LINES_CUT = raw_article(
    "lines",
    "North Korea cuts all communication lines with South Korea",
    "North Korea said on Monday it would cut all communication lines with South Korea, "
    "including military hotlines, and threatened to retaliate.",
)
"""A short article of our own that alerts (PRK -> KOR)."""


def make_alert(alert_id: str = "a1", **overrides: Any) -> EscalationAlert:
    """A valid alert: PRK threatens KOR, high severity, detected at ``NOW``."""
    sentence = "Pyongyang threatened retaliation and cut the hotline with Seoul."
    values: dict[str, Any] = {
        "alert_id": alert_id,
        "article_id": f"art-{alert_id}",
        "url": f"https://news.example.org/{alert_id}",
        "title": f"Title {alert_id}",
        "source": "Test Wire",
        "published_at": NOW - timedelta(minutes=5),
        "ingested_at": NOW - timedelta(seconds=2),
        "detected_at": NOW,
        "severity": 7.5,
        "severity_level": "high",
        "categories": [
            AlertCategory(
                category="threaten",
                cameo_code="138",
                plover_type="THREATEN",
                quad_class=3,
                goldstein=-7.0,
                evidence=[
                    Evidence(
                        rule_id="threaten.force",
                        phrase="threatened retaliation",
                        field="body",
                        start=10,
                        end=32,
                        sentence=sentence,
                    )
                ],
            )
        ],
        "actors": ["KOR", "PRK"],
        "dyad": Dyad(source="PRK", target="KOR"),
        "rules_version": "test-1",
    }
    values.update(overrides)
    return EscalationAlert(**values)


def make_dead_letter(reason: str = "malformed_json", stage: str = "validate") -> DeadLetter:
    """A dead letter from the raw topic."""
    return DeadLetter(
        stage=stage,  # type: ignore[arg-type]
        error_type=reason,  # type: ignore[arg-type]
        reason="payload is not JSON",
        payload_base64="e30=",
        payload_preview="{",
        payload_size=1,
        source_topic="t.raw",
        source_partition=0,
        source_offset=7,
        failed_at=NOW,
    )
