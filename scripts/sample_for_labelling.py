"""Draw the article sample for the article-level labels (docs/labelling.md).

Strata, so that the labels are not the detector's opinion:
- ``uniform``: articles drawn uniformly from the whole stream (estimates stream-wide shares);
- ``kw-<level>``: articles with at least two conflict words (a plain word list, independent of
  the rules) by the detector's level at sampling time (high+, medium, none/low): the last
  stratum holds the escalations the detector misses;
- ``nokw-<level>``: articles without conflict words that the detector alerts on anyway (the
  likely false alarms);
- ``world-<level>``: a second round (batch 4), drawn after the first had too few conflict-related
  articles: articles with at least three conflict words that name a country other than the
  United States, again by the detector's level (high+, medium, none/low);
- a third round (batches 5 and 6), drawn because the labels of the first two held 219
  conflict-related articles, fewer than the 250 wanted: more of the same world strata.

Writes ``--out`` (one ``{"id", "stratum", "batch"}`` per line) and, with ``--batches DIR``, one
file of ids per labelling batch, which is all a labeller sees. Run with the repository's venv:
``python scripts/sample_for_labelling.py --out tests/data/article_sample.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from app.domain.pipeline import Pipeline
from app.evaluation.labelled_stream import raw_article_of
from app.settings import Settings

STREAM = Path(__file__).resolve().parents[2] / "shared/data/articles/news_stream_2016H1.jsonl"
SEED = 2016
QUOTAS = {
    "uniform": 220,
    "kw-high": 110,
    "kw-medium": 110,
    "kw-none": 110,
    "nokw-high": 60,
    "nokw-medium": 50,
}
BATCHES = 3
WORLD_QUOTAS = {"world-high": 110, "world-medium": 110, "world-none": 100}
THIRD_QUOTAS = {"world-high": 90, "world-medium": 60}
_CONFLICT_WORDS = re.compile(
    r"\b(?:war|wars|military|troops|soldiers|army|missiles?|rockets?|nuclear|attacks?|"
    r"strikes?|airstrikes?|bomb\w*|killed|clash\w*|sanctions?|militants?|rebels?|insurgents?|"
    r"fighters|ceasefire|truce|threat\w*|warn\w*|border|navy|warships?|drills?|"
    r"terror\w*|shelling|artillery|invasion|hostages?|detained|expel\w*)\b",
    re.IGNORECASE,
)


def strata_of(pipeline: Pipeline, row: dict[str, str]) -> tuple[str | None, str | None]:
    """The row's first-round stratum outside the uniform draw, and its second-round stratum;
    None where it belongs to none."""
    text = f"{row['title']}\n{row['text'] or ''}"
    words = len(_CONFLICT_WORDS.findall(text))
    payload = json.dumps(raw_article_of(row)).encode()
    analysis = pipeline.analyze(payload, datetime(2016, 12, 31, tzinfo=UTC))
    detection = analysis.detection
    level = detection.severity_level if detection is not None else "none"
    band = {"critical": "high", "high": "high", "medium": "medium"}.get(level, "none")
    foreign = analysis.tagged is not None and any(
        actor.code != "USA" for actor in analysis.tagged.actors
    )
    world = f"world-{band}" if words >= 3 and foreign else None
    if words >= 2:
        return f"kw-{band}", world
    return (None if band == "none" else f"nokw-{band}"), world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stream", type=Path, default=STREAM)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--batches", type=Path, default=None)
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.stream.open(encoding="utf-8") if line.strip()]
    rng = random.Random(SEED)
    order = list(range(len(rows)))
    rng.shuffle(order)
    chosen: dict[int, str] = dict.fromkeys(order[: QUOTAS["uniform"]], "uniform")

    pipeline = Pipeline.from_settings(Settings())
    pools: dict[str, list[int]] = {name: [] for name in QUOTAS if name != "uniform"}
    world: dict[str, list[int]] = {name: [] for name in WORLD_QUOTAS}
    for index in order[QUOTAS["uniform"] :]:
        first, second = strata_of(pipeline, rows[index])
        if first is not None:
            pools[first].append(index)
        if second is not None:
            world[second].append(index)
    for name, pool in pools.items():
        for index in pool[: QUOTAS[name]]:
            chosen[index] = name
        print(f"{name}: {min(len(pool), QUOTAS[name])} of {len(pool)}")

    sample = list(chosen.items())
    rng.shuffle(sample)
    batch_of = {index: position % BATCHES + 1 for position, (index, _) in enumerate(sample)}
    second_round: list[tuple[int, str]] = []
    for name, pool in world.items():
        fresh = [index for index in pool if index not in chosen]
        second_round += [(index, name) for index in fresh[: WORLD_QUOTAS[name]]]
        print(f"{name}: {min(len(fresh), WORLD_QUOTAS[name])} of {len(fresh)}")
    rng.shuffle(second_round)
    batch_of.update({index: BATCHES + 1 for index, _ in second_round})
    sample += second_round
    taken = {index for index, _ in sample}
    third_round: list[tuple[int, str]] = []
    for name, quota in THIRD_QUOTAS.items():
        fresh = [index for index in world[name] if index not in taken]
        third_round += [(index, name) for index in fresh[:quota]]
        print(f"third round {name}: {min(len(fresh), quota)} of {len(fresh)}")
    rng.shuffle(third_round)
    batch_of.update(
        {index: BATCHES + 2 + position % 2 for position, (index, _) in enumerate(third_round)}
    )
    sample += third_round
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for index, stratum in sample:
            record = {"id": rows[index]["id"], "stratum": stratum, "batch": batch_of[index]}
            out.write(json.dumps(record) + "\n")
    if args.batches is not None:
        args.batches.mkdir(parents=True, exist_ok=True)
        for batch in range(1, BATCHES + 4):
            ids = [rows[i]["id"] for i, _ in sample if batch_of[i] == batch]
            (args.batches / f"batch_{batch}.txt").write_text("\n".join(ids) + "\n")
    print(f"{len(sample)} articles:", dict(Counter(stratum for _, stratum in sample)))


if __name__ == "__main__":
    main()
