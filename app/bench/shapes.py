"""The records the worker publishes for each kind of input, measured by running the domain.

The I/O baseline (``io_baseline``) publishes records of these sizes to the same topics without
doing any domain work, so it costs what our record shapes cost Kafka and aiokafka and nothing
else. Shapes are taken in this process, once per distinct article of the corpus (plus each
malformed variant), with the same stage code the worker runs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from app.bench.corpus import MALFORMED_VARIANTS, Corpus
from app.domain.pipeline import Pipeline
from app.settings import Settings
from app.streaming.records import SourceRecord
from app.streaming.stages import fused_stages

Shape = list[tuple[str, int, int]]
"""One input's outputs: (logical topic, key bytes, value bytes) each."""


def output_shapes(settings: Settings, corpus: Corpus, phase_id: str) -> dict[str, list[Shape]]:
    """Shapes per corpus article (``article``) and per malformed variant (``malformed``)."""
    pipeline = Pipeline.from_settings(settings)
    now = datetime.now(UTC)

    def shape(seq: int, template: tuple[str, int]) -> Shape:
        # A correlation id as long as the run's own, so keys and values have the real size.
        value = corpus.template_payload(f"{phase_id}-{seq}", template)
        record = SourceRecord(
            topic=f"{phase_id}.raw",
            partition=0,
            offset=seq,
            key=None,
            value=value,
            timestamp=now.timestamp(),
        )
        return [
            (out.topic, len(out.key), len(out.value))
            for result in fused_stages(pipeline, record, now)
            for out in result.outputs
        ]

    return {
        "article": [shape(i, ("article", i)) for i in range(len(corpus.articles))],
        "malformed": [shape(i, ("malformed", i)) for i in range(MALFORMED_VARIANTS)],
    }


def write_shapes(path: Path, shapes: dict[str, list[Shape]]) -> Path:
    """Save shapes for the I/O baseline process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(shapes))
    return path


def read_shapes(path: Path) -> dict[str, list[Shape]]:
    """Shapes saved by ``write_shapes``."""
    loaded = json.loads(path.read_text())
    return {
        kind: [[(str(t), int(k), int(v)) for t, k, v in shape] for shape in shapes]
        for kind, shapes in loaded.items()
    }


def records_per_article(shapes: dict[str, list[Shape]]) -> dict[str, float]:
    """Mean records and bytes per input over the corpus (malformed at their share)."""
    from app.bench.corpus import MALFORMED_EVERY

    def mean(kind: str, what: int) -> float:
        rows = shapes[kind]
        if what == 0:
            return sum(len(s) for s in rows) / max(len(rows), 1)
        return sum(k + v for s in rows for _, k, v in s) / max(len(rows), 1)

    share = 1 / MALFORMED_EVERY
    return {
        "records": round(mean("article", 0) * (1 - share) + mean("malformed", 0) * share, 3),
        "bytes": round(mean("article", 1) * (1 - share) + mean("malformed", 1) * share, 1),
    }
