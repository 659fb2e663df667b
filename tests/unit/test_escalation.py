"""The detect stage on sentences written for these tests: categories, hard cases, offsets."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.domain.findings import Detection
from app.domain.pipeline import Pipeline
from app.settings import Settings
from schemas import TaggedArticle

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings())


def tag(pipeline: Pipeline, body: str, title: str = "") -> TaggedArticle:
    raw = {"url": "https://test.invalid/a", "title": title, "body": body, "published_at": NOW}
    analysis = pipeline.analyze(json.dumps(raw, default=str).encode(), NOW)
    assert analysis.tagged is not None
    return analysis.tagged


def detect(pipeline: Pipeline, body: str, title: str = "") -> Detection | None:
    return pipeline.detector.detect(tag(pipeline, body, title))


def categories(detection: Detection | None) -> set[str]:
    return {c.category for c in detection.categories} if detection else set()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ruritania threatened to strike Borduria's air bases within days.", "threaten"),
        ("Ruritania gave Borduria an ultimatum to pull out its tanks by Friday.", "threaten"),
        ("France cut diplomatic ties with Iran on Monday.", "reduce_relations"),
        ("Japan suspended talks with China over the dispute.", "reduce_relations"),
        ("Chile demanded that Peru release the detained fishermen.", "demand"),
        ("Sweden condemned Russia over the poisoning of a dissident.", "disapprove"),
        ("Brazil rejected Argentina's proposal for new talks.", "reject"),
        ("Egypt put its army on high alert along the border with Libya.", "mobilize"),
        ("Turkey deployed troops and tanks to the Syrian border.", "mobilize"),
        ("North Korea test-fired a ballistic missile into the sea.", "mobilize"),
        ("The European Union imposed sanctions on Belarus on Tuesday.", "sanction"),
        ("Police in Kenya arrested twelve opposition activists.", "coerce"),
        ("Thousands of protesters took to the streets of Caracas.", "protest"),
        ("Gunmen killed at least ten villagers in northern Nigeria.", "assault"),
        ("A car bomb exploded outside the police headquarters in Kabul.", "assault"),
        ("Israeli air strikes hit targets in Gaza overnight.", "fight"),
        ("Artillery shelling by Azerbaijan hit villages in Armenia.", "fight"),
        ("Rebels and government troops clashed near the town in Yemen.", "fight"),
        ("Human rights groups accused Myanmar of genocide against the Rohingya.", "disapprove"),
        (
            "The army carried out a massacre and mass killings of civilians in Sudan.",
            "mass_violence",
        ),
    ],
)
def test_every_category_fires(pipeline: Pipeline, sentence: str, expected: str) -> None:
    assert expected in categories(detect(pipeline, sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        # negation and denial
        "Ruritania denied it would strike Borduria.",
        "The minister said there are no plans to deploy troops to the border.",
        "Greece did not threaten Turkey, the spokesman said.",
        # reported history
        "The two Koreas fought the 1950-53 war and are technically at war.",
        "The plant closed in 2016 after a missile test.",
        "Years ago the army shelled the old town.",
        # de-escalation
        "India withdrew troops from the disputed valley.",
        "The two sides restored the hotline after a year.",
        "Washington lifted sanctions on Sudan.",
        "The ceasefire holds in eastern Ukraine.",
        # sport, business and tech metaphors
        "The supermarket price war hurt margins this quarter.",
        "Arsenal's attack on goal was relentless in the second half.",
        "Apple fires back at Samsung in its new advert.",
        "The board shot down the proposal on Monday.",
        "The two boxers traded blows for twelve rounds.",
        "United and City are locked in a battle for the title.",
        "The messaging service became the killer app of the year.",
        "The sequel bombed at the box office.",
    ],
)
def test_hard_cases_do_not_alert(pipeline: Pipeline, sentence: str) -> None:
    detection = detect(pipeline, sentence)
    assert detection is None or not detection.reaches("medium"), detection


def test_hedges_and_questions_weigh_less(pipeline: Pipeline) -> None:
    firm = detect(
        pipeline, "Ruritania will attack the Bordurian army base at dawn, killing dozens."
    )
    hedged = detect(pipeline, "Experts fear Ruritania could attack the Bordurian army base.")
    question = detect(
        pipeline, "Officials declined to comment.", title="Will Ruritania attack the army base?"
    )
    assert firm is not None
    for weaker in (hedged, question):
        assert weaker is None or weaker.severity < firm.severity


def test_material_conflict_ranks_above_verbal(pipeline: Pipeline) -> None:
    verbal = detect(pipeline, "Canada criticised India over the visa rules.")
    material = detect(pipeline, "Indian troops shelled Pakistani positions, killing four soldiers.")
    assert verbal is not None and material is not None
    assert material.severity > verbal.severity
    assert material.severity_level == "critical"


def test_sport_or_business_article_without_states_needs_more(pipeline: Pipeline) -> None:
    body = (
        "The striker scored twice as the home side won the league match. "
        "Fans criticized the referee after the game, and the coach blamed the pitch."
    )
    detection = detect(pipeline, body, title="Home side wins the derby")
    assert detection is None or not detection.reaches("medium")


def test_evidence_offsets_are_exact_and_output_deterministic(pipeline: Pipeline) -> None:
    title = "Ruritania cuts all communication lines with Borduria"
    body = (
        "Ruritania on Tuesday cut all military and diplomatic communication lines with "
        "Borduria and said it would treat its neighbour as an enemy. Its leader promised "
        "further reprisals."
    )
    article = tag(pipeline, body, title)
    first = pipeline.detector.detect(article)
    second = pipeline.detector.detect(article)
    assert first == second
    assert first is not None
    for category in first.categories:
        assert category.evidence
        for evidence in category.evidence:
            text = article.title if evidence.field == "title" else article.body
            assert text[evidence.start : evidence.end] == evidence.phrase
            assert evidence.phrase in evidence.sentence
            assert len(evidence.sentence) <= 302
            assert evidence.rule_id.startswith(category.category)


def test_seed_like_story(pipeline: Pipeline) -> None:
    title = "Pyongyang severs all communication channels with Seoul"
    body = (
        "Pyongyang on Tuesday cut off all military and political communication lines with "
        "Seoul and said it would regard the South as an enemy. Kim Yo-jong warned of "
        "further retaliation over the propaganda balloons.\n\n"
        "The liaison office was opened to ease military tension under the peace accords. "
        "The neighbours remain technically at war since the conflict ended with an "
        "armistice in 1953, and a joint factory park was shut in 2016 after a missile test."
    )
    detection = detect(pipeline, body, title)
    assert detection is not None
    assert {"reduce_relations", "threaten"} <= categories(detection)
    assert detection.severity_level in ("high", "critical")
    assert detection.dyad is not None
    assert (detection.dyad.source, detection.dyad.target) == ("PRK", "KOR")
    phrases = " ".join(e.phrase.lower() for c in detection.categories for e in c.evidence)
    for context in ("peace accords", "military tension", "technically at war", "missile test"):
        assert context not in phrases
    assert detection.rules_version == pipeline.detector.rules_version


def test_dyad_follows_subject_and_object(pipeline: Pipeline) -> None:
    detection = detect(
        pipeline, "Russian warplanes bombed the city, and Russia attacked Ukrainian troops."
    )
    assert detection is not None and detection.dyad is not None
    assert detection.dyad.source == "RUS"
    assert detection.dyad.target == "UKR"


def test_domestic_shooting_is_capped_at_medium_by_the_hits_and_quiet_when_judged() -> None:
    title = "Two sheriff's deputies shot dead at a restaurant in Maryland"
    body = (
        "A gunman shot and killed two sheriff's deputies at a restaurant in Maryland on "
        "Wednesday before police shot him dead, officials said. Police are investigating."
    )
    # The hits alone (judgement off): the scope caps domestic violence at medium.
    by_hits = detect(Pipeline.from_settings(Settings(judgement="off")), body, title)
    assert by_hits is not None and by_hits.severity_level == "medium"
    # Judged as an article (docs/labelling.md: domestic crime stays quiet): no alert.
    judged = detect(Pipeline.from_settings(Settings(judgement="learned")), body, title)
    assert judged is not None and not judged.reaches("medium")


def test_interstate_escalation_is_high_and_armed_conflict_critical(pipeline: Pipeline) -> None:
    ties = detect(pipeline, "France cut diplomatic ties with Iran on Monday.")
    assert ties is not None and ties.severity_level == "high"
    war = detect(
        pipeline,
        "Russian warplanes bombed rebel positions near Aleppo, killing 30 fighters, and "
        "Syrian army troops advanced on the town.",
        title="Russian air strikes pound Syrian rebels",
    )
    assert war is not None and war.severity_level == "critical"
