"""The worker's garbage-collector settings (app/streaming/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.streaming.collector import YOUNG_THRESHOLD, settle_heap


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_settle_heap_freezes_what_exists_and_raises_the_young_threshold() -> None:
    survivor = {"lives": ["as long as the process"]}
    middle, old = gc.get_threshold()[1:]
    settle_heap()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_THRESHOLD, middle, old)
    # What was frozen is left out of collections, not lost.
    gc.collect()
    assert survivor["lives"] == ["as long as the process"]
