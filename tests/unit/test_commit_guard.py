"""A commit never passes an offset that was handed to the streams and not acked: the case
faust-streaming's own check lets through (a partition with nothing committed yet, or the
offset just after the commit), on a real faust consumer object (no broker needed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import faust
import pytest
from faust.transport.drivers.aiokafka import Consumer as FaustConsumer
from faust.types import TP

from app.streaming.commit_guard import DeliveredOffsets
from app.streaming.fastpath import FastPathConsumer

TP0 = TP("raw", 0)


@pytest.fixture
async def consumer() -> AsyncIterator[FastPathConsumer]:
    # On the test's running loop: faust would otherwise make (and leak) one of its own.
    loop = asyncio.get_running_loop()
    app = faust.App("commit-guard-test", broker="kafka://127.0.0.1:1", loop=loop)

    async def ignore(*_: object) -> None:
        return None

    consumer = FastPathConsumer(
        app.transport,
        callback=ignore,
        on_partitions_revoked=ignore,
        on_partitions_assigned=ignore,
        loop=loop,
    )
    yield consumer
    consumer._thread.thread_loop.close()  # made for the consumer thread, never started here


def deliver(consumer: FastPathConsumer, *offsets: int) -> None:
    for offset in offsets:
        consumer.delivered_offsets.delivered(TP0, offset)


def ack(consumer: FastPathConsumer, *offsets: int) -> None:
    for offset in offsets:
        consumer._acked[TP0].append(offset)
        consumer._acked_index[TP0].add(offset)


async def test_a_never_committed_partition_is_not_committed_past_its_unacked_head(
    consumer: FastPathConsumer,
) -> None:
    # 0 and 1 were dropped as stale by a rebalance; 2, prefetched, came through and was acked
    deliver(consumer, 0, 1, 2)
    ack(consumer, 2)
    assert FaustConsumer._new_offset(consumer, TP0) == 3  # faust alone would pass 0 and 1
    ack(consumer, 2)  # (faust's call above consumed the acked run; put it back)
    assert consumer._new_offset(TP0) is None
    assert consumer.held_commits == 1
    deliver(consumer, 0, 1)  # read again from the reset position, then acked
    ack(consumer, 0, 1)
    assert consumer._new_offset(TP0) == 3


async def test_the_offset_just_after_the_commit_is_not_passed(consumer: FastPathConsumer) -> None:
    consumer._committed_offset[TP0] = 10  # the next offset to read
    deliver(consumer, 10, 11, 12)
    ack(consumer, 11, 12)
    assert consumer._new_offset(TP0) is None
    ack(consumer, 10)
    assert consumer._new_offset(TP0) == 13


async def test_in_order_acks_commit_as_faust_does(consumer: FastPathConsumer) -> None:
    deliver(consumer, 0, 1, 2, 3)
    ack(consumer, 0, 1, 2)
    assert consumer._new_offset(TP0) == 3
    consumer._committed_offset[TP0] = 3
    ack(consumer, 3)
    assert consumer._new_offset(TP0) == 4


def test_offsets_below_the_commit_and_revoked_partitions_are_forgotten() -> None:
    offsets = DeliveredOffsets()
    for offset in (3, 4, 5, 6):
        offsets.delivered(TP0, offset)
    assert offsets.holds_commit(TP0, [6], {6}, committed=5) == 5
    assert not offsets.unacked(TP0, 4, set(), committed=5)
    offsets.forget([TP0])
    assert offsets.holds_commit(TP0, [6], {6}, committed=5) is None


def test_a_refetch_goes_through_only_for_an_offset_delivered_and_never_acked() -> None:
    # faust's drain loop drops a record below its read offset; these ones must not be dropped
    offsets = DeliveredOffsets()
    for offset in (0, 1, 2, 3):
        offsets.delivered(TP0, offset)
    acked = {2, 3}  # 0 and 1 were dropped as stale, 2 and 3 (prefetched) were acked
    assert [o for o in range(5) if offsets.unacked(TP0, o, acked, None)] == [0, 1]
