"""Build the judgement model (app/domain/rules/judgement_model.json) from the article labels
(tests/data/article_labels.jsonl) and the 2016 stream (../shared/data), and report its figures.

The model: two L2-regularised logistic regressions over the engine's article features
(``EscalationDetector.features``, native/src/escalation/verdict.rs): P(high) and P(medium or
high). Features are standardised for training and the scaling is folded into the weights, so
the engine takes a plain dot product. Chosen on the training articles only: the L2 strength
(inner 4-fold log-loss) and the high threshold (as many inner out-of-fold predictions high as
articles labelled high). The
alert threshold is set on the unlabelled stream so that the share of stream articles that alert
matches the labelled medium+ share of the uniform sample (tests/data/article_sample.jsonl).

Reported (all through the real pipeline and ``brinkwatch eval articles``' metrics):
- ``cross_validated``: 5 folds stratified by label; a model trained on four folds (with its own
  inner choices) judges the fifth; the figures pool the five held-out folds;
- ``in_sample``: the committed model (trained on every label) on the same labels; optimistic;
- ``rules`` and ``off``: the other judgement modes on the same labels (nothing learned).

Deterministic: fixed seeds, no clock. Usage (repository venv, dev extras for numpy)::

    .venv/bin/python scripts/build_judgement_model.py [--check] [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from app.domain.escalation import EscalationDetector, load_ruleset
from app.domain.escalation.detector import JudgementMode
from app.domain.pipeline import Pipeline
from app.evaluation.articles import (
    ARTICLE_FIGURES,
    ArticleOutcome,
    ArticleReport,
    LabelledArticle,
    evaluate_articles,
    read_labelled_articles,
)
from app.evaluation.labelled_stream import (
    STREAM_PATH,
    labelled_articles,
    stream_payloads,
    uniform_labelled_share,
)
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "app/domain/rules/judgement_model.json"
LABELS = ROOT / "tests/data/article_labels.jsonl"
SAMPLE = ROOT / "tests/data/article_sample.jsonl"
SEED = 2016
FOLDS = 5
LAMBDAS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
# The high head learns a graded target: a medium article is partly on the way to high.
MEDIUM_CREDIT = 0.3
# The stream is from 2016: any later "now" passes validation.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Data:
    """Labelled articles with their features (None: no hit stands, never alerts)."""

    items: list[LabelledArticle]
    features: list[list[float] | None]

    def take(self, index: Sequence[int]) -> Data:
        return Data([self.items[i] for i in index], [self.features[i] for i in index])


def fit_logistic(x: np.ndarray, y: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    n, d = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, lam)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(w[0]), w[1:]


def predict(model: tuple[float, np.ndarray], x: np.ndarray) -> np.ndarray:
    bias, weights = model
    return 1.0 / (1.0 + np.exp(-(bias + x @ weights)))


def folds_of(labels: Sequence[str], k: int, seed: int) -> list[list[int]]:
    """Stratified folds: each label's articles shuffled, then dealt round-robin."""
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in sorted(set(labels)):
        members = [i for i, value in enumerate(labels) if value == label]
        rng.shuffle(members)
        for position, index in enumerate(members):
            folds[position % k].append(index)
    return [sorted(fold) for fold in folds]


class Trainer:
    """Standardise, choose lambda and the high threshold on the training set, fit both heads."""

    def __init__(self, names: list[str], stream: np.ndarray, stream_total: int, share: float):
        self.names = names
        self.stream = stream  # features of the stream articles that have any
        self.stream_total = stream_total
        self.share = share

    def _matrix(self, data: Data) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rows = [i for i, f in enumerate(data.features) if f is not None]
        x = np.array([data.features[i] for i in rows], dtype=float)
        high = np.array(
            [{"high": 1.0, "medium": MEDIUM_CREDIT}.get(data.items[i].label, 0.0) for i in rows]
        )
        alert = np.array([data.items[i].label != "quiet" for i in rows], dtype=float)
        return x, high, alert, np.array(rows)

    def _oof(self, x: np.ndarray, y: np.ndarray, lam: float, k: int = 4) -> np.ndarray:
        """Out-of-fold probabilities (inner folds, standardised within each)."""
        out = np.zeros(len(y))
        for fold in folds_of([str(v) for v in y], k, SEED + 1):
            train = np.setdiff1d(np.arange(len(y)), fold)
            mean, scale = _scaling(x[train])
            model = fit_logistic((x[train] - mean) / scale, y[train], lam)
            out[fold] = predict(model, (x[fold] - mean) / scale)
        return out

    def _choose_lambda(self, x: np.ndarray, y: np.ndarray) -> float:
        def loss(lam: float) -> float:
            p = np.clip(self._oof(x, y, lam), 1e-6, 1 - 1e-6)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

        return min(LAMBDAS, key=loss)

    def train(self, data: Data, version_note: str = "") -> dict[str, Any]:
        x, high, alert, _ = self._matrix(data)
        positives_missing = sum(
            1
            for item, f in zip(data.items, data.features, strict=True)
            if f is None and item.label == "high"
        )
        mean, scale = _scaling(x)
        z = (x - mean) / scale
        heads: dict[str, Any] = {}
        lambdas = {}
        for name, y in (("high", high), ("alert", alert)):
            lam = self._choose_lambda(x, y)
            bias, weights = fit_logistic(z, y, lam)
            lambdas[name] = lam
            # Fold the standardisation into the weights: w.(x - m)/s = (w/s).x - w.(m/s).
            raw = weights / scale
            heads[name] = {"bias": bias - float(raw @ mean), "weights": raw}
        oof_high = self._oof(x, high, lambdas["high"])
        threshold_high = _count_threshold(oof_high, high, positives_missing)
        p_high_stream = predict((heads["high"]["bias"], heads["high"]["weights"]), self.stream)
        p_alert_stream = predict((heads["alert"]["bias"], heads["alert"]["weights"]), self.stream)
        threshold_alert = _rate_threshold(
            p_alert_stream, p_high_stream >= threshold_high, self.share, self.stream_total
        )
        model = {
            "features": self.names,
            "high": {
                "bias": round(heads["high"]["bias"], 6),
                "weights": [round(float(w), 6) for w in heads["high"]["weights"]],
            },
            "alert": {
                "bias": round(heads["alert"]["bias"], 6),
                "weights": [round(float(w), 6) for w in heads["alert"]["weights"]],
            },
            "thresholds": {"high": round(threshold_high, 4), "alert": round(threshold_alert, 4)},
            "l2": lambdas,
        }
        digest = hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:10]
        model["version"] = f"judgement-{digest}{version_note}"
        return model


def _scaling(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def _count_threshold(p: np.ndarray, y: np.ndarray, missing_positives: int) -> float:
    """The probability cut at which as many articles are predicted high as are labelled high
    (out-of-fold predictions): steadier across folds than the F1 optimum."""
    wanted = int((y == 1).sum()) + missing_positives
    ranked = np.sort(p)[::-1]
    if wanted >= len(ranked):
        return float(ranked[-1])
    return float((ranked[wanted - 1] + ranked[wanted]) / 2)


def _rate_threshold(p_alert: np.ndarray, high: np.ndarray, share: float, total: int) -> float:
    """The lowest P(alert) cut at which the stream's alert share does not exceed ``share``
    (high articles always alert)."""
    for t in np.arange(0.05, 0.99, 0.0025):
        if float(((p_alert >= t) | high).sum()) / total <= share:
            return float(t)
    return 0.99


def features_of(pipeline: Pipeline, payload: bytes) -> list[float] | None:
    analysis = pipeline.analyze(payload, NOW)
    if analysis.tagged is None:
        return None
    return pipeline.detector.features(analysis.tagged)


def pipeline_with(base: Pipeline, detector: EscalationDetector) -> Pipeline:
    return Pipeline(
        base.limits, base.topic_tagger, base.actor_recognizer, detector, base.alert_min_level
    )


def figures(report: ArticleReport) -> dict[str, Any]:
    data = report.to_dict()
    return {key: data[key] for key in ("n", *ARTICLE_FIGURES, "confusion")}


def error_of(outcome: ArticleOutcome) -> dict[str, Any]:
    """One held-out error: what was labelled, what came out, and the judgement's reasons."""
    gold = outcome.item.dyad
    dyad = outcome.dyad
    return {
        "ref": outcome.item.ref,
        "title": outcome.item.title,
        "label": outcome.item.label,
        "severity": outcome.severity,
        "level": outcome.level,
        "dyad": f"{dyad.source}->{dyad.target}" if dyad else None,
        "gold_dyad": f"{gold.source}->{gold.target}" if gold else None,
        "reasons": outcome.judgement.reasons if outcome.judgement else [],
    }


def held_out_errors(report: ArticleReport, limit: int) -> dict[str, list[dict[str, Any]]]:
    """The pooled held-out folds' worst errors: misses, quiet and medium articles judged high,
    wrong dyads."""
    medium_high = [o for o in report.outcomes if o.item.label == "medium" and o.predicted_high]
    return {
        "misses": [error_of(o) for o in report.misses(limit)],
        "false_alarms": [error_of(o) for o in report.false_alarms(limit)],
        "medium_judged_high": [
            error_of(o) for o in sorted(medium_high, key=lambda o: -o.severity)[:limit]
        ],
        "wrong_dyads": [error_of(o) for o in report.wrong_dyads(limit)],
    }


def build(shared: Path, errors: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model trained on every label, and the report (cross-validated, in-sample, the
    other modes). Raises FileNotFoundError when the stream is not under ``shared``."""
    stream = shared / STREAM_PATH
    if not stream.exists():
        raise FileNotFoundError(f"the 2016 stream is not at {stream}: nothing to build from")
    ruleset = load_ruleset()
    base = Pipeline.from_settings(Settings(judgement="rules"))
    names = base.detector.feature_names()
    with tempfile.TemporaryDirectory() as tmp:
        eval_file = Path(tmp) / "articles.jsonl"
        with eval_file.open("w", encoding="utf-8") as out:
            for record in labelled_articles(LABELS, stream):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        items = read_labelled_articles(eval_file)
    data = Data(items, [features_of(base, item.payload) for item in items])
    payloads = stream_payloads(stream)
    stream_features = [f for f in (features_of(base, p) for p in payloads) if f is not None]
    share, alerting, uniform = uniform_labelled_share(SAMPLE, LABELS)
    trainer = Trainer(names, np.array(stream_features, dtype=float), len(payloads), share)

    def judged(
        model: dict[str, Any] | None, mode: JudgementMode, subset: list[LabelledArticle]
    ) -> list[ArticleOutcome]:
        detector = EscalationDetector(ruleset, mode, model)
        return evaluate_articles(subset, pipeline_with(base, detector), NOW).outcomes

    outcomes: list[ArticleOutcome] = []
    fold_models = []
    for fold in folds_of([item.label for item in items], FOLDS, SEED):
        train = sorted(set(range(len(items))) - set(fold))
        model = trainer.train(data.take(train))
        fold_models.append({"thresholds": model["thresholds"], "l2": model["l2"]})
        outcomes.extend(judged(model, "learned", [items[i] for i in fold]))
    outcomes.sort(key=lambda o: o.item.line)
    final = trainer.train(data)
    report = {
        "labels": {
            "articles": len(items),
            "with_features": sum(f is not None for f in data.features),
        },
        "labelled_share": {"share": round(share, 4), "alerting": alerting, "uniform": uniform},
        "cross_validated": figures(ArticleReport(outcomes)),
        "folds": fold_models,
        "in_sample": figures(ArticleReport(judged(final, "learned", items))),
        "rules": figures(ArticleReport(judged(None, "rules", items))),
        "off": figures(ArticleReport(judged(None, "off", items))),
    }
    if errors:
        report["held_out_errors"] = held_out_errors(ArticleReport(outcomes), errors)
    return final, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--check", action="store_true", help="rebuild and compare with --out instead of writing"
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument(
        "--errors", type=int, default=0, help="add the N worst held-out errors of each kind"
    )
    args = parser.parse_args()
    try:
        final, report = build(args.shared, args.errors)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    text = json.dumps(final, indent=1) + "\n"
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("model is current" if same else f"{args.out} differs: rebuild it", file=sys.stderr)
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({final['version']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
