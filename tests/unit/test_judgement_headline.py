"""Rules 1.4.0 and the headline judgement, on hand-written articles through the real
pipeline: fighting reported by its onset, offensives being prepared, calls to attack, export
curbs, the verb "storm", the armed threat floor and the headline's subject as the dyad's
source when the main event stands in the body."""

from __future__ import annotations

import pytest

from app.domain.pipeline import Pipeline
from app.settings import Settings
from tests.support.judgement import analyze

FILLER = " Officials gave no further details on Monday."


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(judgement="learned"))


def _rules(pipeline: Pipeline, title: str, body: str) -> set[str]:
    tagged = analyze(pipeline, (title, body)).tagged
    assert tagged is not None
    return {hit.rule_id for hit in pipeline.detector.evidence(tagged) if hit.cancelled_by is None}


@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("Renewed fighting breaks out in the capital of Sudan", "fight.renewed"),
        ("Fighting in Yemen rages ahead of the truce", "fight.outbreak"),
        ("Clashes erupted overnight along the border of Mali", "fight.outbreak"),
        ("Syrian army preparing an offensive on the town", "mobilize.prepare"),
        ("Islamic State calls for attacks on France during the holidays", "threaten.incite"),
        ("U.S. slaps export curbs on a Chinese phone maker", "sanction.impose"),
        ("Gunmen storm a hotel in Mali", "assault.attack"),
    ],
)
def test_rules_1_4_cover_these_reports(pipeline: Pipeline, title: str, rule: str) -> None:
    assert rule in _rules(pipeline, title, "The report came from officials." + FILLER)


@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("The legal fighting rages on in court over the merger", "fight.outbreak"),
        ("Surgeons preparing an operation on the patient's heart", "mobilize.prepare"),
        ("Pope calls for an end to attacks on churches", "threaten.incite"),
        ("The storm killed three people in the city", "assault.kill"),
    ],
)
def test_and_leave_these_alone(pipeline: Pipeline, title: str, rule: str) -> None:
    assert rule not in _rules(pipeline, title, "It was reported on Monday." + FILLER)


def test_an_armed_group_threatening_attacks_in_the_headline_is_high(pipeline: Pipeline) -> None:
    analysis = analyze(
        pipeline,
        (
            "Islamic State urges attacks on France in audio message",
            "An audio message attributed to an Islamic State spokesman urged followers to carry "
            "out attacks in France during the holidays, a monitoring group said." + FILLER,
        ),
    )
    detection = analysis.detection
    assert detection is not None and detection.reaches("high")
    assert detection.judgement is not None
    assert detection.judgement.rule_id == "threaten.incite"  # a threat, not an attack


def test_a_main_event_in_the_body_takes_the_headline_subject_as_source(
    pipeline: Pipeline,
) -> None:
    analysis = analyze(
        pipeline,
        (
            "Japan raises sea concerns with China – USA TODAY",
            "The foreign minister spoke to reporters in Tokyo on Monday about the sea dispute. "
            "Later in the week, Chinese coast guard ships fired on a Vietnamese fishing boat near "
            "the Paracel islands, wounding two fishermen." + FILLER,
        ),
    )
    detection = analysis.detection
    assert detection is not None and detection.judgement is not None
    assert detection.judgement.field == "body"
    assert detection.dyad is not None
    # The headline's subject acts; the outlet after the dash ("USA TODAY") is no actor.
    assert (detection.dyad.source, detection.dyad.target) == ("JPN", "CHN")
