"""Create brinkwatch's topics explicitly, with the configured partitions.

Faust only declares its internal topics; relying on broker auto-creation gives the wrong
partition count (and fails outright where ``auto.create.topics.enable=false``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from app.kafka_clients import aiokafka_options
from app.settings import Settings

log = logging.getLogger(__name__)


def pipeline_topic_names(settings: Settings) -> list[str]:
    """Every topic the pipeline reads or writes."""
    topics = settings.topics
    names = [topics.raw, topics.valid, topics.tagged, topics.alerts, topics.dlq]
    if settings.incidents.enabled:
        names += [topics.alerts_by_key, topics.trend, *compacted_topic_names(settings)]
    return names


def compacted_topic_names(settings: Settings) -> list[str]:
    """Topics whose latest record per key is the state: incidents and the table changelogs
    (Faust declares those only when allowed to declare topics, which brinkwatch is not)."""
    if not settings.incidents.enabled:
        return []
    # Imported here: the agents module is only needed when incidents are on.
    from app.streaming.incident_agents import table_names

    return [settings.topics.incidents, *table_names(settings)]


async def ensure_topics(
    settings: Settings, names: list[str] | None = None, timeout_s: float = 30.0
) -> list[str]:
    """Create the missing topics; return the names that were created."""
    wanted = names if names is not None else pipeline_topic_names(settings)
    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=15_000)
    await asyncio.wait_for(admin.start(), timeout_s)
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if not missing:
            return []
        compacted = set(compacted_topic_names(settings))
        new_topics = [
            NewTopic(
                name,
                settings.partitions,
                settings.replication_factor,
                topic_configs={"cleanup.policy": "compact"} if name in compacted else {},
            )
            for name in missing
        ]
        try:
            await admin.create_topics(new_topics)
        except TopicAlreadyExistsError:
            # Another worker created them between our list and create: that is fine.
            log.info("topics created concurrently by another process: %s", missing)
        return missing
    finally:
        await admin.close()


async def delete_topics(
    settings: Settings, prefixes: Iterable[str], timeout_s: float = 30.0
) -> list[str]:
    """Delete every topic whose name starts with one of ``prefixes``; return their names."""
    wanted = tuple(p for p in prefixes if p)
    if not wanted:
        return []
    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=15_000)
    await asyncio.wait_for(admin.start(), timeout_s)
    try:
        doomed = sorted(name for name in await admin.list_topics() if name.startswith(wanted))
        if doomed:
            await admin.delete_topics(doomed)
        return doomed
    finally:
        await admin.close()
