"""A Faust consumer that hands each fetched message to the conductor without four tasks.

faust-streaming's ``Consumer._drain_messages`` awaits every message as
``wait_first(callback(message), suspend_flow.wait())`` (added by faust-streaming PR #223,
"Discard message after rebalance"): if a rebalance suspends the flow while the callback is
blocked (on flow control, a full producer buffer or a full stream queue), the message is
dropped instead of delivered after the rebalance. That costs four tasks created and three
cancelled per message, about 90-130 us each here (docs/benchmarks.md).

Most callbacks never block: they decode the message and put it on a queue with room. This
consumer runs the callback's first step inline. If the callback finishes in that step, it
never suspended, so there was no moment at which a rebalance could have interrupted it, and
``wait_first`` would have delivered it too. If it suspends, the rest of it runs under
``wait_first`` exactly as faust does, so the rebalance safety is unchanged. A pending
suspension (``suspend_flow`` set) sends the message down faust's path from the start.

Two input losses of faust-streaming on partitions that have no committed offset yet are
closed here. ``seek_to_committed`` leaves such a partition where the fetcher stands (aiokafka
seeks only to a committed offset above 0), so records fetched and then discarded around a
rebalance (faust drops the rest of a fetched batch when the flow stops or the generation
changes, and seeks "back to the committed offset" to get them again) were never read again;
here such a partition goes back to its beginning, as ``auto_offset_reset=earliest`` says.
And faust's commit of a partition checks the start of its acked run against the committed
offset only when there is one; here a commit is held while an offset delivered before the
acked run is unacked (``commit_guard``).
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Coroutine, Generator, Mapping
from typing import Any, cast

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaConsumer
from faust.types import TP
from mode import Service

from app.streaming.commit_guard import DeliveredOffsets


@types.coroutine
def _resume(coro: Coroutine[Any, Any, Any], yielded: Any) -> Generator[Any, Any, Any]:
    """Go on with ``coro`` from its suspension on ``yielded`` (a hand-written ``yield from``).

    ``coro`` was stepped once outside any task and stopped on ``yielded`` (a future it waits
    for, or None for a bare yield). The task running this generator waits for that future,
    then sends and throws into ``coro`` as if it had run in the task from the start.
    """
    while True:
        try:
            sent = yield yielded
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:  # noqa: BLE001 - every throw goes on to the coroutine
            try:
                yielded = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                yielded = coro.send(sent)
            except StopIteration as stop:
                return stop.value


async def _rest_of(coro: Coroutine[Any, Any, Any], yielded: Any) -> Any:
    return await _resume(coro, yielded)


def step_inline(coro: Coroutine[Any, Any, Any]) -> Awaitable[Any] | None:
    """Run ``coro`` until it first suspends. None if it finished; else an awaitable of the rest.

    An exception raised before the first suspension propagates here, as an ``await`` would.
    """
    try:
        yielded = coro.send(None)
    except StopIteration:
        return None
    return _rest_of(coro, yielded)


class FastPathConsumer(AIOKafkaConsumer):
    """faust's aiokafka consumer; messages whose callback does not suspend skip ``wait_first``.

    ``fast_deliveries`` and ``guarded_deliveries`` count the two paths (tests and profiles);
    ``held_commits`` counts the commits ``commit_guard`` held back.
    """

    fast_deliveries = 0
    guarded_deliveries = 0
    held_commits = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offsets handed to the streams and not acked yet (commit_guard).
        self.delivered_offsets = DeliveredOffsets()

    def _new_offset(self, tp: TP) -> int | None:
        """Faust's next commit offset for ``tp``, held while an offset delivered before the
        first acked one is still unacked (commit_guard)."""
        held = self.delivered_offsets.holds_commit(tp, self._acked[tp])
        if held is not None:
            self.held_commits += 1
            self.log.info("commit of %s held: offset %d delivered, not acked yet", tp, held)
            return None
        offset: int | None = super()._new_offset(tp)
        return offset

    def ack(self, message: Any) -> bool:
        """Faust's ack, noted by ``commit_guard``."""
        done: bool = super().ack(message)
        self.delivered_offsets.acked(message.tp, message.offset)
        return done

    async def seek_to_committed(self) -> Mapping[TP, int]:
        """Seek every assigned partition to its committed offset, and one without a commit
        to its beginning (faust's aiokafka consumer leaves it where the fetcher stands, past
        records it fetched and discarded)."""
        committed: Mapping[TP, int] = await super().seek_to_committed()
        if self.app.conf.consumer_auto_offset_reset == "earliest":
            never = [tp for tp, offset in committed.items() if offset is None or offset <= 0]
            if never:
                await self._thread.seek_to_beginning(*never)
        return committed

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        """Faust's bookkeeping of revoked partitions goes, and so does ours."""
        await super().on_partitions_revoked(revoked)
        self.delivered_offsets.forget(revoked)

    async def _deliver(self, callback: Any, message: Any) -> None:
        """Faust's ``wait_first(callback(message), suspend_flow.wait())``, without its tasks
        when the callback completes without suspending."""
        suspend_flow = self.suspend_flow
        if self.flow_active and not suspend_flow.is_set():
            rest = step_inline(callback(message))
            if rest is None:
                self.fast_deliveries += 1
                return
        else:
            rest = callback(message)
        self.guarded_deliveries += 1
        await self.wait_first(rest, suspend_flow.wait())

    # The body below is faust-streaming 0.15.3's ``Consumer._drain_messages`` with its
    # ``wait_first`` line replaced by ``_deliver``; keep it in step when upgrading faust.
    async def _drain_messages(self, fetcher: Any) -> None:  # pragma: no cover - see tests
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = cast(Service, self)._stopped.is_set
        fetcher_should_stop = cast(Service, fetcher)._stopped.is_set

        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        set_flag = self.diag.set_flag
        unset_flag = self.diag.unset_flag
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for
        deliver = self._deliver
        delivered = self.delivered_offsets.delivered

        yield_every = 100
        num_since_yield = 0
        sleep = asyncio.sleep

        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                set_flag(CONSUMER_FETCHING)
                ait = getmany(timeout=1.0)
                # Sleeping because sometimes getmany is called in a loop
                # never releasing to the event loop
                await self.sleep(0)
                if not self.should_stop:
                    async for tp, message in ait:
                        num_since_yield += 1
                        if num_since_yield > yield_every:
                            await sleep(0)
                            num_since_yield = 0

                        offset = message.offset
                        r_offset = get_read_offset(tp)
                        if r_offset is None or offset >= r_offset:
                            gap = offset - (r_offset or 0)
                            # We have a gap in income messages
                            if gap > 1 and r_offset and acks_enabled_for(message.topic):
                                await self._add_gap(tp, r_offset + 1, offset)
                            if commit_every is not None and self._n_acked >= commit_every:
                                self._n_acked = 0
                                await self.commit()
                            if acks_enabled_for(message.topic):  # not in faust: commit_guard
                                delivered(tp, offset)
                            await deliver(callback, message)
                            set_read_offset(tp, offset)
                        else:
                            self.log.dev(
                                "DROPPED MESSAGE ROFF %r: k=%r v=%r",
                                offset,
                                message.key,
                                message.value,
                            )
                    unset_flag(CONSUMER_FETCHING)

        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                # we're already stopping so ignore
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                # we're already stopping so ignore
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            unset_flag(CONSUMER_FETCHING)
