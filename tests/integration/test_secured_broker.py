"""brinkwatch's security settings against a real Apache Kafka broker with secured listeners.

One broker for the module (``tests/support/secured_broker.py``: app.localkafka on free ports,
its own run dir) serves SASL_PLAINTEXT and SASL_SSL with the PLAIN mechanism and SSL, with a
CA made at run time. Clients are the project's own: ``brinkwatch worker`` (Faust credentials),
``brinkwatch produce`` and the aiokafka clients built from ``app.kafka_clients``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiokafka.errors import KafkaConnectionError
from pydantic import SecretStr

from app.localkafka import default_jars_root
from app.settings import Settings, TopicNames
from app.streaming.topic_admin import ensure_topics
from schemas import Article, EscalationAlert, TaggedArticle
from tests.support.kafka_io import collect, produce
from tests.support.secured_broker import (
    Protocol,
    SecuredBroker,
    TlsMaterial,
    keytool_path,
    make_tls_material,
    secured_broker,
)
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration

JARS_ROOT = default_jars_root(Settings().local_broker)
# A refused client must give up well within this; aiokafka fails at bootstrap, not later.
FAIL_WITHIN_S = 30.0
CLI_TIMEOUT_S = 90.0
WRONG_PASSWORD = secrets.token_urlsafe(12)  # not the broker's (that one is random too)

# Written for this test (fictional events): one escalation between neighbours, one calm story.
ESCALATION = {
    "url": "https://wire.example.net/2026/11/norway-sweden-lines",
    "title": "Norway cuts telephone and internet links with Sweden",
    "body": "Norway severed all telephone, internet and postal communication lines with "
    "neighbouring Sweden on Thursday, expelled its diplomats and closed the border crossing, "
    "the foreign ministry in Oslo said, accusing Stockholm of massing troops near the frontier.",
    "published_at": "2026-11-26T09:30:00Z",
    "source": "Test Wire",
}
CALM = {
    "url": "https://wire.example.net/2026/11/library-hours",
    "title": "Town library extends its opening hours",
    "body": "The town library will stay open until nine in the evening from next month, the "
    "council said on Tuesday, after readers asked for more time to borrow books.",
    "published_at": "2026-11-26T10:00:00Z",
    "source": "Test Wire",
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    """A throw-away CA and broker certificate, made in the test's tmp dir."""
    keytool = keytool_path()
    if keytool is None:
        message = "keytool (part of the JDK the broker runs on) is not on PATH or in JAVA_HOME"
        if _in_ci():
            pytest.fail(message + " and CI=true requires it")
        pytest.skip(message)
    return make_tls_material(tmp_path_factory.mktemp("tls"), keytool)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, tls: TlsMaterial) -> Iterator[SecuredBroker]:
    with secured_broker(tmp_path_factory.mktemp("secured-kafka"), tls, JARS_ROOT) as broker:
        yield broker


def _topics(env: dict[str, str]) -> TopicNames:
    return TopicNames(
        raw=env["BRINKWATCH_TOPICS__RAW"],
        valid=env["BRINKWATCH_TOPICS__VALID"],
        tagged=env["BRINKWATCH_TOPICS__TAGGED"],
        alerts=env["BRINKWATCH_TOPICS__ALERTS"],
        dlq=env["BRINKWATCH_TOPICS__DLQ"],
    )


def _brinkwatch(
    env: dict[str, str], cwd: Path, *args: str, timeout_s: float = CLI_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


# --- the Faust worker, end to end ------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SSL", "SASL_SSL"])
async def test_worker_runs_the_pipeline_over_a_secured_listener(
    secured: SecuredBroker, protocol: Protocol, unique_name: str, tmp_path: Path
) -> None:
    env = isolated_env(secured.bootstrap(protocol), unique_name, tmp_path, **secured.env(protocol))
    topics = _topics(env)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(a) + "\n" for a in (ESCALATION, CALM)))
    with running_worker(env, tmp_path):
        sent = _brinkwatch(env, tmp_path, "produce", str(feed))
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "sent 2 messages" in sent.stderr  # the CLI reports on stderr

        def complete(records: dict[str, list[Any]]) -> bool:
            return (
                len(records[topics.valid]) >= 2
                and len(records[topics.tagged]) >= 2
                and len(records[topics.alerts]) >= 1
            )

        # Read back through the project's client options over the same secured listener.
        client = secured.settings(protocol, topics=topics)
        wanted = [topics.valid, topics.tagged, topics.alerts, topics.dlq]
        records = await collect(client, wanted, complete, timeout_s=60)
        alerts = [EscalationAlert.model_validate_json(r.value) for r in records[topics.alerts]]
        assert len(alerts) == 1
        # The dashboard feed in the worker reads the alert topic over the same listener.
        shown = await _dashboard_alert(env["BRINKWATCH_WEB_PORT"], alerts[0].alert_id)
        assert shown["url"] == ESCALATION["url"]

    valid = [Article.model_validate_json(r.value) for r in records[topics.valid]]
    tagged = [TaggedArticle.model_validate_json(r.value) for r in records[topics.tagged]]
    assert sorted(str(a.url) for a in valid) == sorted([ESCALATION["url"], CALM["url"]])
    assert records[topics.dlq] == []
    story = next(t for t in tagged if str(t.url) == ESCALATION["url"])
    assert {actor.code for actor in story.actors} == {"NOR", "SWE"}
    (alert,) = alerts
    assert str(alert.url) == ESCALATION["url"]
    assert alert.dyad is not None
    assert (alert.dyad.source, alert.dyad.target) == ("NOR", "SWE")
    assert "reduce_relations" in {c.category for c in alert.categories}


async def _dashboard_alert(port: str, alert_id: str, timeout_s: float = 15.0) -> dict[str, Any]:
    """The alert as the worker's dashboard API serves it, once its feed has read it."""
    url = f"http://127.0.0.1:{port}/api/alerts/{alert_id}"
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(url) as response:
                if response.status == 200:
                    body: dict[str, Any] = await response.json()
                    return body
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not show the alert within {timeout_s} s")
            await asyncio.sleep(0.3)


# --- SASL: wrong credentials are refused, clearly and quickly --------------------------------


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
async def test_wrong_password_fails_with_an_authentication_error(
    secured: SecuredBroker,
    protocol: Protocol,
    unique_name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = secured.settings(protocol, sasl_password=SecretStr(WRONG_PASSWORD))
    with caplog.at_level(logging.WARNING, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(produce(wrong, unique_name, [b"never sent"]), FAIL_WITHIN_S)
    # aiokafka raises a generic bootstrap error; the broker's reason is in its log record.
    assert "SaslAuthenticationFailed" in caplog.text
    assert "Invalid username or password" in caplog.text


def test_cli_with_wrong_password_exits_with_the_reason(
    secured: SecuredBroker, unique_name: str, tmp_path: Path
) -> None:
    feed = tmp_path / "one.jsonl"
    feed.write_text(json.dumps(CALM) + "\n")
    env = isolated_env(secured.bootstrap("SASL_PLAINTEXT"), unique_name, tmp_path)
    env |= secured.env("SASL_PLAINTEXT", BRINKWATCH_SASL_PASSWORD=WRONG_PASSWORD)
    result = _brinkwatch(env, tmp_path, "produce", str(feed), timeout_s=FAIL_WITHIN_S)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Authentication failed: Invalid username or password" in output
    assert "sent 1 messages" not in output


# --- TLS: topic admin and a round trip, and a CA that does not match -------------------------


@pytest.mark.parametrize("protocol", ["SSL", "SASL_SSL"])
async def test_topic_admin_and_round_trip_over_tls(
    secured: SecuredBroker, protocol: Protocol, unique_name: str
) -> None:
    settings = secured.settings(protocol)
    topic = f"{unique_name}.tls"
    assert await ensure_topics(settings, [topic]) == [topic]
    assert await ensure_topics(settings, [topic]) == []  # listed over TLS: already there
    values = [b"first over " + protocol.encode(), b"second"]
    await produce(settings, topic, values)
    records = await collect(settings, [topic], lambda r: len(r[topic]) >= 2, timeout_s=30)
    # ensure_topics made settings.partitions partitions: order holds per partition only.
    assert sorted(r.value for r in records[topic]) == sorted(values)
    assert {r.partition for r in records[topic]} <= set(range(settings.partitions))


@pytest.mark.parametrize("protocol", ["SSL", "SASL_SSL"])
@pytest.mark.parametrize("ca", ["unrelated CA", "system CAs"])
async def test_untrusted_broker_certificate_fails_verification(
    secured: SecuredBroker,
    protocol: Protocol,
    ca: str,
    unique_name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cafile = secured.tls.other_ca_pem if ca == "unrelated CA" else None
    settings = secured.settings(protocol, ssl_cafile=cafile)
    with caplog.at_level(logging.WARNING, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(produce(settings, unique_name, [b"never sent"]), FAIL_WITHIN_S)
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text


# --- the password stays secret ---------------------------------------------------------------


async def test_the_sasl_password_never_appears_in_logs_api_or_metrics(
    secured: SecuredBroker, unique_name: str, tmp_path: Path
) -> None:
    """A worker on the SASL listener, logging at debug level (every request it sends)."""
    protocol: Protocol = "SASL_PLAINTEXT"
    env = isolated_env(
        secured.bootstrap(protocol),
        unique_name,
        tmp_path,
        **secured.env(protocol, BRINKWATCH_LOG_LEVEL="debug"),
    )
    topics = _topics(env)
    client = secured.settings(protocol, topics=topics)
    port = env["BRINKWATCH_WEB_PORT"]
    seen: dict[str, bytes] = {}
    with running_worker(env, tmp_path):
        await produce(client, topics.raw, [json.dumps(ESCALATION).encode(), b"{not json"])
        records = await collect(
            client,
            [topics.alerts, topics.dlq],
            lambda r: len(r[topics.alerts]) >= 1 and len(r[topics.dlq]) >= 1,
            timeout_s=60,
        )
        alert = EscalationAlert.model_validate_json(records[topics.alerts][0].value)
        await _dashboard_alert(port, alert.alert_id)
        async with aiohttp.ClientSession() as http:
            for path in (
                "/",
                "/api/alerts",
                f"/api/alerts/{alert.alert_id}",
                "/api/stats",
                "/readyz",
                "/healthz",
                "/metrics",
                "/router/",
                "/no/such/page",
            ):
                async with http.get(f"http://127.0.0.1:{port}{path}") as response:
                    seen[path] = str(dict(response.headers)).encode() + await response.read()
                    if path == "/readyz":  # its broker probe authenticates over SASL too
                        assert response.status == 200, seen[path]
        doctor = _brinkwatch(env, tmp_path, "doctor")
        seen["brinkwatch doctor"] = (doctor.stdout + doctor.stderr).encode()
    log = (tmp_path / "worker.log").read_bytes()
    assert b"DEBUG" in log and len(log) > 10_000, "the worker logged at debug level"
    # aiokafka logged the SASL exchange at debug level, with its bytes redacted.
    assert b"SaslAuthenticateRequest_v1(<redacted>)" in log
    seen["worker.log"] = log
    password = secured.password.encode()
    for where, text in seen.items():
        assert password not in text, f"the SASL password appears in {where}"
