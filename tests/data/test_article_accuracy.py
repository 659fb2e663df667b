"""Article-level accuracy of the judgement on the labelled 2016 articles (tests/data labels
joined with ../shared/data at run time): the cross-validated figures of
scripts/build_judgement_model.py must not fall below what the committed model reached (with a
margin), and the committed model must be the one the script builds from the same data."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "app/domain/rules/judgement_model.json"

# Held-out (5-fold) figures reached when the model was built, minus a margin for the choices
# the script makes inside each fold; see docs/escalation.md for the measured values.
FLOORS = {
    "precision_high": 0.77,  # reached 0.821
    "recall_high": 0.80,  # reached 0.861
    "dyad_accuracy": 0.75,  # reached 0.833 (10 of 12)
    "severity_auc": 0.95,  # reached 0.974
}
CEILINGS = {"false_high_rate": 0.03}  # reached 0.009


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_judgement_model", REPO / "scripts/build_judgement_model.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(shared_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    stream = shared_dir / "data/articles/news_stream_2016H1.jsonl"
    if not stream.exists():
        pytest.skip(f"the 2016 stream {stream} is absent: no article-level figures")
    model, report = _script().build(shared_dir)
    return model, report


@pytest.mark.data
def test_held_out_figures_do_not_regress(built: tuple[dict[str, Any], dict[str, Any]]) -> None:
    cross = built[1]["cross_validated"]
    assert cross["n"] == 1075
    for name, floor in FLOORS.items():
        assert cross[name] >= floor, (name, cross)
    for name, ceiling in CEILINGS.items():
        assert cross[name] <= ceiling, (name, cross)
    # The alert volume on the labelled set stays near its medium+ share.
    assert abs(cross["alert_rate"] - cross["labelled_alert_share"]) <= 0.03, cross


@pytest.mark.data
def test_the_learned_layer_beats_the_hits_alone(
    built: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    cross, off = built[1]["cross_validated"], built[1]["off"]
    assert cross["precision_high"] > off["precision_high"] + 0.3
    assert cross["false_high_rate"] < off["false_high_rate"] / 5
    assert cross["severity_auc"] > off["severity_auc"]


@pytest.mark.data
def test_the_committed_model_is_the_one_the_script_builds(
    built: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    committed = json.loads(MODEL.read_text(encoding="utf-8"))
    model = built[0]
    assert committed["features"] == model["features"]
    assert committed["thresholds"] == pytest.approx(model["thresholds"], abs=0.01)
    for head in ("high", "alert"):
        assert committed[head]["bias"] == pytest.approx(model[head]["bias"], abs=1e-3)
        assert committed[head]["weights"] == pytest.approx(model[head]["weights"], abs=1e-3)
