"""docker-compose.yml cannot run here (no Docker engine): check it agrees with the settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.settings import Settings
from app.settings_reference import setting_docs

REPO = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_services_and_healthchecks() -> None:
    services = compose()["services"]
    assert {"kafka", "kafka-init", "worker"} <= set(services)
    assert "healthcheck" in services["kafka"] and "healthcheck" in services["worker"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["image"].endswith(Settings().local_broker.kafka_version)
    worker_deps = services["worker"]["depends_on"]
    assert worker_deps["kafka-init"]["condition"] == "service_completed_successfully"


def test_worker_environment_uses_real_settings() -> None:
    services = compose()["services"]
    env = services["worker"]["environment"]
    known = {doc.env for doc in setting_docs()}
    assert set(env) <= known, f"unknown variables: {set(env) - known}"
    assert env["BRINKWATCH_BOOTSTRAP_SERVERS"] == "kafka:9092"
    port = env["BRINKWATCH_WEB_PORT"]
    assert f"127.0.0.1:{port}:{port}" in services["worker"]["ports"]
    assert str(port) in " ".join(services["worker"]["healthcheck"]["test"])


def test_production_layout_one_dashboard_beside_the_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers without the dashboard; `brinkwatch dashboard` once, on its own port."""
    services = compose()["services"]
    worker, dashboard = services["worker"], services["dashboard"]
    known = {doc.env for doc in setting_docs()}
    assert set(dashboard["environment"]) <= known
    assert dashboard["command"] == ["brinkwatch", "dashboard"]
    worker_settings = settings_of(worker, monkeypatch)
    settings = settings_of(dashboard, monkeypatch)
    assert worker_settings.dashboard.in_worker is False
    # Same topics and group as the workers (its offset probe reads the group's commits).
    assert (settings.topics, settings.app_id) == (worker_settings.topics, worker_settings.app_id)
    port = settings.dashboard.port
    assert port != worker_settings.web_port
    assert settings.web_host == "0.0.0.0"  # noqa: S104 - inside compose's network
    assert dashboard["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert f"127.0.0.1:{port}/readyz" in " ".join(dashboard["healthcheck"]["test"])
    deps = dashboard["depends_on"]
    assert deps["kafka-init"]["condition"] == "service_completed_successfully"


def settings_of(service: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a service's container reads from its environment."""
    for name in list(os.environ):
        if name.startswith("BRINKWATCH_"):
            monkeypatch.delenv(name)
    for name, value in service["environment"].items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_topic_creation_matches_the_settings() -> None:
    services = compose()["services"]
    env = services["worker"]["environment"]
    script = services["kafka-init"]["command"][0]
    defaults = Settings(_env_file=None).topics  # type: ignore[call-arg]
    for name, default in defaults.model_dump().items():
        assert env[f"BRINKWATCH_TOPICS__{name.upper()}"] == default
        assert default in script
    assert f"--partitions {env['BRINKWATCH_PARTITIONS']}" in script
    assert "KAFKA_AUTO_CREATE_TOPICS_ENABLE" in services["kafka"]["environment"]


@pytest.mark.parametrize("service", ["worker", "dashboard"])
def test_services_bound_beyond_loopback_demand_the_token(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.web.security import check_exposure

    env = compose()["services"][service]["environment"]
    # Compose refuses to start without it (`${VAR:?message}`), and so would brinkwatch.
    assert env["BRINKWATCH_WEB_AUTH_TOKEN"].startswith("${BRINKWATCH_WEB_AUTH_TOKEN:?")
    check_exposure(settings_of(compose()["services"][service], monkeypatch))
