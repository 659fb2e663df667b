"""Golden outputs: what the pipeline makes of a fixed set of articles, frozen in files, so that
any change in output shows up as a reviewed diff instead of a silent drift.

Each golden set is a list of items (an id and the raw message a producer would send) run
through ``Pipeline.analyze`` with fixed clocks. Per item the golden record holds the rejection
(if any), the language, the topics (codes, scores to 6 decimals, evidence), the actors (codes,
mention fields, character offsets and kinds), the detection (categories, CAMEO codes,
severity, level, dyad, evidence with rule ids, fields and offsets) and the alert (id, level,
actors, topics).

Licence rule: sets built from ``../shared`` (the 2016 stream, the labelled sentences, the seed
story) hold NO text from it: item ids are line numbers or the files' own record codes, and
every string that comes from the text (evidence phrases, sentences, topic evidence terms) is
replaced by a short hash. Sets of our own fixtures keep their text, which makes their diffs
readable. ``scripts/goldens.py`` writes (``--update``) and checks (``--check``) them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import lzma
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain.pipeline import Analysis, Pipeline
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "tests" / "goldens"
SHARED = ROOT.parent / "shared"
# Validation compares published_at with "now": any time after the newest article works.
NOW = datetime(2027, 1, 1, tzinfo=UTC)
# Labelled sentences carry no date; the evaluation stamps them with its run time. Goldens need
# a fixed one (explicit years near a trigger are judged against the publication year).
LABELLED_PUBLISHED = datetime(2026, 6, 1, tzinfo=UTC)
_SCORE_DECIMALS = 6  # last-bit differences of float sums are not output changes

Item = tuple[str, bytes]  # item id, raw message


@dataclass(frozen=True, slots=True)
class GoldenSet:
    """One golden file: where it lives, how its items are made, whether text may be kept."""

    name: str
    items: Callable[[], Iterator[Item]]
    keeps_text: bool
    needs_shared: bool

    @property
    def path(self) -> Path:
        """The golden file (xz-compressed for the large sets built from ../shared)."""
        return GOLDEN_DIR / (f"{self.name}.jsonl.xz" if self.needs_shared else f"{self.name}.jsonl")


def _raw(url: str, title: str, body: str, published: str) -> bytes:
    document = {"url": url, "title": title, "body": body, "published_at": published}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _stream_items() -> Iterator[Item]:
    path = SHARED / "data" / "articles" / "news_stream_2016H1.jsonl"
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            # The stream's own ids are slugs of the titles: the line number stands in.
            url = f"https://stream.invalid/{number}"
            raw = _raw(url, record["title"], record.get("text") or "", record["date"])
            yield f"stream:{number:04d}", raw


def _csv_items(file: str, prefix: str, key: str | None) -> Iterator[Item]:
    path = SHARED / "data" / "escalation" / file
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            name = row[key] if key else f"{number:04d}"
            url = f"https://labelled.invalid/{prefix}/{number}"
            yield f"{prefix}:{name}", _raw(url, "", row["text"], LABELLED_PUBLISHED.isoformat())


def _labelled_items() -> Iterator[Item]:
    yield from _csv_items("conflibert_pentaclass_train.csv", "conflibert", None)
    yield from _csv_items("plover_gsr_cameo_manual.csv", "plover", "id")
    yield from _csv_items("petrarch2_unittest_records.csv", "petrarch", "id")


def _seed_items() -> Iterator[Item]:
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        url = f"https://seed.invalid/{path.stem}"
        yield f"seed:{path.stem}", _raw(url, title, body, "2020-06-09T00:00:00+00:00")


def _demo_items() -> Iterator[Item]:
    # Raw lines as the demo feed sends them, malformed ones included (they are dead-lettered).
    path = ROOT / "app" / "demo" / "articles.jsonl"
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if line.strip():
            yield f"demo:{number:02d}", line


def _fixture_items() -> Iterator[Item]:
    for path in sorted((ROOT / "tests" / "fixtures").glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                record = json.loads(line)
                url = f"https://fixture.invalid/{path.stem}/{number}"
                raw = _raw(
                    url,
                    record.get("title") or "",
                    record.get("body") or record.get("text") or "",
                    record.get("published_at") or LABELLED_PUBLISHED.isoformat(),
                )
                yield f"{path.stem}:{number:03d}", raw


SETS: tuple[GoldenSet, ...] = (
    GoldenSet("stream_2016", _stream_items, keeps_text=False, needs_shared=True),
    GoldenSet("labelled", _labelled_items, keeps_text=False, needs_shared=True),
    GoldenSet("seed", _seed_items, keeps_text=False, needs_shared=True),
    GoldenSet("demo", _demo_items, keeps_text=True, needs_shared=False),
    GoldenSet("fixtures", _fixture_items, keeps_text=True, needs_shared=False),
)


def short_hash(text: str) -> str:
    """8 hex digits of SHA-256: tells two strings apart without holding either."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def golden_pipeline() -> Pipeline:
    """The pipeline with the packaged rules and default thresholds, whatever the environment."""
    settings = Settings(
        alert_min_level="medium",
        default_language="en",
        rules_path=None,
        judgement="learned",
        judgement_model_path=None,
    )
    return Pipeline.from_settings(settings)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, _SCORE_DECIMALS)


def record_of(item_id: str, analysis: Analysis, keeps_text: bool) -> dict[str, Any]:
    """The golden record of one analysed item."""

    def text(value: str) -> str:
        return value if keeps_text else "#" + short_hash(value)

    record: dict[str, Any] = {"item": item_id}
    if analysis.rejection is not None:
        record["rejection"] = analysis.rejection.error_type
        return record
    tagged = analysis.tagged
    assert tagged is not None  # an accepted article is always tagged
    record["language"] = tagged.language
    record["text"] = short_hash(f"{tagged.title}\n{tagged.body}")
    # Without text, a topic's evidence terms are one hash of the list (their order matters).
    record["topics"] = [
        [
            t.code,
            round(t.score, _SCORE_DECIMALS),
            t.evidence if keeps_text else "#" + short_hash("|".join(t.evidence)),
        ]
        for t in tagged.topics
    ]
    record["actors"] = [
        [a.code, [[m.field, m.start, m.end, m.kind] for m in a.mentions]] for a in tagged.actors
    ]
    detection = analysis.detection
    if detection is None:
        record["detection"] = None
    else:
        record["detection"] = {
            "severity": detection.severity,
            "level": detection.severity_level,
            "dyad": None
            if detection.dyad is None
            else [detection.dyad.source, detection.dyad.target],
            "categories": [
                {
                    "category": c.category,
                    "cameo": c.cameo_code,
                    "plover": c.plover_type,
                    "quad": c.quad_class,
                    "goldstein": c.goldstein,
                    # Without text the phrase is its offsets into the hashed text.
                    "evidence": [
                        [e.rule_id, e.field, e.start, e.end]
                        + ([e.phrase, e.sentence] if keeps_text else [text(e.sentence)])
                        for e in c.evidence
                    ],
                }
                for c in detection.categories
            ],
            # The main event and the learned layer's probabilities (reasons are derived).
            "judgement": None
            if detection.judgement is None
            else [
                detection.judgement.mode,
                detection.judgement.rule_id,
                detection.judgement.field,
                _rounded(detection.judgement.p_high),
                _rounded(detection.judgement.p_alert),
            ],
        }
    alert = analysis.alert
    record["alert"] = (
        None
        if alert is None
        else {
            "id": alert.alert_id,
            "level": alert.severity_level,
            "actors": alert.actors,
            "topics": [t.code for t in alert.topics],
        }
    )
    return record


def compute(golden: GoldenSet, pipeline: Pipeline) -> list[dict[str, Any]]:
    """The golden records of a set, as the pipeline makes them now."""
    return [
        record_of(item_id, pipeline.analyze(raw, NOW), golden.keeps_text)
        for item_id, raw in golden.items()
    ]


def dumps(records: list[dict[str, Any]]) -> bytes:
    """One JSON object per line, keys sorted: stable bytes for the same records."""
    lines = (json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(golden: GoldenSet, records: list[dict[str, Any]]) -> None:
    """Write a golden file (xz holds no timestamp: same records, same bytes)."""
    data = dumps(records)
    golden.path.parent.mkdir(parents=True, exist_ok=True)
    if golden.path.suffix == ".xz":
        data = lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)
    golden.path.write_bytes(data)


def read(golden: GoldenSet) -> list[dict[str, Any]]:
    """The records of a golden file."""
    data = golden.path.read_bytes()
    if golden.path.suffix == ".xz":
        data = lzma.decompress(data)
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line]


@dataclass(frozen=True, slots=True)
class Change:
    """One item whose output differs from its golden record."""

    item: str
    fields: dict[str, tuple[Any, Any]]  # field -> (golden, now); a missing item is None


def compare(golden: list[dict[str, Any]], now: list[dict[str, Any]]) -> list[Change]:
    """The items that differ, in golden order (then new items)."""
    before = {r["item"]: r for r in golden}
    after = {r["item"]: r for r in now}
    changes = []
    for item in [*before, *(i for i in after if i not in before)]:
        old, new = before.get(item), after.get(item)
        if old == new:
            continue
        if old is None or new is None:
            changes.append(Change(item, {"(item)": (old, new)}))
            continue
        fields = {
            key: (old.get(key), new.get(key))
            for key in sorted(old.keys() | new.keys())
            if old.get(key) != new.get(key)
        }
        changes.append(Change(item, fields))
    return changes


def describe(changes: list[Change], limit: int) -> Iterator[str]:
    """A readable diff: a summary by field, then up to ``limit`` items field by field."""
    counts: dict[str, int] = {}
    for change in changes:
        for key in change.fields:
            counts[key] = counts.get(key, 0) + 1
    yield f"{len(changes)} item(s) differ; by field: " + ", ".join(
        f"{key} {count}" for key, count in sorted(counts.items())
    )
    for change in changes[:limit]:
        yield f"  {change.item}"
        for key, (old, new) in change.fields.items():
            yield f"    {key}:"
            yield f"      - {json.dumps(old, sort_keys=True, ensure_ascii=False)}"
            yield f"      + {json.dumps(new, sort_keys=True, ensure_ascii=False)}"
    if len(changes) > limit:
        yield f"  ... and {len(changes) - limit} more (--limit)"
