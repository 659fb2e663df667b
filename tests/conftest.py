"""Shared fixtures.

- ``kafka_bootstrap`` (session): bootstrap servers of a real Kafka broker. An external cluster
  configured with ``BRINKWATCH_BOOTSTRAP_SERVERS`` is used as is; otherwise the project's local
  broker (``app.localkafka``, 127.0.0.1:19092 by default) is reused if running, else started
  for the session and stopped at its end.
- ``unique_name``: a short unique name for per-test topics and consumer groups.
- ``topic_janitor`` (session): names claimed for test topics; the topics starting with them
  are deleted from the broker when ``kafka_bootstrap`` ends (tests/support/topic_janitor.py).
- ``shared_dir``: ``../shared`` beside the repository (development data); skips when absent,
  but fails under ``CI=true``, where it must be there.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import localkafka
from app.settings import Settings
from tests.support.topic_janitor import TopicJanitor

REPO_ROOT = Path(__file__).resolve().parent.parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def topic_janitor() -> TopicJanitor:
    """Names claimed for the session's test topics (deleted at the end of ``kafka_bootstrap``)."""
    return TopicJanitor()


@pytest.fixture(scope="session")
def kafka_bootstrap(topic_janitor: TopicJanitor) -> Iterator[str]:
    """``host:port[,...]`` of a Kafka broker for the whole session."""
    settings = Settings()
    if not settings.uses_local_broker:
        try:
            yield settings.kafka_bootstrap()
        finally:
            asyncio.run(topic_janitor.sweep(settings))
        return
    broker = settings.local_broker
    started = localkafka.start(broker)
    try:
        yield started.bootstrap
    finally:
        asyncio.run(topic_janitor.sweep(settings))
        if started.started_by_us:
            localkafka.stop(broker)


@pytest.fixture
def unique_name(request: pytest.FixtureRequest, topic_janitor: TopicJanitor) -> str:
    """``<test-name-slug>-<8 hex>``, valid as a Kafka topic name and consumer group id.

    Claimed for deletion: topics named after it are removed at the end of the session.
    """
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name).strip("-").lower()[:24]
    return topic_janitor.claim(f"{slug or 't'}-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder (``<repo>/../shared``)."""
    path = (REPO_ROOT.parent / "shared").resolve()
    if not path.is_dir():
        message = f"shared folder {path} is absent (it sits beside the repository)"
        if _in_ci():
            pytest.fail(message + " and CI=true requires it")
        pytest.skip(message)
    return path
