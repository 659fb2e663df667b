"""Escalation evaluation: labelled JSONL through the real pipeline, scored as binary
conflict-vs-not. The prediction is 1 exactly when the worker would publish an alert, so the
figures measure what operators get at the configured ``alert_min_level``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.domain.pipeline import Pipeline
from app.evaluation.jsonl import EvalInputError, read_records
from app.evaluation.jsonl import raw_article as _raw_article
from schemas import AlertCategory


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One labelled text: ``label`` 1 reports conflict or escalation, 0 does not.
    ``published`` is the item's own date when the file gives one (``date`` or
    ``published_at``); otherwise the evaluation's run time stands in for it."""

    line: int
    title: str
    text: str
    label: int
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the pipeline made of one item."""

    item: EvalItem
    predicted: int
    severity: float | None
    level: str | None
    categories: list[AlertCategory]
    rejection: str | None


@dataclass(frozen=True, slots=True)
class EscalationReport:
    """Binary scores and the outcomes behind them."""

    tp: int
    fp: int
    tn: int
    fn: int
    outcomes: list[Outcome]

    @property
    def n(self) -> int:
        """Items scored."""
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0.0 when nothing was predicted positive."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0.0 when there are no positives."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0.0 when both are 0."""
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    def errors(self, kind: str, limit: int) -> list[Outcome]:
        """The first ``limit`` false positives (``"fp"``) or false negatives (``"fn"``)."""
        wanted = (0, 1) if kind == "fp" else (1, 0)
        found = [o for o in self.outcomes if (o.item.label, o.predicted) == wanted]
        return found[:limit]

    def to_dict(self) -> dict[str, object]:
        """The figures as JSON-ready data."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "rejected": sum(1 for o in self.outcomes if o.rejection is not None),
        }


def read_items(path: Path) -> list[EvalItem]:
    """Read ``text`` / optional ``title`` / ``label`` (0 or 1) lines; blank lines are skipped."""
    items: list[EvalItem] = []
    for number, record in read_records(path):
        text, title, label = record.get("text"), record.get("title") or "", record.get("label")
        if not isinstance(text, str) or not isinstance(title, str):
            raise EvalInputError(f"{path}:{number}: 'text' (and 'title') must be strings")
        if isinstance(label, str) and label.strip() in ("0", "1"):
            label = int(label)
        if isinstance(label, bool) or label not in (0, 1):
            raise EvalInputError(f"{path}:{number}: 'label' must be 0 or 1, got {label!r}")
        try:
            published = _published(record.get("published_at") or record.get("date"))
        except ValueError as exc:
            raise EvalInputError(f"{path}:{number}: 'date' must be ISO 8601 ({exc})") from exc
        items.append(EvalItem(number, title, text, int(label), published))
    return items


def raw_article(item: EvalItem, now: datetime) -> bytes:
    """The raw JSON message a producer would send for this item."""
    return _raw_article(item.line, item.title, item.text, item.published or now)


def evaluate(
    items: Iterable[EvalItem], pipeline: Pipeline, now: datetime | None = None
) -> EscalationReport:
    """Run every item through ``pipeline.analyze`` (the worker's code path) and score it."""
    now = now or datetime.now(UTC)
    counts = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
    outcomes: list[Outcome] = []
    for item in items:
        analysis = pipeline.analyze(raw_article(item, now), now)
        predicted = int(analysis.alert is not None)
        detection = analysis.detection
        outcomes.append(
            Outcome(
                item=item,
                predicted=predicted,
                severity=detection.severity if detection else None,
                level=detection.severity_level if detection else None,
                categories=list(detection.categories) if detection else [],
                rejection=analysis.rejection.error_type if analysis.rejection else None,
            )
        )
        key = ("t" if predicted == item.label else "f") + ("p" if predicted else "n")
        counts[key] += 1
    return EscalationReport(outcomes=outcomes, **counts)


def _published(value: object) -> datetime | None:
    """An item's date as an aware datetime (UTC when no zone is given); None when absent.

    Raises:
        ValueError: the value is not an ISO 8601 date or date-time.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"got {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
