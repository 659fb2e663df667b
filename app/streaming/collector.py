"""The garbage collector of a worker process, set once its start-up is done.

Everything built at start-up (the rule tables, vocabularies and lexicons, pydantic's schemas,
Faust's and aiokafka's services) lives as long as the process, yet every full collection
walked it again: a worker holds a batch of articles' objects while it publishes them, so
collections run all the time, and with the start-up heap in them a full one took about
35 ms of CPU (the domain's tables alone: tens of thousands of objects, some of them dicts of
many thousand entries). Frozen (``gc.freeze``), the start-up heap is left out of every
collection; a larger first threshold makes the young collections rarer (each one walks the
objects the batch keeps alive, however few were allocated since the last). Measured with
``scripts/bench_domain.py --collector-batch 200`` (docs/performance.md).
"""

from __future__ import annotations

import gc

# Allocations (net of deallocations) between two young collections. Python's default, 700,
# is a dozen articles' worth (an article's results hold about 60 tracked objects while their
# batch is published); 10,000 leaves at most a few megabytes of cyclic garbage waiting.
YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Collect the start-up garbage, freeze what survives, and raise the first threshold."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
