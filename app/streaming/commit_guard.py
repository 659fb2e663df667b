"""Offsets handed to the streams and not acked yet: a commit never passes one.

faust-streaming 0.15.3 commits a partition up to the end of its first run of consecutive acked
offsets (``Consumer._new_offset``). It checks the start of that run against the committed
offset only when there is one (``if committed_offset:``), and lets the run start one offset
after the commit (``> 1``). An offset that was handed to the streams and not acked (an event
dropped as stale by a rebalance, to be read again) can therefore be passed over when a later
one is acked first, for example one prefetched before the rebalance; on a partition with
nothing committed yet, any number of them.

``DeliveredOffsets`` remembers each offset delivered to the streams until it is acked. It keeps
them through faust's revocation, which forgets its own acked offsets before it commits the
events still in flight. The consumer holds a partition's commit while one of them lies before
the acked run. No Faust import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable


class DeliveredOffsets:
    """Per partition, the delivered offsets not acked yet."""

    def __init__(self) -> None:
        self._pending: defaultdict[Hashable, set[int]] = defaultdict(set)

    def delivered(self, tp: Hashable, offset: int) -> None:
        """An event at ``offset`` was handed to the streams."""
        self._pending[tp].add(offset)

    def forget(self, tps: Iterable[Hashable]) -> None:
        """The partitions left this worker: whoever owns them reads from the commit."""
        for tp in tps:
            self._pending.pop(tp, None)

    def acked(self, tp: Hashable, offset: int) -> None:
        """The event at ``offset`` was acked (its outputs are buffered)."""
        pending = self._pending.get(tp)
        if pending is not None:
            pending.discard(offset)

    def holds_commit(self, tp: Hashable, acked: list[int]) -> int | None:
        """The unacked offset that forbids committing ``tp`` now, if any: one delivered before
        the first acked offset (a commit from the acked run would pass it)."""
        pending = self._pending.get(tp)
        if not acked or not pending:
            return None
        first = min(pending)
        return first if first < min(acked) else None
