"""Isolated topic sets: every phase gets its own topics and consumer group under the run id."""

from __future__ import annotations

import os
from pathlib import Path

from app.settings import Settings, TopicNames
from app.streaming.topic_admin import delete_topics, ensure_topics, pipeline_topic_names


def isolated_settings(
    base: Settings, name: str, partitions: int | None = None, raw: str | None = None
) -> Settings:
    """``base`` with its own topics ``<name>.raw`` ... and consumer group ``<name>``.

    ``raw`` reads an existing input topic instead (a backlog shared by several drains).
    """
    topics = TopicNames(
        raw=raw or f"{name}.raw",
        valid=f"{name}.valid",
        tagged=f"{name}.tagged",
        alerts=f"{name}.alerts",
        dlq=f"{name}.dlq",
        alerts_by_key=f"{name}.alerts-by-key",
        incidents=f"{name}.incidents",
        trend=f"{name}.trend",
    )
    return base.model_copy(
        update={
            # Pinned so that worker subprocesses reach the very broker this process uses.
            "bootstrap_servers": base.kafka_bootstrap(),
            "app_id": name,
            "topics": topics,
            "partitions": partitions or base.partitions,
        }
    )


def worker_env(settings: Settings, web_port: int, data_dir: Path) -> dict[str, str]:
    """Environment of a ``brinkwatch worker`` that runs with ``settings``' isolation.

    Other ``BRINKWATCH_*`` variables pass through, so knobs set for the bench reach the worker.
    """
    env = dict(os.environ)
    topics = settings.topics
    env.update(
        {
            "BRINKWATCH_BOOTSTRAP_SERVERS": settings.kafka_bootstrap(),
            "BRINKWATCH_APP_ID": settings.app_id,
            "BRINKWATCH_PARTITIONS": str(settings.partitions),
            "BRINKWATCH_TOPOLOGY": settings.topology,
            "BRINKWATCH_TOPICS__RAW": topics.raw,
            "BRINKWATCH_TOPICS__VALID": topics.valid,
            "BRINKWATCH_TOPICS__TAGGED": topics.tagged,
            "BRINKWATCH_TOPICS__ALERTS": topics.alerts,
            "BRINKWATCH_TOPICS__DLQ": topics.dlq,
            "BRINKWATCH_TOPICS__ALERTS_BY_KEY": topics.alerts_by_key,
            "BRINKWATCH_TOPICS__INCIDENTS": topics.incidents,
            "BRINKWATCH_TOPICS__TREND": topics.trend,
            "BRINKWATCH_WEB_PORT": str(web_port),
            "BRINKWATCH_DATA_DIR": str(data_dir),
            "BRINKWATCH_LOG_LEVEL": "info",
        }
    )
    return env


async def create_pipeline_topics(settings: Settings) -> None:
    """Create the phase's topics up front, so a backlog can be loaded before workers start."""
    await ensure_topics(settings, pipeline_topic_names(settings))


async def delete_run_topics(settings: Settings, run_id: str, timeout_s: float = 30.0) -> int:
    """Delete every topic whose name starts with ``run_id``; return how many."""
    return len(await delete_topics(settings, [run_id], timeout_s))
