"""native/src/escalation.rs and escalation/: rules read by name (rules.rs), the scan of each
field into hits with named fields (scan.rs, field.rs), the judgement (judgement.rs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app._native import EscalationEngine, Hit
from app.domain.escalation import EscalationDetector, RulesError, load_ruleset
from schemas import ActorMention, ActorTag, TaggedArticle, TopicTag


def _article(title: str, body: str, actors: list[ActorTag] | None = None) -> TaggedArticle:
    return TaggedArticle(
        article_id="a1",
        url="https://x.invalid/1",
        title=title,
        body=body,
        published_at=datetime(2026, 6, 1, tzinfo=UTC),
        ingested_at=datetime(2026, 6, 1, tzinfo=UTC),
        language="en",
        topics=[TopicTag(code="medtop:16000000", label="conflict", score=0.9, evidence=[])],
        actors=actors or [],
    )


def _actor(code: str, text: str, field: str, body: str) -> ActorTag:
    start = body.index(text)
    mention = ActorMention(text=text, field=field, start=start, end=start + len(text), kind="name")  # type: ignore[arg-type]
    return ActorTag(code=code, name=code, mentions=[mention])


@pytest.fixture(scope="module")
def rules() -> dict[str, Any]:
    return load_ruleset().model_dump()


@pytest.fixture(scope="module")
def engine(rules: dict[str, Any]) -> EscalationEngine:
    return EscalationEngine(rules)


def test_rules_are_read_by_name(rules: dict[str, Any]) -> None:
    broken = {**rules, "cues": {k: v for k, v in rules["cues"].items() if k != "hedge_window"}}
    with pytest.raises(ValueError, match="hedge_window"):
        EscalationEngine(broken)
    assert EscalationEngine(rules).rules_version == f"{rules['name']}@{rules['version']}"


def test_a_term_that_expands_to_nothing_or_holds_no_word_is_a_rules_error() -> None:
    ruleset = load_ruleset()
    rule = ruleset.rules[0]
    for term in ("{}", "--"):
        bad = rule.model_copy(update={"terms": [term]})
        with pytest.raises(RulesError):
            EscalationDetector(ruleset.model_copy(update={"rules": [bad, *ruleset.rules[1:]]}))


def test_non_ascii_trigger_keys_match_natively() -> None:
    ruleset = load_ruleset()
    rule = ruleset.rules[0].model_copy(
        update={"terms": ["bombardé"], "near": [], "needs_actor": False}
    )
    detector = EscalationDetector(ruleset.model_copy(update={"rules": [rule]}))
    body = "The village was BOMBARDÉ overnight, residents said."
    [hit] = detector.evidence(_article("", body))
    assert body[hit.start : hit.end] == "BOMBARDÉ" == hit.phrase


def test_hits_carry_named_fields_and_character_offsets(engine: EscalationEngine) -> None:
    body = "“Élan” – North Korea threatened Seoul with war. It did not threaten the South with war."
    actors = [_actor("PRK", "North Korea", "body", body), _actor("KOR", "Seoul", "body", body)]
    hits = engine.evidence(_article("", body, actors))
    assert hits and all(isinstance(hit, Hit) for hit in hits)
    threat = next(hit for hit in hits if hit.category == "threaten")
    assert body[threat.start : threat.end] == threat.phrase
    assert body[threat.trigger_start : threat.trigger_end].startswith("threatened")
    assert (threat.sentence_index, threat.lead, threat.cancelled_by) == (0, True, None)
    assert body[threat.sentence_start : threat.sentence_end].endswith("with war.")
    assert [(a.code, a.start) for a in threat.actors] == [("PRK", body.index("North")),
                                                          ("KOR", body.index("Seoul"))]  # fmt: skip
    negated = [hit for hit in hits if hit.sentence_index == 1]
    assert negated and all(hit.cancelled_by == "negation" for hit in negated)


def test_the_judgement_drops_cancelled_hits_and_names_the_dyad(engine: EscalationEngine) -> None:
    body = "North Korea threatened Seoul with war. It did not threaten the South with war."
    actors = [_actor("PRK", "North Korea", "body", body), _actor("KOR", "Seoul", "body", body)]
    found = engine.detect(_article("", body, actors))
    assert found is not None
    assert [c["category"] for c in found["categories"]] == ["threaten"]
    assert found["dyad"] == {"source": "PRK", "target": "KOR"}
    assert engine.detect(_article("", "It did not attack anyone.")) is None


def test_history_and_casualties() -> None:
    assert EscalationEngine.reported_history("the 1950-53 war ended", 2020)
    assert not EscalationEngine.reported_history("attacked the town in 2019", 2020)
    assert EscalationEngine.casualties("At least 1,200 people were killed.") == 1200
    assert EscalationEngine.casualties("The 2015 attacks killed the mayor.") == 0


def test_near_sentences_lets_the_near_word_stand_in_an_earlier_sentence() -> None:
    ruleset = load_ruleset()
    [enemy] = [rule for rule in ruleset.rules if rule.id == "threaten.enemy"]
    body = "Pyongyang said it would treat the South differently now. It is an enemy state."

    def detector(near_sentences: int) -> EscalationDetector:
        rule = enemy.model_copy(update={"near_sentences": near_sentences})
        return EscalationDetector(ruleset.model_copy(update={"rules": [rule]}))

    assert detector(0).evidence(_article("", body)) == []
    hits = detector(1).evidence(_article("", body))
    assert {(hit.rule_id, hit.sentence_index) for hit in hits} == {("threaten.enemy", 1)}
    assert "enemy state" in {hit.phrase for hit in hits}  # the trigger alone: no near span
    assert detector(1).detect(_article("", body)) is not None
    with pytest.raises(ValueError, match="near_sentences"):
        enemy.model_validate({**enemy.model_dump(), "near_sentences": 9})
