"""Offsets handed to the streams and not acked yet: a commit never passes one, and a refetch
of one is delivered again.

faust-streaming 0.15.3 has two gaps around a rebalance that together can lose input:
- It commits a partition up to the end of its first run of consecutive acked offsets
  (``Consumer._new_offset``), and checks the start of that run against the committed offset
  only when there is one (``if committed_offset:``), allowing it to start one offset after the
  commit (``> 1``). An unacked offset before the run can be passed over.
- Its drain loop drops a fetched record whose offset is below the last offset it delivered
  for the partition (``offset >= r_offset``), on the assumption that it was delivered already.
Under a rebalance the events fetched before it are dropped by the streams (stale generation)
and the partition is read again from its committed offset, while records prefetched under the
old assignment, with higher offsets, can still arrive and be acked first. They raise the drain
loop's read offset, so the dropped events, fetched again, are dropped once more, and on a
partition with nothing committed yet faust commits past them: they are lost.

``DeliveredOffsets`` remembers each offset delivered to the streams until it is acked or a
commit covers it. The consumer holds a partition's commit while one of them lies before the
acked run, and delivers a refetched record again when it is one of them. No Faust import: the
consumer passes its own bookkeeping in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from collections.abc import Set as AbstractSet


class DeliveredOffsets:
    """Per partition, the delivered offsets not yet known to be acked or committed."""

    def __init__(self) -> None:
        self._pending: defaultdict[Hashable, set[int]] = defaultdict(set)

    def delivered(self, tp: Hashable, offset: int) -> None:
        """An event at ``offset`` was handed to the streams."""
        self._pending[tp].add(offset)

    def forget(self, tps: Iterable[Hashable]) -> None:
        """The partitions left this worker: whoever owns them reads from the commit."""
        for tp in tps:
            self._pending.pop(tp, None)

    def unacked(
        self, tp: Hashable, offset: int, acked: AbstractSet[int], committed: int | None
    ) -> bool:
        """Whether ``offset`` was delivered, not acked and not committed (so a refetch of it
        must go through)."""
        pending = self._pending.get(tp)
        return (
            pending is not None
            and offset in pending
            and offset not in acked
            and (committed is None or offset >= committed)
        )

    def holds_commit(
        self, tp: Hashable, acked: list[int], acked_index: AbstractSet[int], committed: int | None
    ) -> int | None:
        """The unacked offset that forbids committing ``tp`` now, if any: one delivered before
        the first acked offset (a commit from the acked run would pass it)."""
        pending = self._pending.get(tp)
        if not pending:
            return None
        pending.difference_update(acked_index)
        if committed is not None:
            pending.difference_update([o for o in pending if o < committed])
        if not acked or not pending:
            return None
        first = min(pending)
        return first if first < min(acked) else None
