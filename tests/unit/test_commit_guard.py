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
    # What faust's ack does to its own bookkeeping, then ours (FastPathConsumer.ack)
    for offset in offsets:
        consumer._acked[TP0].append(offset)
        consumer._acked_index[TP0].add(offset)
        consumer.delivered_offsets.acked(TP0, offset)


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


async def test_acks_faust_forgot_at_a_revocation_do_not_hold_the_commit(
    consumer: FastPathConsumer,
) -> None:
    # faust drops its acked offsets of a revoked partition before the in-flight ones are acked
    # and committed; what was acked before stays acked for the guard
    deliver(consumer, 5, 6, 7, 8)
    ack(consumer, 5, 6)
    consumer._acked.pop(TP0)
    consumer._acked_index.pop(TP0)
    ack(consumer, 7, 8)
    assert consumer._new_offset(TP0) == 9


def test_revoked_partitions_are_forgotten() -> None:
    offsets = DeliveredOffsets()
    for offset in (3, 4):
        offsets.delivered(TP0, offset)
    assert offsets.holds_commit(TP0, [4]) == 3
    offsets.forget([TP0])
    assert offsets.holds_commit(TP0, [4]) is None


async def test_a_partition_without_a_commit_is_read_again_from_its_beginning(
    consumer: FastPathConsumer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiokafka's seek_to_committed seeks only to a committed offset above 0; faust relies on
    # that seek to read again the records it fetched and discarded around a rebalance.
    committed = {TP("raw", 0): None, TP("raw", 1): 7, TP("raw", 2): 0}
    sought: list[TP] = []

    async def seek_to_committed() -> dict[TP, int | None]:
        return committed

    async def seek_to_beginning(*partitions: TP) -> None:
        sought.extend(partitions)

    monkeypatch.setattr(consumer._thread, "seek_to_committed", seek_to_committed)
    monkeypatch.setattr(consumer._thread, "seek_to_beginning", seek_to_beginning)
    assert await consumer.seek_to_committed() == committed
    assert sought == [TP("raw", 0), TP("raw", 2)]
