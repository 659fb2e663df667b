"""Create brinkwatch's topics explicitly, with the configured partitions.

Faust only declares its internal topics; relying on broker auto-creation gives the wrong
partition count (and fails outright where ``auto.create.topics.enable=false``).

Kafka's CreateTopics answers per topic and aiokafka returns that answer without raising, so a
refused topic (a replication factor above the broker count, a policy, a timeout) would pass
unnoticed and the worker would run subscribed to nothing. The answer is checked here, and the
worker starts only once every topic is in the cluster's metadata: a consumer that joins before
its topic is visible gets no partitions until its next metadata refresh.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from app.kafka_clients import aiokafka_options
from app.settings import Settings

log = logging.getLogger(__name__)

VISIBILITY_POLL_S = 0.2


class TopicSetupError(RuntimeError):
    """The broker refused to create a topic, or it did not show up in time."""


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
    """Create the missing topics and wait until they are in the metadata; return the names
    that were missing.

    Raises:
        TopicSetupError: the broker refused a topic, or it was not visible within ``timeout_s``.
    """
    wanted = names if names is not None else pipeline_topic_names(settings)
    deadline = asyncio.get_running_loop().time() + timeout_s
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
        response = await admin.create_topics(new_topics, timeout_ms=int(timeout_s * 1000))
        refused = creation_errors(response.to_object())
        if refused:
            raise TopicSetupError(
                "the broker refused to create "
                + "; ".join(f"{name}: {reason}" for name, reason in sorted(refused.items()))
            )
        await _until_visible(admin, missing, deadline)
        return missing
    finally:
        await admin.close()


def creation_errors(response: dict[str, Any]) -> dict[str, str]:
    """Topic -> reason for each topic a CreateTopics response refused (one that another
    process created in the meantime is not refused: it exists, as wanted)."""
    refused = {}
    for answer in response["topic_errors"]:
        error = for_code(answer["error_code"])
        if answer["error_code"] == 0 or error is TopicAlreadyExistsError:
            continue
        message = answer.get("error_message") or ""
        refused[answer["topic"]] = f"{error.__name__} {message}".strip()
    return refused


async def _until_visible(admin: AIOKafkaAdminClient, names: list[str], deadline: float) -> None:
    loop = asyncio.get_running_loop()
    while True:
        described = await admin.describe_topics(names)
        pending = sorted(
            topic["topic"]
            for topic in described
            if topic["error_code"] != 0 or not topic["partitions"]
        )
        if not pending:
            return
        if loop.time() > deadline:
            raise TopicSetupError(f"topics created but not in the metadata in time: {pending}")
        await asyncio.sleep(VISIBILITY_POLL_S)


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
