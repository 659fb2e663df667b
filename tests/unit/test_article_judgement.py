"""The article-level judgement (native/src/escalation/verdict.rs) on hand-written articles,
through the real pipeline: the main event decides, background and restraint pull down, the
dyad comes from the main event's clause, and every alert says why."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from app.domain.escalation import EscalationDetector, RulesError, load_ruleset
from app.domain.escalation.detector import load_judgement_model
from app.domain.pipeline import Pipeline
from app.settings import Settings
from tests.support.judgement import analyze

TRADE_VISIT = (
    "Portugal and Angola sign investment accords as president opens Luanda trade fair",
    "Portugal's president opened a trade fair in Luanda on Tuesday and the two governments "
    "signed six investment accords covering ports, farming and banking. Officials said trade "
    "between the two countries had doubled in five years and that Portuguese companies planned "
    "to open new offices in the Angolan capital. The president will also visit a university "
    "and meet business leaders before returning to Lisbon on Thursday.\n"
    "Exports of wine, olive oil and machinery led the list of deals, while Angolan officials "
    "hoped to attract investors to the country's growing tourism sector.\n"
    "Elsewhere in the region's news, the fair's opening was overshadowed by reports from Syria, "
    "where government forces backed by Russian air strikes pounded rebel positions near "
    "Aleppo, killing dozens of fighters.",
)

MISSILES = (
    "North Korea fires two short-range missiles into the sea",
    "North Korea fired two short-range ballistic missiles into the sea off its east coast on "
    "Friday, South Korea's military said, days after Seoul and Washington began their annual "
    "military drills. The missiles flew about 500 km before landing in waters off the "
    "peninsula, the South Korean military said. Pyongyang has called the drills a rehearsal "
    "for invasion and vowed to respond.",
)

RESTRAINT = (
    "Vietnam's leader vows restraint, calls for peaceful solution to sea dispute",
    "Vietnam's prime minister said on Monday his government would exercise restraint and seek "
    "a peaceful solution to the dispute over islands in the South China Sea. Speaking to "
    "reporters in Hanoi, he said Vietnam wanted dialogue with China and had no intention of "
    "escalating the dispute. He called for cooperation among the countries of the region and "
    "said both sides should ease tensions through talks.",
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(judgement="learned"))


def test_a_trade_visit_with_a_war_paragraph_stays_quiet(pipeline: Pipeline) -> None:
    analysis = analyze(pipeline, TRADE_VISIT)
    assert analysis.alert is None
    detection = analysis.detection
    if detection is not None:  # the war paragraph is evidence, weighed as background
        assert not detection.reaches("medium")
        assert detection.judgement is not None
        assert any("background" in reason for reason in detection.judgement.reasons)


def test_missiles_fired_into_the_sea_alert_high_from_the_test(pipeline: Pipeline) -> None:
    analysis = analyze(pipeline, MISSILES)
    assert analysis.alert is not None
    alert = analysis.alert
    assert alert.severity_level in ("high", "critical")
    assert alert.dyad is not None
    assert (alert.dyad.source, alert.dyad.target) == ("PRK", "KOR")
    judgement = alert.judgement
    assert judgement is not None and judgement.mode == "learned"
    assert judgement.rule_id is not None and judgement.rule_id.startswith("mobilize.weapons")
    assert judgement.field == "title"
    assert judgement.clause is not None and "North Korea" in judgement.clause
    threshold = load_judgement_model()["thresholds"]["high"]
    assert judgement.p_high is not None and judgement.p_high >= threshold
    assert any(reason.startswith("main event:") for reason in judgement.reasons)


def test_a_leader_vowing_restraint_stays_quiet(pipeline: Pipeline) -> None:
    analysis = analyze(pipeline, RESTRAINT)
    assert analysis.alert is None


@pytest.mark.parametrize("mode", ["rules", "off"])
def test_the_other_modes_still_see_the_test(mode: str) -> None:
    pipeline = Pipeline.from_settings(Settings(judgement=mode))  # type: ignore[arg-type]
    detection = analyze(pipeline, MISSILES).detection
    assert detection is not None and detection.reaches("medium")
    assert detection.judgement is not None and detection.judgement.mode == mode
    if mode == "off":
        assert detection.judgement.reasons == []


def test_rules_mode_caps_a_background_war_paragraph_below_high() -> None:
    pipeline = Pipeline.from_settings(Settings(judgement="rules"))
    detection = analyze(pipeline, TRADE_VISIT).detection
    assert detection is None or not detection.reaches("high")


def test_a_model_built_for_other_features_is_refused(tmp_path: Path) -> None:
    model: dict[str, Any] = load_judgement_model()
    broken = {**model, "features": [*model["features"][:-1], "cat:unknown"]}
    with pytest.raises(RulesError, match="rebuild it"):
        EscalationDetector(load_ruleset(), "learned", broken)
    with pytest.raises(RulesError, match="needs a model"):
        EscalationDetector(load_ruleset(), "learned", None)
    path = tmp_path / "model.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RulesError, match="judgement model"):
        load_judgement_model(path)


def test_the_packaged_model_matches_the_engine_features() -> None:
    model = load_judgement_model()
    detector = EscalationDetector(load_ruleset(), "learned", model)
    assert model["features"] == detector.feature_names()
    assert 0.0 < model["thresholds"]["alert"] < 1.0
    assert 0.0 < model["thresholds"]["high"] < 1.0


def _features(pipeline: Pipeline, article: tuple[str, str]) -> dict[str, float]:
    tagged = analyze(pipeline, article).tagged
    assert tagged is not None
    values = pipeline.detector.features(tagged)
    assert values is not None
    return dict(zip(pipeline.detector.feature_names(), values, strict=True))


@pytest.mark.parametrize(
    ("title", "lead", "dead"),
    [
        ("Gunmen storm a college in Ruritania", "Militants killed at least 19 people.", 19),
        (
            "Militants attack a hotel in Mali",
            "Fourteen civilians were killed and two soldiers wounded.",
            14,
        ),
        ("Car bomb hits police headquarters", "Dozens were wounded in the blast.", 24),
        ("Car bomb hits police headquarters", "In 2015 attacks killed many.", 0),
    ],
)
def test_the_lead_counts_its_dead_and_wounded(
    pipeline: Pipeline, title: str, lead: str, dead: int
) -> None:
    body = f"{lead} Officials said the army had sealed off the area on Monday."
    features = _features(pipeline, (title, body))
    assert features["lead_dead"] == pytest.approx(math.log1p(dead) / 5)


def test_a_lone_attacker_and_force_near_another_side_are_features(pipeline: Pipeline) -> None:
    lone = _features(
        pipeline,
        ("Gunman kills two in market attack", "A gunman opened fire in a market, killing two."),
    )
    assert lone["lone_attacker_lead"] == 1.0 and lone["title_near_force"] == 0.0
    linked = _features(
        pipeline,
        (
            "Gunman kills two in market attack",
            "A gunman who pledged allegiance to Islamic State opened fire in a market, killing two",
        ),
    )
    assert linked["lone_attacker_lead"] == 0.0  # an armed group behind him: not a lone attacker
    near = _features(
        pipeline,
        (
            "Chinese warships sail near Japanese islands",
            "Three Chinese warships sailed near islands held by Japan, Japan's navy said, and "
            "Tokyo protested to Beijing.",
        ),
    )
    assert near["title_near_force"] == 1.0 and near["lone_attacker_lead"] == 0.0
