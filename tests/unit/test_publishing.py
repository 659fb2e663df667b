"""The batch publisher's partitioner is Kafka's: the same partition as aiokafka's default."""

from __future__ import annotations

import random

from aiokafka.partitioner import DefaultPartitioner

from app.streaming.publishing import kafka_partition


def test_keys_land_where_aiokafka_would_put_them() -> None:
    rng = random.Random(12)
    for count in (1, 3, 6, 7, 24):
        partitions = list(range(count))
        for _ in range(2_000):
            key = rng.randbytes(rng.randint(0, 64))
            assert kafka_partition(key, partitions) == DefaultPartitioner()(
                key, partitions, partitions
            )


def test_article_ids_spread_over_every_partition() -> None:
    seen = {kafka_partition(f"article-{n}".encode(), [0, 1, 2]) for n in range(100)}
    assert seen == {0, 1, 2}
