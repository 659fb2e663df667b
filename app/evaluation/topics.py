"""Topic evaluation: run labelled JSONL through the real validate and tag stages, then score.

The input is one JSON object per line with ``title``, ``text`` and ``label``; a label map says
which IPTC codes stand for each dataset label. An article's prediction is the label whose codes
carry the highest tag score (ties go to the label listed first in the map), so the figures
measure exactly what the worker publishes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.evaluation.jsonl import EvalInputError, raw_article, read_records

REJECTED = "(rejected)"
_CODE = re.compile(r"^medtop:\d{8}$")


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One labelled article from the JSONL file."""

    line: int
    title: str
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class LabelScores:
    """Precision, recall and F1 of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Accuracy, macro-F1, per-label figures and the confusion matrix of one run."""

    n: int
    accuracy: float
    macro_f1: float
    per_label: list[LabelScores]
    labels: list[str]
    # confusion[gold][predicted] = count; predicted may also be REJECTED.
    confusion: dict[str, dict[str, int]]
    rejected: int
    rejections: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready data."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "rejected": self.rejected,
            "rejections": self.rejections,
            "labels": self.labels,
            "per_label": {
                s.label: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                }
                for s in self.per_label
            },
            "confusion": self.confusion,
        }


def read_items(path: Path) -> list[EvalItem]:
    """Read the labelled JSONL file; blank lines are skipped, malformed ones are errors."""
    items: list[EvalItem] = []
    for number, record in read_records(path):
        label, text, title = record.get("label"), record.get("text"), record.get("title", "")
        if not isinstance(label, str) or not isinstance(text, str):
            raise EvalInputError(f"{path}:{number}: 'label' and 'text' must be strings")
        if not isinstance(title, str):
            raise EvalInputError(f"{path}:{number}: 'title' must be a string")
        items.append(EvalItem(number, title, text, label))
    return items


def load_label_map(path: Path) -> dict[str, list[str]]:
    """Read the label -> IPTC codes map, keeping its order (it breaks ties)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EvalInputError(f"{path}: not JSON ({exc.msg})") from exc
    if not isinstance(raw, dict) or not raw:
        raise EvalInputError(f"{path}: expected a non-empty object of label -> [codes]")
    mapping: dict[str, list[str]] = {}
    for label, codes in raw.items():
        if not isinstance(codes, list) or not codes:
            raise EvalInputError(f"{path}: label {label!r} needs a non-empty list of codes")
        for code in codes:
            if not isinstance(code, str) or not _CODE.match(code):
                raise EvalInputError(f"{path}: {code!r} is not an IPTC code like medtop:15000000")
        mapping[label] = list(codes)
    return mapping


def predict(
    pipeline: Pipeline, item: EvalItem, label_map: dict[str, list[str]], now: datetime
) -> tuple[str, str | None]:
    """Run validate + tag on one item; return (predicted label, rejection reason or None)."""
    result = pipeline.validate(raw_article(item.line, item.title, item.text, now), now)
    if isinstance(result, Rejection):
        return REJECTED, result.error_type
    tagged = pipeline.tag(result)
    scores = {tag.code: tag.score for tag in tagged.topics}
    best_label, best_score = next(iter(label_map)), -1.0
    for label, codes in label_map.items():
        score = max(scores.get(code, 0.0) for code in codes)
        if score > best_score:  # strict: the earlier label wins a tie
            best_label, best_score = label, score
    return best_label, None


def score_predictions(
    gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str]
) -> EvalReport:
    """Accuracy, macro-F1 over ``labels``, per-label figures and the confusion matrix."""
    label_list = list(labels)
    confusion: dict[str, dict[str, int]] = {g: {} for g in label_list}
    for g, p in zip(gold, predicted, strict=True):
        row = confusion.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    per_label = []
    for label in label_list:
        tp = confusion.get(label, {}).get(label, 0)
        predicted_n = sum(row.get(label, 0) for row in confusion.values())
        support = sum(confusion.get(label, {}).values())
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label.append(LabelScores(label, precision, recall, f1, support))
    n = len(gold)
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    # Macro-F1 averages the labels that occur in the data, as usual for a labelled test set.
    present = [s for s in per_label if s.support]
    macro_f1 = sum(s.f1 for s in present) / len(present) if present else 0.0
    return EvalReport(
        n=n,
        accuracy=correct / n if n else 0.0,
        macro_f1=macro_f1,
        per_label=per_label,
        labels=label_list,
        confusion=confusion,
        rejected=sum(1 for p in predicted if p == REJECTED),
    )


def evaluate(
    items: Sequence[EvalItem],
    label_map: dict[str, list[str]],
    pipeline: Pipeline,
    now: datetime | None = None,
) -> EvalReport:
    """Predict every item through the pipeline and score the predictions."""
    unknown = sorted({item.label for item in items} - set(label_map))
    if unknown:
        raise EvalInputError(f"labels missing from the map: {', '.join(unknown)}")
    now = now or datetime.now(UTC)
    predicted: list[str] = []
    rejections: dict[str, int] = {}
    for item in items:
        label, reason = predict(pipeline, item, label_map, now)
        predicted.append(label)
        if reason is not None:
            rejections[reason] = rejections.get(reason, 0) + 1
    report = score_predictions([item.label for item in items], predicted, label_map)
    return replace(report, rejections=rejections)
