"""The pipeline's outputs on the 2016 stream, the labelled sentences and the seed story equal
their golden files (tests/goldens/*.xz); and those files hold no text from ../shared.

A difference fails with the readable diff of ``scripts/goldens.py --check``. When it is
intended, regenerate with ``--update`` and explain every difference in the commit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.domain.pipeline import Pipeline
from app.evaluation.goldens import SETS, GoldenSet, compare, compute, describe, golden_pipeline
from app.evaluation.goldens import read as read_golden

pytestmark = pytest.mark.data

SHARED_SETS = [golden for golden in SETS if golden.needs_shared]
# Every string a golden of ../shared data may hold: ids, codes, hashes, names of our own.
_ALLOWED = re.compile(
    r"(?:stream|conflibert|plover|petrarch|seed):[\w.-]+"  # item ids
    r"|#?[0-9a-f]{8}"  # short hashes
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # alert ids
    r"|medtop:\d{8}|[A-Z]{3}|\d{2,4}|[A-Z_]+"  # topic, actor, CAMEO codes, PLOVER types
    r"|[a-z]{2}|[a-z_]+|[a-z_]+\.[a-z_]+"  # languages, fields, kinds, levels, rule ids
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return golden_pipeline()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("golden", SHARED_SETS, ids=lambda g: g.name)
def test_outputs_equal_the_goldens(golden: GoldenSet, pipeline: Pipeline, shared_dir: Path) -> None:
    assert golden.path.exists(), f"{golden.path} is missing: scripts/goldens.py --update"
    changes = compare(read_golden(golden), compute(golden, pipeline))
    assert not changes, "\n".join(describe(changes, limit=15))


@pytest.mark.parametrize("golden", SHARED_SETS, ids=lambda g: g.name)
def test_goldens_of_shared_data_hold_no_text(golden: GoldenSet, shared_dir: Path) -> None:
    records = read_golden(golden)
    assert records
    odd = {s for record in records for s in _strings(record) if not _ALLOWED.fullmatch(s)}
    assert not odd, sorted(odd)[:10]
