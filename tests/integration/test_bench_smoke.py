"""``brinkwatch bench --smoke`` end to end against the real broker: the harness keeps working.

Runs the command as a subprocess (as ``make bench`` does) on a few hundred articles and checks
the report's shape and bookkeeping. Timings are never asserted: CI machines vary too much.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

ARTICLES = 300
REQUIRED_KEYS = {
    "baseline_msgs_per_s",
    "pipeline_articles_per_s",
    "throughput_ratio",
    "latency_ms",
    "rss_mb_peak",
    "rss_growth_pct",
    "articles",
    "machine",
    "settings",
}


@pytest.fixture(scope="module")
def report(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRINKWATCH_")}
    env["BRINKWATCH_BOOTSTRAP_SERVERS"] = kafka_bootstrap
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "bench",
            "--smoke",
            "--articles",
            str(ARTICLES),
            "--json",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    loaded: dict[str, Any] = json.loads(Path(out).read_text())
    return loaded


def test_report_has_the_documented_keys(report: dict[str, Any]) -> None:
    assert report.keys() >= REQUIRED_KEYS
    machine = report["machine"]
    assert isinstance(machine, dict)
    assert {"cpu_model", "cores", "python", "kafka"} <= machine.keys()


def test_every_article_has_exactly_one_first_output(report: dict[str, Any]) -> None:
    for phase in ("baseline", "pipeline", "scaled"):
        figures = report[phase]
        assert isinstance(figures, dict)
        assert figures["articles"] == ARTICLES
        assert figures["completed"] == ARTICLES
        assert figures["tagged"] + figures["dead_letters"] == figures["completed"]
    pipeline = report["pipeline"]
    assert isinstance(pipeline, dict)
    assert pipeline["dead_letters"] > 0, "the corpus includes malformed records"


def test_rates_and_ratios_are_positive(report: dict[str, Any]) -> None:
    for key in ("baseline_msgs_per_s", "pipeline_articles_per_s", "throughput_ratio"):
        value = report[key]
        assert isinstance(value, float)
        assert value > 0
    assert report["articles"] == ARTICLES


def test_latency_and_memory_were_measured(report: dict[str, Any]) -> None:
    latency = report["latency_ms"]
    assert isinstance(latency, dict)
    assert latency, "at least the lowest offered load is measured"
    for quantiles in latency.values():
        assert 0 <= quantiles["p50"] <= quantiles["p95"] <= quantiles["p99"]
    peak = report["rss_mb_peak"]
    assert isinstance(peak, float)
    assert peak > 0
    assert isinstance(report["rss_growth_pct"], float)
