"""The main-event cues of the article judgement (native/src/escalation/features.rs and
verdict.rs) on hand-written articles, through the real pipeline: a reaction's dyad comes from
the act it answers, a coup attempt is force used, and dated, follow-up, easing and analysis
headlines are told apart from the news of the day."""

from __future__ import annotations

import pytest

from app.domain.pipeline import Pipeline
from app.settings import Settings
from tests.support.judgement import analyze

REACTION = (
    "Vietnam protests after Chinese survey ship sails into disputed waters",
    "HANOI Vietnam's foreign ministry protested on Friday after a Chinese survey ship sailed "
    "into waters that Hanoi claims in the South China Sea, a spokeswoman said. The ministry "
    "handed a note to the Chinese embassy and demanded that the ship leave.",
)
COUP = (
    "Army officers stage coup attempt, tanks on the streets of the capital",
    "Army officers in Burkina Faso attempted a coup on Wednesday, sending tanks into the "
    "streets of the capital and seizing the state broadcaster. Gunfire was heard near the "
    "presidential palace and at least 12 people were killed, witnesses said.",
)
DATED = (
    "Court rules 2014 drone strike on convoy in Yemen was lawful",
    "A U.S. court ruled on Tuesday that an American drone strike on a convoy in Yemen, which "
    "killed 12 people, was lawful. Relatives of the dead had sued the government, saying the "
    "strike violated the laws of war.",
)
TODAY = (
    "U.S. drone strike kills 12 militants in Yemen",
    "An American drone strike killed 12 suspected militants travelling in a convoy in "
    "Yemen's Shabwa province on Tuesday, local officials said.",
)
FOLLOW_UP = (
    "Police name suspects in market bombing, two arrested",
    "Police in Pakistan named three suspects on Monday in last week's bombing of a market in "
    "Lahore that killed 20 people and said two men had been arrested. Investigators said the "
    "men had links to the Pakistani Taliban.",
)
ATTACK = (
    "Suicide bomber kills 20 at crowded market in Lahore",
    "A suicide bomber blew himself up at a crowded market in the Pakistani city of Lahore on "
    "Monday, killing 20 people and wounding dozens, police said. The Pakistani Taliban "
    "claimed responsibility.",
)
EASING = (
    "Government troops withdraw from northern province under peace plan",
    "Government troops began to leave the northern province on Sunday under the peace plan. "
    "In the south, rebels attacked an army post on Saturday, killing four soldiers, the army "
    "said.",
)
ANALYSIS = (
    "Analysis: why the war against Islamic State in Iraq is far from won",
    "Iraqi forces backed by U.S. air strikes have retaken several towns from Islamic State "
    "this year, but commanders say the fighting ahead in Mosul will be the hardest yet.",
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(judgement="learned"))


def _features(pipeline: Pipeline, article: tuple[str, str]) -> dict[str, float]:
    analysis = analyze(pipeline, article)
    assert analysis.tagged is not None
    values = pipeline.detector.features(analysis.tagged)
    assert values is not None, "a hit should stand"
    return dict(zip(pipeline.detector.feature_names(), values, strict=True))


@pytest.mark.parametrize("mode", ["learned", "rules"])
def test_a_protest_after_an_act_takes_its_dyad_from_the_act(mode: str) -> None:
    pipeline = Pipeline.from_settings(Settings(judgement=mode))  # type: ignore[arg-type]
    detection = analyze(pipeline, REACTION).detection
    assert detection is not None and detection.dyad is not None
    assert (detection.dyad.source, detection.dyad.target) == ("CHN", "VNM")


def test_a_coup_attempt_is_force_used(pipeline: Pipeline) -> None:
    detection = analyze(pipeline, COUP).detection
    assert detection is not None and detection.judgement is not None
    assert detection.judgement.rule_id == "fight.coup"
    assert any(category.category == "fight" for category in detection.categories)


def test_a_dated_act_is_marked_and_the_act_of_the_day_is_not(pipeline: Pipeline) -> None:
    assert _features(pipeline, DATED)["main_dated"] == 1.0
    today = _features(pipeline, TODAY)
    assert today["main_dated"] == 0.0
    assert today["title_casualties"] > 0.0  # dead counted in a headline attack


def test_a_follow_up_headline_is_told_from_the_attack(pipeline: Pipeline) -> None:
    assert _features(pipeline, FOLLOW_UP)["title_follow_up"] == 1.0
    attack = _features(pipeline, ATTACK)
    assert attack["title_follow_up"] == 0.0
    assert attack["title_casualties"] > 0.0
    follow_up = analyze(pipeline, FOLLOW_UP).detection
    new_attack = analyze(pipeline, ATTACK).detection
    assert new_attack is not None
    assert follow_up is None or follow_up.severity < new_attack.severity


def test_easing_and_analysis_headlines_are_marked(pipeline: Pipeline) -> None:
    assert _features(pipeline, EASING)["title_easing"] == 1.0
    assert _features(pipeline, ANALYSIS)["title_analysis"] == 1.0
    assert _features(pipeline, ATTACK)["title_easing"] == 0.0
    assert _features(pipeline, ATTACK)["title_analysis"] == 0.0
