"""Incident evaluation: labelled article pairs through the real pipeline and the incident
engine, scored pairwise (positive = both articles end in one incident).

An article that raises no alert joins no incident, so a same-event pair with such an article
counts as not grouped: the figures measure what the incident feed does, and the report says how
many positives were lost that way (``positives_without_two_alerts``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from app.domain.incidents.engine import IncidentEngine
from app.domain.pipeline import Pipeline
from app.evaluation.jsonl import EvalInputError, read_records
from schemas import EscalationAlert


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two raw articles (as producers send them) and whether they report one event."""

    line: int
    a: bytes
    b: bytes
    same: bool
    hard: bool = False


# Why a same-event pair was not grouped, in the order the engine decides.
MissClass = Literal["no_alert", "different_keys", "time_gap", "text"]
MISS_CLASSES: tuple[MissClass, ...] = get_args(MissClass)


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What the pipeline and the engine made of one pair (``same_key``: whether the two
    alerts have one grouping key; None when either article raised no alert; ``in_window``:
    whether their event times are close enough to share an incident)."""

    pair: LabelledPair
    alerts: tuple[EscalationAlert | None, EscalationAlert | None]
    grouped: bool
    same_key: bool | None = None
    in_window: bool | None = None

    @property
    def both_alert(self) -> bool:
        """Whether both articles raised an alert (only then can grouping join them)."""
        return self.same_key is not None

    @property
    def miss(self) -> MissClass | None:
        """Why a same-event pair was not grouped: an article raised no alert, the two have
        different grouping keys, they are too far apart in event time, or their text is not
        alike enough (the similarity, or no headline word found in the other report);
        None for a grouped or different-event pair."""
        if not self.pair.same or self.grouped:
            return None
        if not self.both_alert:
            return "no_alert"
        if not self.same_key:
            return "different_keys"
        return "time_gap" if not self.in_window else "text"


@dataclass(frozen=True, slots=True)
class IncidentReport:
    """Pairwise counts and the outcomes behind them."""

    outcomes: list[PairOutcome]

    def _count(self, same: bool, grouped: bool) -> int:
        return sum(1 for o in self.outcomes if o.pair.same is same and o.grouped is grouped)

    @property
    def n(self) -> int:
        """Pairs scored."""
        return len(self.outcomes)

    @property
    def precision(self) -> float:
        """Grouped pairs that are one event / grouped pairs."""
        tp = self._count(True, True)
        return _ratio(tp, tp + self._count(False, True))

    @property
    def recall(self) -> float:
        """Grouped pairs that are one event / pairs that are one event."""
        tp = self._count(True, True)
        return _ratio(tp, tp + self._count(True, False))

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    def given_alerts(self) -> IncidentReport:
        """Only the pairs whose two articles both raised an alert: the grouping's own figures,
        apart from the detector's (an article without an alert joins no incident)."""
        return IncidentReport([o for o in self.outcomes if o.both_alert])

    def scores(self) -> dict[str, float | int]:
        """Precision, recall, F1, n and the confusion counts."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "n": self.n,
            "tp": self._count(True, True),
            "fp": self._count(False, True),
            "fn": self._count(True, False),
            "tn": self._count(False, False),
        }

    def to_dict(self) -> dict[str, object]:
        """The figures as JSON-ready data: end to end, and given two alerts."""
        positives = [o for o in self.outcomes if o.pair.same]
        return {
            **self.scores(),
            "given_alerts": self.given_alerts().scores(),
            "positives_without_two_alerts": sum(1 for o in positives if not o.both_alert),
            # The grouping key bounds recall: alerts of different keys are never compared.
            "positives_with_different_keys": sum(1 for o in positives if o.same_key is False),
            "misses": {kind: sum(1 for o in positives if o.miss == kind) for kind in MISS_CLASSES},
        }


def read_pairs(path: Path) -> list[LabelledPair]:
    """Read ``{"a": ARTICLE, "b": ARTICLE, "same": bool}`` lines (ARTICLE as on articles.raw)."""
    pairs: list[LabelledPair] = []
    for number, record in read_records(path):
        a, b, same = record.get("a"), record.get("b"), record.get("same")
        if not isinstance(a, dict) or not isinstance(b, dict) or not isinstance(same, bool):
            raise EvalInputError(f"{path}:{number}: needs objects 'a' and 'b' and boolean 'same'")
        pairs.append(LabelledPair(number, _raw(a), _raw(b), same, bool(record.get("hard", False))))
    return pairs


def analyze_pairs(
    pairs: Sequence[LabelledPair], pipeline: Pipeline, now: datetime | None = None
) -> list[tuple[EscalationAlert | None, EscalationAlert | None]]:
    """The alert (or None) of each article of each pair, through the worker's pipeline."""
    now = now or datetime.now(UTC)
    return [(pipeline.analyze(p.a, now).alert, pipeline.analyze(p.b, now).alert) for p in pairs]


def evaluate(
    pairs: Sequence[LabelledPair],
    alerts: Iterable[tuple[EscalationAlert | None, EscalationAlert | None]],
    engine: IncidentEngine,
) -> IncidentReport:
    """Group each pair on its own (in event-time order) and score it."""
    outcomes = [
        PairOutcome(
            pair,
            (a, b),
            grouped_together(engine, a, b),
            engine.key(a) == engine.key(b) if a and b else None,
            in_window(engine, a, b) if a and b else None,
        )
        for pair, (a, b) in zip(pairs, alerts, strict=True)
    ]
    return IncidentReport(outcomes)


def in_window(engine: IncidentEngine, a: EscalationAlert, b: EscalationAlert) -> bool:
    """Whether two alerts are close enough in event time for the later to join the earlier's
    incident (the gap, the quiet period and the span of the engine's policies)."""
    gap = abs(a.published_at - b.published_at)
    grouping = engine.grouping
    return gap <= min(grouping.max_gap, grouping.max_span) and (
        gap < engine.notification.resolve_after
    )


def grouped_together(
    engine: IncidentEngine, a: EscalationAlert | None, b: EscalationAlert | None
) -> bool:
    """Whether the engine puts both alerts in one incident (False when either is missing or
    they have different grouping keys, as the worker never compares those)."""
    if a is None or b is None or engine.key(a) != engine.key(b):
        return False
    first, second = sorted((a, b), key=lambda alert: alert.published_at)
    book = engine.new_book(first)
    engine.observe(book, first)
    engine.observe(book, second)
    return any(
        incident.has_alert(a.alert_id) and incident.has_alert(b.alert_id)
        for incident in book.incidents
    )


def _raw(article: dict[str, Any]) -> bytes:
    return json.dumps(article, ensure_ascii=False).encode("utf-8")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
