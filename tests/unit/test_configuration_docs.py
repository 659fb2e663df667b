"""Every setting is documented where operators look: .env.example and the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings
from app.settings_reference import env_example, setting_docs

REPO = Path(__file__).resolve().parents[2]


def test_env_example_is_current() -> None:
    assert (REPO / ".env.example").read_text() == env_example(), (
        "regenerate: python -m app.settings_reference --env > .env.example"
    )


def test_readme_lists_every_environment_variable() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [doc.env for doc in setting_docs() if f"`{doc.env}`" not in readme]
    assert missing == [], "regenerate the table: python -m app.settings_reference"


def test_nested_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRINKWATCH_TOPICS__ALERTS", "ops.alerts")
    monkeypatch.setenv("BRINKWATCH_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    monkeypatch.setenv("BRINKWATCH_SASL_PASSWORD", "s3cret")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.topics.alerts == "ops.alerts"
    assert settings.kafka_bootstrap() == "k1:9092,k2:9092"
    assert not settings.uses_local_broker
    assert "s3cret" not in repr(settings)
