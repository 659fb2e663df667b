"""An output the broker refuses after buffering does not lose its input, on the real broker.

The tagged topic is created with a ``max.message.bytes`` smaller than a tagged article made
from a ~3.6 KB article, so the broker refuses those records (MESSAGE_SIZE_TOO_LARGE) after
the producer buffered them. Each such input must reach the dead-letter topic as
``publish_failed`` with its payload byte for byte, and the worker must go on with later input.
"""

from __future__ import annotations

import base64
import re
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from app.settings import Settings
from schemas import SCHEMA_VERSION, Article, DeadLetter, TaggedArticle
from tests.support.factories import raw_article
from tests.support.kafka_io import collect, produce
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration

TAGGED_MAX_BYTES = 2000
SENTENCES = [
    "The town council of Elmsbury met on Tuesday evening to review next year's budget for "
    "roads, parks and the public library.",
    "Councillors agreed to resurface three streets in the old quarter and to plant forty new "
    "trees along the river path.",
    "A proposal to extend library opening hours on weekends was welcomed by residents who "
    "attended the meeting.",
    "The treasurer said the budget remains balanced and that property taxes will not rise "
    "this year.",
    "Local schools asked for more money to repair playground equipment, and the council "
    "promised to consider it in spring.",
]


# Each tagged record is about 4.2 KB: over the tagged topic's limit, under every other one.
LARGE = [
    raw_article(
        f"budget-{n}",
        f"Elmsbury council reviews budget, session {n}",
        " ".join(f"{sentence} ({n}.{i})" for i in range(6) for sentence in SENTENCES),
    )
    for n in range(3)
]
# Its tagged record is about 0.6 KB: it fits.
SMALL = raw_article(
    "library-hours",
    "Library hours extended",
    "The town library will open an hour later on Saturdays, the council said.",
)


async def create_topic(bootstrap: str, name: str, partitions: int, configs: dict[str, str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs)])
    finally:
        await admin.close()


def metric(port: str, name: str, **labels: str) -> float:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            return float(match.group(2))
    return 0.0


@pytest.fixture(params=["fused", "staged"])
async def worker_env(
    request: pytest.FixtureRequest, kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> AsyncIterator[dict[str, str]]:
    env = isolated_env(
        kafka_bootstrap,
        f"{unique_name}-{request.param}",
        tmp_path,
        BRINKWATCH_TOPOLOGY=request.param,
    )
    # Created before the worker starts; the worker's ensure_topics creates the other ones.
    await create_topic(
        kafka_bootstrap,
        env["BRINKWATCH_TOPICS__TAGGED"],
        Settings(_env_file=None).partitions,  # type: ignore[call-arg]
        {"max.message.bytes": str(TAGGED_MAX_BYTES)},
    )
    with running_worker(env, tmp_path):
        yield env


async def test_refused_outputs_are_dead_lettered_and_the_worker_goes_on(
    worker_env: dict[str, str],
) -> None:
    bootstrap = worker_env["BRINKWATCH_BOOTSTRAP_SERVERS"]
    staged = worker_env["BRINKWATCH_TOPOLOGY"] == "staged"
    topic = {
        name: worker_env[f"BRINKWATCH_TOPICS__{name.upper()}"]
        for name in ("raw", "valid", "tagged", "dlq")
    }
    await produce(bootstrap, topic["raw"], LARGE)

    def letters_in(records: dict[str, list[Any]]) -> bool:
        return len(records[topic["dlq"]]) >= len(LARGE)

    first = await collect(bootstrap, list(topic.values()), letters_in)
    letters = [DeadLetter.model_validate_json(r.value) for r in first[topic["dlq"]]]
    assert len(letters) == len(LARGE), "one dead letter per refused input, no more"
    assert first[topic["tagged"]] == []
    assert all(
        (d.error_type, d.stage, d.schema_version) == ("publish_failed", "tag", SCHEMA_VERSION)
        for d in letters
    )
    for letter in letters:
        assert topic["tagged"] in letter.reason
        assert "MessageSizeTooLarge" in letter.reason

    # The payload is the input of the stage whose output was refused, byte for byte, with its
    # position: the raw article (fused) or the valid article the tag agent consumed (staged).
    source = topic["valid"] if staged else topic["raw"]
    inputs = {(r.partition, r.offset): r.value for r in first[source]}
    assert all(d.source_topic == source for d in letters)
    assert {
        (d.source_partition, d.source_offset): base64.b64decode(d.payload_base64) for d in letters
    } == inputs
    if not staged:
        assert sorted(inputs.values()) == sorted(LARGE)
    records = first[topic["dlq"]]
    assert all(
        r.key == f"{d.source_topic}/{d.source_partition}/{d.source_offset}".encode()
        for r, d in zip(records, letters, strict=True)
    )
    port = worker_env["BRINKWATCH_WEB_PORT"]
    assert metric(port, "brinkwatch_publish_failures_total", topic=topic["tagged"]) >= len(LARGE)
    assert metric(
        port, "brinkwatch_dead_letters_total", stage="tag", reason="publish_failed"
    ) == len(LARGE)

    # The worker goes on: a later article whose outputs fit is valid and tagged, not dead.
    await produce(bootstrap, topic["raw"], [SMALL])

    def small_tagged(records: dict[str, list[Any]]) -> bool:
        return len(records[topic["tagged"]]) >= 1

    second = await collect(bootstrap, list(topic.values()), small_tagged)
    [tagged] = [TaggedArticle.model_validate_json(r.value) for r in second[topic["tagged"]]]
    assert tagged.url == "https://news.example.org/library-hours"
    valid = [Article.model_validate_json(r.value) for r in second[topic["valid"]]]
    assert tagged.article_id in {a.article_id for a in valid}
    assert len(second[topic["dlq"]]) == len(LARGE)
