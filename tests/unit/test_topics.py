"""IPTC topic tagging on sentences and short articles written for these tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.topics import TopicTagger
from schemas import TopicTag

SPORT, BUSINESS, POLITICS = "medtop:15000000", "medtop:04000000", "medtop:11000000"
TECH, CONFLICT, ENTERTAINMENT = "medtop:13000000", "medtop:16000000", "medtop:01000000"


@pytest.fixture(scope="module")
def tagger() -> TopicTagger:
    return TopicTagger.load()


def top(tags: list[TopicTag], among: tuple[str, ...]) -> str:
    scores = {tag.code: tag.score for tag in tags}
    return max(among, key=lambda code: scores.get(code, 0.0))


FOUR = (POLITICS, CONFLICT, BUSINESS, SPORT, TECH)
WORLD = {POLITICS, CONFLICT}


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Striker's late goal sends United into the cup final",
         "A header in injury time gave the home side a 2-1 win over their rivals on Saturday.",
         {SPORT}),
        ("Yankees rally past Red Sox", "The pitcher struck out nine as New York won in the ninth.",
         {SPORT}),
        ("Shares slide as quarterly profit misses forecasts",
         "The retailer said net income fell 12 percent and cut its outlook for the fiscal year.",
         {BUSINESS}),
        ("Central bank raises interest rates to curb inflation",
         "Economists expect further increases as consumer prices climb.", {BUSINESS}),
        ("Microsoft unveils new software to fight spam",
         "The update to Windows filters e-mail and blocks malware for millions of users.", {TECH}),
        ("Scientists find water on Mars",
         "NASA researchers said the spacecraft's instruments detected ice near the planet's pole.",
         {TECH}),
        ("Insurgents kill 12 soldiers in Baghdad bombing",
         "A car bomb exploded near a military checkpoint, the army said.", WORLD),
        ("Ceasefire talks stall as rebels shell border town",
         "Government troops and militia fighters clashed overnight.", WORLD),
        ("Prime minister calls snap election",
         "The opposition leader said parliament should be dissolved before the vote.", WORLD),
        ("Foreign ministers meet at UN to discuss sanctions",
         "Diplomats said the Security Council would vote on the resolution next week.", WORLD),
    ],
)  # fmt: skip
def test_four_class_snippets(
    tagger: TopicTagger, title: str, body: str, expected: set[str]
) -> None:
    assert top(tagger.tag(title, body), FOUR) in expected


def test_seed_like_story_is_politics_and_conflict(tagger: TopicTagger) -> None:
    tags = tagger.tag(
        "Pyongyang cuts all communications with Seoul",
        "North Korea said it would cut military and diplomatic hotlines and treat the South as "
        "an enemy, threatening reprisals over leaflets sent by activists. The regime may "
        "scrap a military pact signed at a 2018 summit.",
    )
    codes = [tag.code for tag in tags[:2]]
    assert set(codes) == {CONFLICT, POLITICS}
    assert all(tag.score > 0.8 for tag in tags[:2])


def test_multi_label_scores_and_evidence(tagger: TopicTagger) -> None:
    tags = tagger.tag(
        "Sanctions hit oil exports as war drags on",
        "Crude oil prices jumped and shares of energy companies rose after the government "
        "imposed sanctions; troops shelled the port.",
    )
    by_code = {tag.code: tag for tag in tags}
    assert by_code[BUSINESS].score > 0.5 and by_code[CONFLICT].score > 0.5
    for tag in tags:
        assert 0.0 <= tag.score <= 1.0
        assert tag.evidence, tag
    assert "troops" in by_code[CONFLICT].evidence
    assert [tag.score for tag in tags] == sorted((tag.score for tag in tags), reverse=True)


def test_evidence_terms_occur_in_the_text(tagger: TopicTagger) -> None:
    text = "The film won an Oscar and the director thanked the actors at the festival."
    tags = tagger.tag("", text)
    assert top(tags, (ENTERTAINMENT, BUSINESS, SPORT, TECH, POLITICS)) == ENTERTAINMENT
    for term in next(t for t in tags if t.code == ENTERTAINMENT).evidence:
        assert term.rstrip("*") in text.lower()


def test_whole_words_only(tagger: TopicTagger) -> None:
    # "warp" must not match "war", "goalless" is not in the lexicon as "goal".
    tags = tagger.tag("", "The ship went to warp speed.")
    assert CONFLICT not in {tag.code for tag in tags}


def test_phrases_and_prefixes(tagger: TopicTagger) -> None:
    tags = tagger.tag("", "The prime minister spoke. Footballers trained.")
    evidence = {term for tag in tags for term in tag.evidence}
    assert "prime minister" in evidence
    assert "football*" in evidence


def test_headline_weighs_more(tagger: TopicTagger) -> None:
    body = "The match was played as markets closed."
    in_title = {t.code: t.score for t in tagger.tag("Tennis final", body)}
    in_body = {t.code: t.score for t in tagger.tag("", "Tennis final. " + body)}
    assert in_title[SPORT] > in_body[SPORT]


def test_empty_and_unmatched_text(tagger: TopicTagger) -> None:
    assert tagger.tag("", "") == []
    assert tagger.tag("Xyzzy", "Plugh qwerty.") == []


def test_long_article_and_snippet_agree(tagger: TopicTagger) -> None:
    lede = "The striker scored twice as the league leaders beat their rivals 3-0 in the derby."
    filler = " The coach praised the squad and the fans sang through the second half." * 60
    assert top(tagger.tag("", lede), FOUR) == top(tagger.tag("", lede + filler), FOUR) == SPORT


def test_lexicon_only_without_model(tagger: TopicTagger, tmp_path: Path) -> None:
    plain = TopicTagger.load(model_path=tmp_path / "absent.json")
    assert top(plain.tag("Striker scores hat-trick", "The team won the cup."), FOUR) == SPORT
    assert len(plain.topics) == len(tagger.topics) == 17


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_four_class_dev_set_through_eval() -> None:
    # 300 hand-written AG-News-style items (title + one sentence, wire-service credits), 75 per
    # class with 15 hard cases each; scored by the code behind `brinkwatch eval topics`.
    from app.domain.pipeline import Pipeline
    from app.evaluation.topics import evaluate, load_label_map, read_items
    from app.settings import Settings

    items = read_items(FIXTURES / "topics_4class.jsonl")
    report = evaluate(
        items,
        load_label_map(FIXTURES / "topics_4class_map.json"),
        Pipeline.from_settings(Settings()),
    )
    assert report.n == 300 and report.rejected == 0
    assert report.accuracy >= 0.85, report.to_dict()
    assert all(label.recall >= 0.8 for label in report.per_label), report.to_dict()


_SCORES_OF_THE_DEV_SET = """
import json, sys
from app.domain.topics import TopicTagger
tagger = TopicTagger.load()
for line in open(sys.argv[1], encoding="utf-8"):
    item = json.loads(line)
    print(json.dumps([(t.code, t.score) for t in tagger.tag(item["title"], item["text"])]))
"""


def test_scores_do_not_depend_on_the_process_hash_seed() -> None:
    """Replays and other workers must give the same record: string hashing, which orders sets,
    differs between processes, and must not reach the float sums."""
    dev_set = Path(__file__).parents[1] / "fixtures" / "topics_4class.jsonl"
    outputs = [
        subprocess.run(
            [sys.executable, "-c", _SCORES_OF_THE_DEV_SET, str(dev_set)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    ]
    assert outputs[0].count("\n") == 300
    assert outputs[0] == outputs[1] == outputs[2]
