"""The suite deletes the topics it creates on the broker, and only those (real broker)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from app.settings import Settings, TopicNames
from app.streaming.topic_admin import ensure_topics
from tests.support.topic_janitor import TopicJanitor

pytestmark = pytest.mark.integration


async def topic_names(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def settle(bootstrap: str, expected: set[str], timeout_s: float = 30.0) -> set[str]:
    """The topic list once it no longer holds anything beyond ``expected`` (deletes are async)."""
    deadline = time.monotonic() + timeout_s
    while True:
        names = await topic_names(bootstrap)
        if not names - expected or time.monotonic() > deadline:
            return names
        await asyncio.sleep(0.3)


def test_unique_names_are_claimed_for_deletion(
    unique_name: str, topic_janitor: TopicJanitor
) -> None:
    assert unique_name in topic_janitor.claimed


async def test_a_sweep_deletes_the_claimed_topics_and_keeps_the_others(
    kafka_bootstrap: str, unique_name: str
) -> None:
    janitor = TopicJanitor()
    name = janitor.claim(f"janitor-{uuid.uuid4().hex[:8]}")
    # The topics a worker fixture makes for its name, as isolated_env names them.
    topics = TopicNames(**{n: f"{name}.{n}" for n in ("raw", "valid", "tagged", "alerts", "dlq")})
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bootstrap_servers=kafka_bootstrap, topics=topics
    )
    kept = f"{unique_name}.not-claimed-here"  # another owner's topic
    before = await topic_names(kafka_bootstrap)
    assert len(await ensure_topics(settings)) == 5
    assert await ensure_topics(settings, [kept]) == [kept]
    during = await topic_names(kafka_bootstrap)
    assert len(during - before) == 6

    deleted = await janitor.sweep(settings)

    assert deleted == sorted(f"{name}.{n}" for n in ("alerts", "dlq", "raw", "tagged", "valid"))
    after = await settle(kafka_bootstrap, before | {kept})
    assert not {t for t in after if t.startswith(name)}, "every claimed topic is gone"
    assert kept in after, "a topic with another name survives"
    assert janitor.claimed == set()
