"""Prometheus and Grafana in docker-compose.yml agree with the worker and app/metrics.py.

Compose cannot run here (no Docker engine), so this checks what would break it: files that do
not parse, mounts of files that do not exist, a scrape port that is not the worker's, and
PromQL naming metrics the app does not export.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.metrics import MetricWrapperBase

from app import metrics

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
}


def load_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), path
    return loaded


def services() -> dict[str, Any]:
    return load_yaml(REPO / "docker-compose.yml")["services"]  # type: ignore[no-any-return]


def mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Container path -> host path, for the bind mounts of a service."""
    found = {}
    for volume in service.get("volumes", []):
        host, container, *_ = volume.split(":")
        found[container] = REPO / host
    return found


def exported_sample_names() -> set[str]:
    """Every sample name app/metrics.py can expose (``x_total``, ``x_bucket``, ...)."""
    names = set()
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.describe():
                names.update(family.name + s for s in SAMPLE_SUFFIXES[family.type])
    return names


def dashboard() -> dict[str, Any]:
    path = REPO / "deploy" / "grafana" / "dashboards" / "brinkwatch.json"
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_observability_services_sit_beside_the_pipeline() -> None:
    found = services()
    assert {"kafka", "kafka-init", "worker", "dashboard", "prometheus", "grafana"} <= set(found)
    assert found["prometheus"]["image"].startswith("prom/prometheus:")
    assert found["grafana"]["image"].startswith("grafana/grafana:")
    assert "worker" in found["prometheus"]["depends_on"]
    assert "prometheus" in found["grafana"]["depends_on"]
    for name in ("prometheus", "grafana"):
        for port in found[name]["ports"]:
            assert port.startswith("127.0.0.1:"), f"{name} must listen on loopback only"
        for container_path, host_path in mounts(found[name]).items():
            assert host_path.exists(), f"{name} mounts missing {host_path} at {container_path}"


def test_prometheus_scrapes_the_workers_metrics_port() -> None:
    prometheus = services()["prometheus"]
    config_path = mounts(prometheus)["/etc/prometheus/prometheus.yml"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    [job] = load_yaml(config_path)["scrape_configs"]
    worker_env = services()["worker"]["environment"]
    assert worker_env["BRINKWATCH_WEB_HOST"] == "0.0.0.0"  # noqa: S104 - inside compose's network
    assert job["metrics_path"] == "/metrics"
    [discovery] = job["dns_sd_configs"]
    assert discovery["names"] == ["worker"]
    assert str(discovery["port"]) == worker_env["BRINKWATCH_WEB_PORT"]


def test_grafana_is_provisioned_with_the_datasource_and_dashboard() -> None:
    grafana = mounts(services()["grafana"])
    provisioning = grafana["/etc/grafana/provisioning"]
    [source] = load_yaml(provisioning / "datasources" / "prometheus.yml")["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    [provider] = load_yaml(provisioning / "dashboards" / "brinkwatch.yml")["providers"]
    dashboards_dir = grafana[provider["options"]["path"]]
    assert (dashboards_dir / "brinkwatch.json").exists()
    uids = {
        target["datasource"]["uid"]
        for panel in dashboard()["panels"]
        for target in panel.get("targets", [])
    }
    assert uids == {source["uid"]}


def test_dashboard_queries_use_metrics_the_app_exports() -> None:
    exported = exported_sample_names()
    queries = [t["expr"] for p in dashboard()["panels"] for t in p.get("targets", [])]
    assert len(queries) >= 8
    used = {name for query in queries for name in re.findall(r"\bbrinkwatch_[a-z_]+", query)}
    assert used, queries
    assert used <= exported, f"unknown metrics: {sorted(used - exported)}"
    # The panels the worker's dashboard shows have their Prometheus counterparts.
    for metric in (
        "brinkwatch_messages_total",
        "brinkwatch_dead_letters_total",
        "brinkwatch_consumer_lag",
        "brinkwatch_end_to_end_seconds_bucket",
        "brinkwatch_stage_seconds_bucket",
        "brinkwatch_alerts_total",
        "brinkwatch_country_severity_total",
    ):
        assert metric in used, metric
