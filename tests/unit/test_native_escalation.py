"""The native detect stage (app._native.EscalationCore) gives exactly what the pure-Python
reference gives: the hits of every field, the kept hits, the detection and the alert, on
hand-written fixtures, generated articles, every code point in the scripts news uses, and
(with ../shared) every article of the 2016 stream and the labelled escalation sentences."""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.escalation import EscalationDetector, load_ruleset
from app.domain.escalation import native as native_module
from app.domain.escalation.history import reported_history
from app.domain.escalation.mentions import MentionIndex
from app.domain.escalation.ruleset import RuleSet, expand
from app.domain.escalation.scope import _casualties
from app.domain.escalation.scoring import Hit
from app.domain.escalation.selection import dedupe, drop_framed
from app.domain.pipeline import Pipeline, build_alert
from app.domain.validation import Rejection
from app.settings import Settings
from schemas import TaggedArticle, TextField

pytestmark = pytest.mark.skipif(
    native_module._native is None, reason="native core not built (scripts/build_native.py)"
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PUBLISHED = datetime(2016, 3, 1, 12, 0, tzinfo=UTC)
ALL_CHARS = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings())


@pytest.fixture(scope="module")
def detector(pipeline: Pipeline) -> EscalationDetector:
    detector = pipeline.detector
    assert detector.native, "the packaged rules must run natively when the core is built"
    return detector


def _tag(
    pipeline: Pipeline, title: str, body: str, published: datetime = PUBLISHED
) -> TaggedArticle:
    """Validated and tagged; an empty body (which validation rejects) is put back after."""
    raw = {
        "url": "https://t.invalid/a",
        "title": title,
        "body": body or ".",
        "published_at": published,
    }
    article = pipeline.validate(json.dumps(raw, default=str).encode(), NOW)
    assert not isinstance(article, Rejection), article
    tagged = pipeline.tag(article)
    return tagged if body else tagged.model_copy(update={"body": ""})


def _hit_tuple(detector: EscalationDetector, hit: Hit) -> tuple[object, ...]:
    index = next(i for i, rule in enumerate(detector.ruleset.rules) if rule is hit.rule)
    return (
        index,
        hit.weight,
        hit.hedged,
        hit.modified,
        hit.armed,
        hit.lead,
        hit.field,
        hit.start,
        hit.end,
        hit.trigger_start,
        hit.trigger_end,
        hit.phrase,
        hit.sentence,
        hit.sentence_start,
        hit.sentence_end,
    )


def _reference_hits(
    detector: EscalationDetector, field: TextField, text: str, mentions: MentionIndex, year: int
) -> list[Hit]:
    lowered, found, metaphors = detector._triggers(text)
    if not found:
        return []
    return detector._check(field, text, lowered, found, metaphors, mentions, year)


def assert_same(detector: EscalationDetector, tagged: TaggedArticle) -> bool:
    """Native and reference agree on the hits of each field, the kept hits, the detection
    and the alert; returns whether there was a detection."""
    core = detector._native
    assert core is not None
    triples = [(m.field, m.start, a.code) for a in tagged.actors for m in a.mentions]
    mentions = MentionIndex(triples)
    year = tagged.published_at.year
    hits: list[Hit] = []
    fields: tuple[tuple[TextField, str], ...] = (("title", tagged.title), ("body", tagged.body))
    for field, text in fields:
        if not text:
            continue
        expected = _reference_hits(detector, field, text, mentions, year)
        starts = sorted(start for f, start, _ in triples if f == field)
        got = core.scan(text, field == "title", starts, year)
        assert got == [_hit_tuple(detector, h) for h in expected], (field, text)
        hits += expected
    kept = core.kept(tagged.title, tagged.body, triples, year)
    assert kept == [_hit_tuple(detector, h) for h in drop_framed(dedupe(hits))]
    topics, actors = [t.code for t in tagged.topics], [a.code for a in tagged.actors]
    parts = core.detect(tagged.title, tagged.body, triples, year, topics, actors)
    assert parts == core.detect_article(tagged)
    expected_detection = detector.detect_reference(tagged)
    detection = detector.detect(tagged)
    assert detection == expected_detection
    if detection is not None and expected_detection is not None:
        assert detection.categories == expected_detection.categories  # models, field by field
        assert build_alert(tagged, detection, NOW) == build_alert(tagged, expected_detection, NOW)
    return detection is not None


# Hand-written articles: (title, body). Every rule family, every cue, the text plumbing.
FIXTURES: list[tuple[str, str]] = [
    ("", ""),
    ("North Korea cuts all communications with South Korea", ""),
    ("", "North Korea said it would cut all communication lines with South Korea on Tuesday."),
    (
        "Will Russia invade Ukraine?",
        "Russian troops massed near the border. Could Russia attack Ukraine? Analysts fear an "
        "invasion might follow.\n\nThe Kremlin denied any plan to attack its neighbour.",
    ),
    (
        "Pyongyang threatens Seoul",
        "North Korea threatened to treat the Seoul government as an enemy and promised further "
        "reprisals, state media said.\n\nThe liaison office, opened in 2018, was closed in 2016 "
        "after a missile test. The two Koreas fought a war from 1950 to 1953 and are "
        "technically still at war.",
    ),
    (
        "",
        "Mr. Kim said the U.S. would “respond.” Troops moved at 3.5 km/h! Did they? Yes.\n\n"
        "Gen. Lee arrived. (The talks ended.) ‘Next’ came. Dr. No met Ms. Moneypenny in St. "
        "Petersburg vs. Moscow. Rebels attacked the town.",
    ),
    (
        "Ceasefire holds in Yemen",
        "The ceasefire holds, officials said, although rebels accused the coalition of shelling "
        "villages in 1999, 2014 and 2015. Houthi fighters didn’t attack the port.",
    ),
    (
        "Price war hits telecoms",
        "A price war broke out between carriers. The striker scored after a shot on goal; the "
        "club fired the coach. Apple’s killer app struck a deal with Samsung.",
    ),
    (
        "",
        "Police arrested twelve opposition activists in Nairobi. Later they freed the activists "
        "they had arrested and offered to release the others.",
    ),
    (
        "",
        "Gunmen killed at least 135 people in eastern Syria, the monitor said. Dozens were "
        "killed and hundreds wounded; the death toll rose to 1,200 — officials said — and "
        "thousands died in 2015 attacks.",
    ),
    (
        "",
        "In the 1990s the army shelled the city. During the 2003 war, troops seized the "
        "airport. Until 2014 the militia held the town; since 2014 it has been fighting. "
        "Forces fought in mid-2013 and in early 2012 and in the year 2011.",
    ),
    (
        "",
        "China rejected accusations that it had attacked Vietnamese fishing boats, and denied "
        "reports of a blockade. Beijing must withdraw, Hanoi demanded. Japan vetoed the "
        "resolution; Russia summoned the ambassador of France.",
    ),
    (
        "",
        "Iran accused Saudi Arabia of bombing its embassy in Yemen and threatened sanctions. "
        "The United States imposed new sanctions on North Korea and expelled two diplomats.",
    ),
    (
        "ΣΥΓΚΡΟΥΣΕΙΣ ΣΤΗΝ ΑΘΗΝΑ",
        "Police clashed with protesters in Athens (ΑΘΗΝΑ ΣΟΦΟΣ). The \u212aelvin riot left 3 "
        "dead. \u0130stanbul saw a bomb attack; İSTANBUL police arrested suspects. Gunmen "
        "\u212aILLED two guards; they didn\u2019t \u212aNOW.",
    ),
    (
        "",
        "Soldiers\u00a0attacked\u2009the\u00a0village\u2028and burned homes.\u2029Rebels "
        "fired\u3000rockets at the base\u2026 Troops\u2014backed by tanks\u2014shelled it.",
    ),
    ("", "x" * 5000 + " troops attacked the town " + "y" * 5000),
    (
        "",
        " ".join(["The army attacked the rebels near the border of Syria and Turkey"] * 40)
        + ". Then peace.",
    ),
    (
        "",
        "Protesters marched in Caracas.\n\n\n\nThousands took to the streets.\n \n"
        "They rioted and looted shops; police fired tear gas.",
    ),
    (
        "",
        "They didn’t attack. They did n't attack. We can not attack. No attack took place. "
        "Without firing a shot, they seized the town. The attack was not launched.",
    ),
    (
        "",
        "The government lifted the curfew and ended the blockade. Troops withdrew from the "
        "border and halted the offensive. Russia condemned the attack on the embassy.",
    ),
    (
        "",
        "Experts warn of a possible attack if talks fail. The army may strike within days; "
        "officials are prepared to retaliate. Would Iran close the strait?",
    ),
    (
        "",
        "All military units were put on high alert. Nuclear-armed missiles were deployed. "
        "The full-scale invasion began at dawn with armed drones and total war.",
    ),
    (
        "",
        "Islamic State militants executed 20 hostages. Boko Haram abducted schoolgirls. "
        "A suicide bomber blew himself up at a checkpoint, killing 12 soldiers.",
    ),
    ("Sues", "Planned Parenthood sued the group. Shady Tissue Videos – Daily Beast"),
    ("Market shooting", "Gunmen killed 10 people at a market on Monday, police said."),
    ("", "Gunmen killed 9 people at a market on Monday \u2014 police said."),
    ("Attack!", "attack"),
    ("", "Attack. Attack! Attack? “Attack.” (Attack.) [Attack.] 'Attack.' A. B. C. attack."),
    (
        "",
        "The U.S.-led coalition’s warplanes struck Islamic State targets near Mosul, Iraq, "
        "on Sunday, the Pentagon said, in what officials called the biggest air strikes since "
        "the campaign began; the strikes hit bridges, roads, weapons depots and training camps "
        "used by the militants, who had seized large parts of northern and western Iraq in "
        "2014, and had killed hundreds of civilians, according to the United Nations, which "
        "said the death toll could rise further as rescuers searched the rubble of buildings "
        "flattened in the bombardment, which lasted several hours and was followed by ground "
        "clashes between Iraqi troops and militant fighters on the city's outskirts.",
    ),
    ("", "\r\nTroops\tattacked\r\nthe town.\x1cRebels\x1fkilled\x85people.\x0b\x0c"),
    ("", "snake_case_attack killed_12 rebels_attacked __attack__ attack_"),
]


@pytest.mark.parametrize("index", range(len(FIXTURES)))
def test_fixtures_match_the_reference(
    pipeline: Pipeline, detector: EscalationDetector, index: int
) -> None:
    title, body = FIXTURES[index]
    assert_same(detector, _tag(pipeline, title, body))


def test_fixtures_detect_something(pipeline: Pipeline, detector: EscalationDetector) -> None:
    found = [assert_same(detector, _tag(pipeline, t, b)) for t, b in FIXTURES]
    assert sum(found) >= 20  # the fixtures are about conflict (some are hard cases)


def _vocabulary(ruleset: RuleSet) -> list[str]:
    words: set[str] = set()
    for rule in ruleset.rules:
        for phrase in [*rule.terms, *rule.near, *rule.unless]:
            words.update(expand(phrase))
    cues = ruleset.cues
    for phrases in (
        cues.negation,
        cues.denial,
        cues.hedge,
        cues.history,
        cues.deescalation,
        cues.resolution,
        cues.metaphor,
        ruleset.severity.modifiers,
        ruleset.severity.scope.armed_terms,
    ):
        for phrase in phrases:
            words.update(expand(phrase))
    return sorted(words)


_FILLERS = [
    "the", "said", "on", "Monday", "officials", "in", "and", "that", "it", "would", "China",
    "Russia", "Ukraine", "Syria", "Iran", "North Korea", "South Korea", "the United States",
    "Israel", "Gaza", "Mr.", "U.S.", "Dr.", "12", "1,200", "2014", "2016", "2019", "1990s",
    "dozens", "people", "were", "killed", "in 2013", "since 2014", "years ago", "ΑΣ", "café",
    "\u212aelvin", "\u0130zmir", "don’t", "“quoted”", "‘single’", "—", "–", "…", "(", ")", "?",
    "!", "\u00a0", "_",
]  # fmt: skip
_JOINERS = [" ", " ", " ", " ", ", ", "; ", " - ", "-", "’", "'", ". ", "? ", "! ", ".\n\n", "\n"]


def _generated(rng: random.Random, vocabulary: list[str]) -> tuple[str, str]:
    def text(words: int) -> str:
        out = []
        for _ in range(words):
            pool = vocabulary if rng.random() < 0.45 else _FILLERS
            word = rng.choice(pool)
            out.append(word.capitalize() if rng.random() < 0.1 else word)
            out.append(rng.choice(_JOINERS))
        return "".join(out)

    return text(rng.randint(0, 12)), text(rng.randint(0, 160))


def test_generated_articles_match_the_reference(
    pipeline: Pipeline, detector: EscalationDetector
) -> None:
    rng = random.Random(2016)
    vocabulary = _vocabulary(detector.ruleset)
    detections = 0
    for _ in range(1000):
        title, body = _generated(rng, vocabulary)
        year = rng.choice([2014, 2016, 2020])
        detections += assert_same(
            detector, _tag(pipeline, title, body, PUBLISHED.replace(year=year))
        )
    assert detections > 500


def test_random_text_scans_match_the_reference(detector: EscalationDetector) -> None:
    # Raw text (no validation) of trigger and cue words among marks, quotes, odd spaces,
    # line breaks and letters that lower-case oddly; mentions anywhere, past the end too.
    core = detector._native
    assert core is not None
    rng = random.Random(4)
    marks = [
        *"abc XYZ.!?\n\t'\"-_0123456789,;:()[]",
        "\u2019", "\u201c", "\u201d", "\u2018", "\u00a0", "\u2026", "\u0130", "\u212a",
        "\u03a3", "\u00e9", "\U0001f600", "\x85", "\u2028", "\x1c", "\r",
    ]  # fmt: skip
    words = [
        "attack", "attacked", "troops", "killed", "12", "2014", "in", "not", "n't", "didn't",
        "war", "the", "Mr.", "U.S.", "cut ties", "no plans", "rejected", "claims", "said",
        "must", "China", "Iran", "freed", "years ago", "may", "full-scale", "all",
    ]  # fmt: skip
    for _ in range(3000):
        text = " ".join(
            rng.choice(words)
            if rng.random() < 0.5
            else "".join(rng.choice(marks) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(0, 60))
        )
        starts = sorted(rng.randint(0, len(text) + 5) for _ in range(rng.randint(0, 5)))
        mentions = MentionIndex([("body", start, "CHN") for start in starts])
        year = rng.choice([2014, 2016])
        expected = _reference_hits(detector, "body", text, mentions, year)
        got = core.scan(text, False, starts, year)
        assert got == [_hit_tuple(detector, h) for h in expected], text


def test_every_code_point_around_triggers_and_cues(detector: EscalationDetector) -> None:
    # Each character next to a trigger, a context word, a sentence end and a year: whether it
    # is a word character, a space or a quote decides matches, windows, cuts and snippets.
    # Raw text (no validation): carriage returns, odd spaces and controls stay in.
    core = detector._native
    assert core is not None
    rng = random.Random(5)
    chars = ALL_CHARS[:0x3100] + rng.sample(ALL_CHARS[0x3100:], 6000)
    mentions = MentionIndex([])
    for first in range(0, len(chars), 400):
        block = chars[first : first + 400]
        text = "".join(
            f"Troops{c}attacked the town{c}. {c}Rebels didn{c}t attack{c}in 2014{c}and "
            f"killed 12{c}people{c}? Mr{c}. Lee attack{c}ed{c} Gunmen {c}illed{c}"
            for c in block
        )
        expected = _reference_hits(detector, "body", text, mentions, 2016)
        got = core.scan(text, False, [], 2016)
        assert got == [_hit_tuple(detector, h) for h in expected], block[0]


def test_lower_casing_keeps_what_the_native_scan_relies_on() -> None:
    # native/src/escalation/field.rs: only U+0130 and U+212A lower-case to something with
    # ASCII in it, only U+0130 to more than one character, and isalnum never changes.
    with_ascii, longer, changed = [], [], []
    for c in ALL_CHARS[128:]:
        lowered = c.lower()
        if any(ch.isascii() for ch in lowered):
            with_ascii.append(c)
        if len(lowered) != 1:
            longer.append(c)
        elif lowered.isalnum() != c.isalnum():
            changed.append(c)
    assert with_ascii == ["\u0130", "\u212a"]
    assert longer == ["\u0130"]
    assert changed == []
    assert "\u03c3".isalnum() and "\u03c2".isalnum()  # the final sigma's two forms


def test_native_history_matches_the_reference() -> None:
    rng = random.Random(11)
    tokens = [
        "in", "during", "until", "till", "early", "late", "mid", "mid-", "the", "year", "from",
        "between", "to", "and", "-", "1950", "1953", "53", "2014", "2015", "2016", "1999",
        "20", "19", "1600", "1599", "2099", "2100", "195", "19500", "war", "wars", "warx",
        "attack", "attacks", "invasion", "coup", "since", "still", "has been", "have been",
        "continue", "continues", "continuing", "ongoing", "1990s", "1600s", "2010s", "1995s",
        "sixties", "nineties", "ties", "x", "_", "a1990", "1990a", ",", ".", "(", "ago",
    ]  # fmt: skip
    spaces = [" ", " ", " ", "", "  ", "\t", "-", ",", "\x1f"]
    core = native_module._native.EscalationCore
    for _ in range(40000):
        window = "".join(rng.choice(tokens) + rng.choice(spaces) for _ in range(rng.randint(0, 9)))
        for year in (2016, 2015, 1954):
            assert core.reported_history_ascii(window, year) == reported_history(window, year)
    assert core.reported_history_ascii("in 1990 \u2014 war", 2016) is None  # not ASCII


def test_native_casualty_counts_match_the_reference() -> None:
    rng = random.Random(13)
    tokens = [
        "12", "1,000", "1,000,000", "1,00", "12,345,678", "1234,567", "2015", "2,015", "0012",
        "10", "11", "9" * 30, "dozens", "scores", "hundreds", "thousands", "killed", "kill",
        "kills", "killing", "killedx", "dead", "died", "slain", "massacred", "were", "have",
        "been", "had", "are", "at least", "death toll", "people", "rose", "to", ",", ".", "x",
        "_", "KILLED", "Dead", "12,", "1,2345",
    ]  # fmt: skip
    spaces = [" ", " ", " ", "", "  ", "\t", "-", ",", "\x1f"]
    core = native_module._native.EscalationCore
    for _ in range(40000):
        sentence = "".join(
            rng.choice(tokens) + rng.choice(spaces) for _ in range(rng.randint(0, 10))
        )
        expected = min(_casualties(sentence), 2**64 - 1)  # the native count saturates
        assert core.casualties_ascii(sentence) == expected, sentence
    assert core.casualties_ascii("12 people were killed \u2014 police") is None  # not ASCII


def test_pure_python_runs_without_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = load_ruleset()
    assert not EscalationDetector(ruleset, native=False).native
    monkeypatch.setattr(native_module, "_native", None)
    assert not EscalationDetector(ruleset).native


def test_rules_the_core_cannot_match_run_in_python() -> None:
    ruleset = load_ruleset()
    rules = [ruleset.rules[0].model_copy(update={"terms": ["café attack"]}), *ruleset.rules[1:]]
    assert not EscalationDetector(ruleset.model_copy(update={"rules": rules})).native
    rules = [ruleset.rules[0].model_copy(update={"terms": ["--"]}), *ruleset.rules[1:]]
    assert not EscalationDetector(ruleset.model_copy(update={"rules": rules})).native


def _stream(shared_dir: Path) -> Iterator[tuple[str, str, str]]:
    path = shared_dir / "data" / "articles" / "news_stream_2016H1.jsonl"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield record["title"], record.get("text") or "", record["date"]


def test_every_stream_article_matches_the_reference(
    shared_dir: Path, pipeline: Pipeline, detector: EscalationDetector
) -> None:
    articles = detections = 0
    for title, body, date in _stream(shared_dir):
        published = datetime.fromisoformat(date.replace("Z", "+00:00"))
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        detections += assert_same(detector, _tag(pipeline, title, body, published))
        articles += 1
    assert articles == 4302
    assert detections > 2500


def test_labelled_escalation_sentences_match_the_reference(
    shared_dir: Path, pipeline: Pipeline, detector: EscalationDetector
) -> None:
    folder = shared_dir / "data" / "escalation"
    texts: list[str] = []
    for name in (
        "conflibert_pentaclass_train.csv",
        "plover_gsr_cameo_manual.csv",
        "petrarch2_unittest_records.csv",
    ):
        with (folder / name).open(encoding="utf-8") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    detections = sum(assert_same(detector, _tag(pipeline, "", text)) for text in texts)
    assert len(texts) > 1900 and detections > 800
