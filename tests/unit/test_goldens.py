"""Our own fixtures (the demo feed, tests/fixtures) through the pipeline equal their golden
files; every golden file stays small enough to track."""

from __future__ import annotations

import pytest

from app.evaluation.goldens import (
    GOLDEN_DIR,
    SETS,
    GoldenSet,
    compare,
    compute,
    describe,
    golden_pipeline,
)
from app.evaluation.goldens import read as read_golden

OWN_SETS = [golden for golden in SETS if not golden.needs_shared]


@pytest.mark.parametrize("golden", OWN_SETS, ids=lambda g: g.name)
def test_outputs_equal_the_goldens(golden: GoldenSet) -> None:
    changes = compare(read_golden(golden), compute(golden, golden_pipeline()))
    assert not changes, "\n".join(describe(changes, limit=15))


def test_golden_files_stay_under_one_megabyte() -> None:
    files = sorted(GOLDEN_DIR.iterdir())
    assert {golden.path for golden in SETS} <= set(files)
    for path in files:
        assert path.stat().st_size < 1_000_000, path
