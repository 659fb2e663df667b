"""Topic creation checks the broker's answer per topic and waits for the metadata (real broker)."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from app.settings import Settings, TopicNames
from app.streaming.topic_admin import TopicSetupError, creation_errors, ensure_topics

pytestmark = pytest.mark.integration


def settings_for(bootstrap: str, name: str, **values: object) -> Settings:
    topics = TopicNames(**{n: f"{name}.{n}" for n in ("raw", "valid", "tagged", "alerts", "dlq")})
    return Settings(  # type: ignore[call-arg]
        _env_file=None, bootstrap_servers=bootstrap, topics=topics, **values
    )


async def described(bootstrap: str, names: list[str]) -> dict[str, int]:
    """Topic -> partition count, for the names the broker knows."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return {
            topic["topic"]: len(topic["partitions"])
            for topic in await admin.describe_topics(names)
            if topic["error_code"] == 0
        }
    finally:
        await admin.close()


async def test_a_refused_topic_is_a_clear_error(kafka_bootstrap: str, unique_name: str) -> None:
    # One broker cannot hold three replicas: Kafka refuses the topic in its answer.
    settings = settings_for(kafka_bootstrap, unique_name, replication_factor=3)
    raw = settings.topics.raw
    with pytest.raises(TopicSetupError, match="InvalidReplicationFactor") as refused:
        await ensure_topics(settings, [raw])
    assert raw in str(refused.value)
    assert await described(kafka_bootstrap, [raw]) == {}


async def test_created_topics_are_in_the_metadata_on_return(
    kafka_bootstrap: str, unique_name: str
) -> None:
    settings = settings_for(kafka_bootstrap, unique_name, partitions=4)
    created = await ensure_topics(settings)
    assert len(created) == 5
    assert await described(kafka_bootstrap, created) == dict.fromkeys(created, 4)
    assert await ensure_topics(settings) == [], "existing topics are left alone"


def test_a_topic_another_process_created_is_not_a_refusal() -> None:
    answer = {
        "topic_errors": [
            {"topic": "a", "error_code": 0, "error_message": None},
            {"topic": "b", "error_code": 36, "error_message": "Topic 'b' already exists."},
            {"topic": "c", "error_code": 7, "error_message": None},
        ]
    }
    assert creation_errors(answer) == {"c": "RequestTimedOutError"}
