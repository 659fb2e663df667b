"""The alert's lead and headline countries (contract 1.4), which incident grouping compares."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.domain.pipeline import Pipeline, lead_of
from app.settings import Settings
from schemas.alert import LEAD_MAX_CHARS

NOW = datetime(2030, 1, 2, tzinfo=UTC)


def test_lead_is_cut_at_a_word_boundary_within_the_limit() -> None:
    body = "word " * 200
    lead = lead_of(body)
    assert lead is not None
    assert len(lead) <= LEAD_MAX_CHARS
    assert lead.split(" ")[-1] == "word"  # no word cut in half
    assert lead_of("Short body.") == "Short body."
    assert lead_of("") is None
    # one unbroken token longer than the limit is cut at the limit
    assert lead_of("x" * 1000) == "x" * LEAD_MAX_CHARS


def test_alert_carries_the_lead_and_the_headline_countries_in_order() -> None:
    pipeline = Pipeline.from_settings(Settings(_env_file=None, judgement="off"))  # type: ignore[call-arg]
    body = (
        "North Korea fired a ballistic missile into the sea off its east coast on Monday and "
        "threatened South Korea with retaliation, the military in Seoul said. "
    ) * 6
    raw = {
        "url": "https://news.invalid/missile",
        "title": "Seoul says North Korea fired ballistic missile, threatens attack",
        "body": body,
        "published_at": "2030-01-01T08:00:00+00:00",
    }
    alert = pipeline.analyze(json.dumps(raw).encode(), NOW).alert
    assert alert is not None
    assert alert.headline_actors == ["KOR", "PRK"]
    assert alert.lead is not None and body.startswith(alert.lead)
    assert len(alert.lead) <= LEAD_MAX_CHARS
