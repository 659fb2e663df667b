"""The console script as users run it: `run` (the main job), `produce`, `tail`, `analyze`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import DEMO_FEED
from schemas import EscalationAlert
from tests.support.worker import isolated_env, running_worker

BW = [sys.executable, "-m", "app.cli.main"]
SHELLING = {
    "url": "https://news.example.org/shelling",
    "title": "Shelling kills four",
    "body": "Artillery shelling by Russian forces killed four civilians in eastern "
    "Ukraine on Sunday, officials in Kyiv said.",
    "published_at": "2026-11-26T10:00:00Z",
}


def test_analyze_prints_the_enriched_article_and_its_alert() -> None:
    out = subprocess.run(
        [*BW, "analyze"],
        input=json.dumps(SHELLING).encode(),
        capture_output=True,
        check=True,
        env=_plain_env(),
    )
    result = json.loads(out.stdout)
    assert result["rejection"] is None
    assert {"RUS", "UKR"} <= {a["code"] for a in result["article"]["actors"]}
    [alert] = result["alerts"]
    EscalationAlert.model_validate(alert)


def test_analyze_reports_a_rejection_with_exit_code_2() -> None:
    out = subprocess.run(
        [*BW, "analyze"], input=b'{"url": 1}', capture_output=True, env=_plain_env()
    )
    assert out.returncode == 2
    assert json.loads(out.stdout)["rejection"]["error_type"] == "schema_violation"


@pytest.mark.integration
def test_produce_then_tail_shows_the_demo_alerts(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    env = isolated_env(kafka_bootstrap, unique_name, tmp_path)
    with running_worker(env, tmp_path):
        subprocess.run(
            [*BW, "produce", str(DEMO_FEED), "--rate", "200"],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        out = subprocess.run(
            [*BW, "tail", "--from-beginning", "--json", "--max", "5", "--timeout", "60"],
            env=env,
            capture_output=True,
            timeout=120,
            check=True,
        )
    alerts = [EscalationAlert.model_validate_json(line) for line in out.stdout.splitlines()]
    assert len(alerts) == 5
    assert all(a.categories and a.categories[0].evidence for a in alerts)


@pytest.mark.integration
def test_run_command_shows_demo_alerts_within_a_minute(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    env = isolated_env(kafka_bootstrap, unique_name, tmp_path)
    host, _, port = kafka_bootstrap.partition(",")[0].rpartition(":")
    if host == "127.0.0.1" and not os.environ.get("BRINKWATCH_BOOTSTRAP_SERVERS"):
        # Exercise the local-broker path of `run`: it must find and reuse the test broker.
        del env["BRINKWATCH_BOOTSTRAP_SERVERS"]
        env["BRINKWATCH_LOCAL_BROKER__PORT"] = port
    log = (tmp_path / "run.log").open("wb")
    run = subprocess.Popen(
        [*BW, "run", "--rate", "20"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        tail_env = {**env, "BRINKWATCH_BOOTSTRAP_SERVERS": kafka_bootstrap}
        out = subprocess.run(
            [*BW, "tail", "--from-beginning", "--json", "--max", "3", "--timeout", "60"],
            env=tail_env,
            capture_output=True,
            timeout=120,
        )
        alerts = out.stdout.decode().splitlines()
        # The tail's own timeout bounds the wait: the acceptance bar is alerts within a minute.
        assert len(alerts) == 3, (tmp_path / "run.log").read_text()[-3000:]
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
        log.close()


def _plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BRINKWATCH_")}
