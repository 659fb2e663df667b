"""native/src/topics.rs: words, scores and evidence of the topic tagger."""

from __future__ import annotations

import pytest

from app._native import TopicTagger, topic_words


def test_words_are_runs_of_letters_and_digits_lower_cased() -> None:
    assert topic_words("Élysée’s G-20 summit, £5bn!") == [
        "élysée",
        "s",
        "g",
        "20",
        "summit",
        "£5bn",
    ]
    assert topic_words("ΟΔΟΣ") == ["οδος"] or topic_words("ΟΔΟΣ") == ["οδοσ"]


@pytest.fixture
def tagger() -> TopicTagger:
    return TopicTagger(
        topics=[
            {"code": "medtop:15000000", "label": "sport", "bias": -4.0},
            {"code": "medtop:16000000", "label": "conflict, war and peace", "bias": -4.0},
        ],
        terms=[
            {"term": "goal", "weights": [(0, 3.0)]},
            {"term": "war*", "weights": [(1, 3.0)]},
            {"term": "price war", "weights": [(0, -1.0), (1, -3.0)]},
        ],
        words={"goal": [0], "war": [1], "wars": [1]},
        phrases={" price war": 2},
        title_boost=0.5,
        max_body_chars=1500,
        min_score=0.02,
        saturation=12.0,
        max_evidence=8,
        min_evidence_weight=0.2,
    )


def test_scores_sum_the_weights_of_distinct_terms(tagger: TopicTagger) -> None:
    assert tagger.log_odds("", "A goal, a goal, and wars.") == [-1.0, -1.0]
    assert tagger.log_odds("Wars", "goal") == [-1.0, 0.5]  # a headline term weighs 1.5x
    # A phrase is a term of its own: "price war" counts and cancels the war.
    assert tagger.log_odds("", "the price wars") == [-5.0, -4.0]


def test_tags_carry_evidence_and_rank_by_score(tagger: TopicTagger) -> None:
    tags = tagger.tag("Wars", "goal")
    assert [t["code"] for t in tags] == ["medtop:16000000", "medtop:15000000"]
    assert tags[0]["evidence"] == ["war*"] and tags[1]["evidence"] == ["goal"]
    assert tagger.tag("", "nothing here") == []


def test_unknown_term_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown term"):
        TopicTagger(
            topics=[], terms=[], words={"x": [3]}, phrases={}, title_boost=0.5,
            max_body_chars=10, min_score=0.1, saturation=12.0, max_evidence=1,
            min_evidence_weight=0.2,
        )  # fmt: skip
