"""Offsets handed to the streams and not acked yet: a commit must never pass one of them.

faust-streaming 0.15.3 commits, per partition, up to the end of the first run of consecutive
acked offsets (``Consumer._new_offset``). It checks the head of that run against the committed
offset only when there is one (``if committed_offset:``), and lets the run start one offset
after it (``> 1``). A partition that was never committed, or an offset just after the commit,
can therefore be passed over while it is still unacked. That happens under a rebalance: the
events fetched before it are dropped (stale generation, to be read again from the committed
offset), while an event prefetched before it with a higher offset arrives under the new
generation and is acked first. If the partition then moves to another worker before the
dropped events are read again, the commit has skipped them: they are lost.

``DeliveredOffsets`` remembers every offset delivered to the streams until a commit covers it
or it is acked; the consumer holds a partition's commit while the lowest such offset lies
before the acked run. No Faust import: the consumer passes its own bookkeeping in.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable
from collections.abc import Set as AbstractSet


class DeliveredOffsets:
    """Per partition, the delivered offsets not yet known to be acked or committed."""

    def __init__(self) -> None:
        self._pending: defaultdict[Hashable, list[int]] = defaultdict(list)

    def delivered(self, tp: Hashable, offset: int) -> None:
        """An event at ``offset`` was handed to the streams (again, after a refetch: fine)."""
        heapq.heappush(self._pending[tp], offset)

    def forget(self, tps: Iterable[Hashable]) -> None:
        """The partitions left this worker: whoever owns them reads from the commit."""
        for tp in tps:
            self._pending.pop(tp, None)

    def first_unacked(
        self, tp: Hashable, acked: AbstractSet[int], committed: int | None
    ) -> int | None:
        """The lowest delivered offset that is neither acked nor below the commit."""
        pending = self._pending.get(tp)
        while pending and (
            pending[0] in acked or (committed is not None and pending[0] < committed)
        ):
            heapq.heappop(pending)
        return pending[0] if pending else None

    def holds_commit(
        self, tp: Hashable, acked: list[int], acked_index: AbstractSet[int], committed: int | None
    ) -> int | None:
        """The unacked offset that forbids committing ``tp`` now, if any: one that was
        delivered before the first acked offset (a commit from there would pass it)."""
        if not acked:
            return None
        first = self.first_unacked(tp, acked_index, committed)
        return first if first is not None and first < min(acked) else None
