"""Article-level evaluation: whole labelled articles through the real pipeline, scored as an
operator who is paged on high/critical alerts would score them (docs/labelling.md).

Labels are ``quiet``, ``medium`` or ``high`` (high or critical). A prediction is "high" when the
pipeline's detection reaches ``high``; an article "alerts" when the pipeline publishes an alert
at the configured ``alert_min_level``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from app.domain.pipeline import Pipeline
from app.evaluation.jsonl import EvalInputError, read_records
from schemas import AlertCategory, Dyad, Judgement

Label = Literal["quiet", "medium", "high"]
_LABELS: tuple[Label, ...] = ("quiet", "medium", "high")
_HIGH_LEVELS = ("high", "critical")


@dataclass(frozen=True, slots=True)
class GoldDyad:
    """Who acts on whom in the article's main event; ``None`` sides are not states. The
    ``*_alt`` codes are accepted too (several states acting or acted on together)."""

    source: str | None
    target: str | None
    source_alt: tuple[str, ...] = ()
    target_alt: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Both sides are states: only such dyads are scored."""
        return self.source is not None and self.target is not None

    def matches(self, predicted: Dyad | None) -> bool:
        """True when the predicted source and target are both acceptable."""
        if predicted is None:
            return False
        return predicted.source in (self.source, *self.source_alt) and predicted.target in (
            self.target,
            *self.target_alt,
        )


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """One line of the evaluation file: the raw article as a producer sends it, its label."""

    line: int
    payload: bytes
    title: str
    label: Label
    dyad: GoldDyad | None
    ref: str


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """What the pipeline made of one labelled article."""

    item: LabelledArticle
    severity: float
    level: str | None
    alerted: bool
    dyad: Dyad | None
    categories: list[AlertCategory] = field(default_factory=list)
    rejection: str | None = None
    judgement: Judgement | None = None

    @property
    def predicted_high(self) -> bool:
        """The detection reaches high or critical."""
        return self.level in _HIGH_LEVELS


ARTICLE_FIGURES = (
    "precision_high",
    "recall_high",
    "false_high_rate",
    "dyad_accuracy",
    "severity_auc",
    "alert_rate",
    "labelled_alert_share",
)
"""The headline figures of an ``ArticleReport``, in the order the reports print them."""


@dataclass(frozen=True, slots=True)
class ArticleReport:
    """The article-level figures and the outcomes behind them."""

    outcomes: list[ArticleOutcome]

    @property
    def n(self) -> int:
        """Articles scored."""
        return len(self.outcomes)

    def _count(self, label: Label | None = None, high: bool | None = None) -> int:
        return sum(
            1
            for o in self.outcomes
            if (label is None or o.item.label == label)
            and (high is None or o.predicted_high == high)
        )

    @property
    def precision_high(self) -> float:
        """Of the articles predicted high+, the share labelled high."""
        return _ratio(self._count("high", True), self._count(None, True))

    @property
    def recall_high(self) -> float:
        """Of the articles labelled high, the share predicted high+."""
        return _ratio(self._count("high", True), self._count("high"))

    @property
    def false_high_rate(self) -> float:
        """Of the quiet articles, the share predicted high+."""
        return _ratio(self._count("quiet", True), self._count("quiet"))

    @property
    def dyad_accuracy(self) -> float:
        """Over label-high articles whose gold dyad has two states: source and target right."""
        scored = [
            o
            for o in self.outcomes
            if o.item.label == "high" and o.item.dyad and o.item.dyad.complete
        ]
        right = sum(1 for o in scored if o.item.dyad is not None and o.item.dyad.matches(o.dyad))
        return _ratio(right, len(scored))

    @property
    def severity_auc(self) -> float:
        """ROC AUC of the severity score (0 when nothing was detected), high vs the rest."""
        return roc_auc(
            [o.severity for o in self.outcomes], [o.item.label == "high" for o in self.outcomes]
        )

    @property
    def alert_rate(self) -> float:
        """Share of articles that raise an alert at the configured threshold."""
        return _ratio(sum(1 for o in self.outcomes if o.alerted), self.n)

    @property
    def labelled_alert_share(self) -> float:
        """Share of articles labelled medium or high: what the alert rate should approach."""
        return _ratio(self.n - self._count("quiet"), self.n)

    def confusion(self) -> dict[str, dict[str, int]]:
        """Gold label -> predicted level (``none`` when nothing was detected) -> count."""
        table: dict[str, dict[str, int]] = {label: {} for label in _LABELS}
        for o in self.outcomes:
            row = table[o.item.label]
            level = o.level or "none"
            row[level] = row.get(level, 0) + 1
        return table

    def misses(self, limit: int) -> list[ArticleOutcome]:
        """Label-high articles not predicted high, lowest severity first."""
        found = [o for o in self.outcomes if o.item.label == "high" and not o.predicted_high]
        return sorted(found, key=lambda o: o.severity)[:limit]

    def false_alarms(self, limit: int) -> list[ArticleOutcome]:
        """Quiet articles predicted high+, highest severity first."""
        found = [o for o in self.outcomes if o.item.label == "quiet" and o.predicted_high]
        return sorted(found, key=lambda o: -o.severity)[:limit]

    def wrong_dyads(self, limit: int) -> list[ArticleOutcome]:
        """Label-high articles with a two-state gold dyad that came out with another dyad."""
        found = [
            o
            for o in self.outcomes
            if o.item.label == "high"
            and o.item.dyad is not None
            and o.item.dyad.complete
            and not o.item.dyad.matches(o.dyad)
        ]
        return found[:limit]

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        return {
            "n": self.n,
            "precision_high": round(self.precision_high, 4),
            "recall_high": round(self.recall_high, 4),
            "false_high_rate": round(self.false_high_rate, 4),
            "dyad_accuracy": round(self.dyad_accuracy, 4),
            "severity_auc": round(self.severity_auc, 4),
            "alert_rate": round(self.alert_rate, 4),
            "labelled_alert_share": round(self.labelled_alert_share, 4),
            "labels": {label: self._count(label) for label in _LABELS},
            "confusion": self.confusion(),
            "rejected": sum(1 for o in self.outcomes if o.rejection is not None),
        }


def read_labelled_articles(path: Path) -> list[LabelledArticle]:
    """Read the evaluation file: ``url``, ``title``, ``body`` or ``text``, ``published_at``
    (or ``date``), ``label`` and optional ``dyad`` per line.

    Raises:
        EvalInputError: a line is not usable, with its file and line number.
    """
    items: list[LabelledArticle] = []
    for number, record in read_records(path):
        where = f"{path}:{number}"
        label = record.get("label")
        if label not in _LABELS:
            raise EvalInputError(f"{where}: 'label' must be one of {_LABELS}, got {label!r}")
        title = record.get("title") or ""
        body = record.get("body", record.get("text"))
        if not isinstance(title, str) or not isinstance(body, str):
            raise EvalInputError(f"{where}: 'title' and 'body' (or 'text') must be strings")
        raw = {key: value for key, value in record.items() if key not in _LABEL_KEYS}
        raw.setdefault("url", f"https://eval.invalid/{number}")
        raw.setdefault("published_at", raw.pop("date", None))
        ref = str(record.get("id") or raw["url"])
        items.append(
            LabelledArticle(
                line=number,
                payload=_dumps(raw),
                title=title,
                label=label,
                dyad=_gold_dyad(record, where),
                ref=ref,
            )
        )
    return items


def evaluate_articles(
    items: Iterable[LabelledArticle], pipeline: Pipeline, now: datetime | None = None
) -> ArticleReport:
    """Run every article through ``pipeline.analyze`` (the worker's code path) and score it."""
    now = now or datetime.now(UTC)
    outcomes: list[ArticleOutcome] = []
    for item in items:
        analysis = pipeline.analyze(item.payload, now)
        detection = analysis.detection
        outcomes.append(
            ArticleOutcome(
                item=item,
                severity=detection.severity if detection else 0.0,
                level=detection.severity_level if detection else None,
                alerted=analysis.alert is not None,
                dyad=detection.dyad if detection else None,
                categories=list(detection.categories) if detection else [],
                rejection=analysis.rejection.error_type if analysis.rejection else None,
                judgement=detection.judgement if detection else None,
            )
        )
    return ArticleReport(outcomes)


def roc_auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Area under the ROC curve by the rank-sum (Mann-Whitney U) formula; ties count half.
    0.0 when one class is empty."""
    ranked = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(ranked):
        end = start
        while end + 1 < len(ranked) and scores[ranked[end + 1]] == scores[ranked[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[ranked[position]] = (start + end) / 2 + 1  # average rank of the tie group
        start = end + 1
    n_pos = sum(1 for p in positive if p)
    n_neg = len(positive) - n_pos
    if not n_pos or not n_neg:
        return 0.0
    rank_sum = sum(rank for rank, p in zip(ranks, positive, strict=True) if p)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


_LABEL_KEYS = frozenset({"label", "dyad", "source_alt", "target_alt", "categories", "note"})


def _gold_dyad(record: dict[str, Any], where: str) -> GoldDyad | None:
    dyad = record.get("dyad")
    if dyad is None:
        return None
    if not isinstance(dyad, dict):
        raise EvalInputError(f"{where}: 'dyad' must be an object with 'source' and 'target'")
    sides = (dyad.get("source"), dyad.get("target"))
    alts = (record.get("source_alt") or [], record.get("target_alt") or [])
    if not all(side is None or isinstance(side, str) for side in sides) or not all(
        isinstance(alt, list) and all(isinstance(code, str) for code in alt) for alt in alts
    ):
        raise EvalInputError(f"{where}: dyad sides must be ISO-3 strings or null")
    return GoldDyad(sides[0], sides[1], tuple(alts[0]), tuple(alts[1]))


def _dumps(raw: dict[str, Any]) -> bytes:
    return json.dumps(raw, ensure_ascii=False).encode("utf-8")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
