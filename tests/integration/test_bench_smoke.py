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
RATES = (
    "baseline_msgs_per_s",
    "io_baseline_articles_per_s",
    "faust_floor_articles_per_s",
    "pipeline_articles_per_s",
)
RATIOS = {
    "throughput_ratio": "baseline_msgs_per_s",
    "ratio_to_io_baseline": "io_baseline_articles_per_s",
    "ratio_to_faust_floor": "faust_floor_articles_per_s",
}
REQUIRED_KEYS = {
    *RATES,
    *RATIOS,
    "spread",
    "rounds",
    "alert_latency_ms",
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
        timeout=420,
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
    for phase in ("baseline", "io_baseline", "faust_floor", "pipeline", "scaled"):
        figures = report[phase]
        assert isinstance(figures, dict)
        assert figures["articles"] == ARTICLES
        assert figures["completed"] == ARTICLES
        assert figures["tagged"] + figures["dead_letters"] == figures["completed"]
    for phase in ("pipeline", "io_baseline"):
        figures = report[phase]
        assert figures["dead_letters"] > 0, "the corpus includes malformed records"
        assert figures["duplicates"] == 0
    # The I/O baseline publishes the worker's record shapes: as many dead letters per input.
    assert report["io_baseline"]["dead_letters"] == report["pipeline"]["dead_letters"]
    assert report["io_baseline"]["alerts"] > 0


def test_soak_outputs_add_up(report: dict[str, Any]) -> None:
    soak = report["soak"]
    assert soak["completed"] == soak["articles"] == ARTICLES
    assert soak["tagged"] + soak["dead_letters"] == soak["articles"]


def test_rates_and_ratios_are_positive_and_consistent(report: dict[str, Any]) -> None:
    for key in (*RATES, *RATIOS):
        value = report[key]
        assert isinstance(value, float)
        assert value > 0
    assert report["articles"] == ARTICLES
    [only_round] = report["rounds"]  # the smoke run drains once per consumer
    for ratio, rate in RATIOS.items():
        expected = report["pipeline_articles_per_s"] / report[rate]
        assert report[ratio] == pytest.approx(expected, rel=0.01)
        assert only_round[ratio] == report[ratio]
        spread = report["spread"][ratio]
        assert spread["min"] <= spread["median"] <= spread["max"]


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
