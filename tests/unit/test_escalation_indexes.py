"""The detect stage's lookups give exactly what a scan of every pair gives. The scans were
quadratic in an article's length (about 0.6 s for a 480 KB article); the oracles here are the
code they replaced, run on random spans with many ties and nestings."""

from __future__ import annotations

import random

from app.domain.escalation.mentions import Mention, MentionIndex
from app.domain.escalation.ruleset import RuleSet, load_ruleset
from app.domain.escalation.scoring import Hit
from app.domain.escalation.selection import dedupe, drop_framed
from app.domain.escalation.textscan import SpanSet
from schemas import TextField

FIELDS: tuple[TextField, ...] = ("title", "body")


def test_mention_lookups_match_a_scan_of_every_mention() -> None:
    rng = random.Random(7)
    for _ in range(300):
        mentions: list[Mention] = [
            (rng.choice(FIELDS), rng.randrange(200), rng.choice(["PRK", "KOR", "USA", "CHN"]))
            for _ in range(rng.randrange(25))
        ]
        index = MentionIndex(mentions)
        for _ in range(20):
            field, start = rng.choice(FIELDS), rng.randrange(210)
            end = start + rng.randrange(60)
            expected = [c for f, s, c in sorted(mentions) if f == field and start <= s < end]
            assert index.codes_between(field, start, end) == expected
            assert index.names_any(field, start, end) == bool(expected)


def test_span_overlap_matches_a_scan_of_every_span() -> None:
    rng = random.Random(11)
    for _ in range(300):
        spans = []
        for _ in range(rng.randrange(1, 30)):
            start = rng.randrange(300)
            spans.append((start, start + rng.randrange(1, 25)))
        span_set = SpanSet(spans)
        for _ in range(30):
            start = rng.randrange(320)
            end = start + rng.randrange(1, 15)
            assert span_set.overlaps(start, end) == any(s < end and start < e for s, e in spans)


def _random_hits(rng: random.Random, count: int, ruleset: RuleSet) -> list[Hit]:
    categories = {category.id: category for category in ruleset.categories}
    hits = []
    for _ in range(count):
        rule = rng.choice(ruleset.rules)
        trigger_start = rng.randrange(0, 400, 3)  # coarse offsets: many shared triggers
        trigger_end = trigger_start + rng.choice([3, 5, 8])
        start = trigger_start - rng.choice([0, 0, 6, 15])
        end = trigger_end + rng.choice([0, 0, 9, 20, 40])
        hits.append(
            Hit(
                rule=rule,
                category=categories[rule.category],
                weight=rng.choice([2.0, 4.0, 6.5]),
                hedged=False,
                modified=False,
                armed=False,
                lead=False,
                field=rng.choice(FIELDS),
                start=start,
                end=end,
                trigger_start=trigger_start,
                trigger_end=trigger_end,
                phrase="",
                sentence="",
                sentence_start=0,
                sentence_end=500,
            )
        )
    return hits


def _dedupe_by_scan(hits: list[Hit]) -> list[Hit]:
    best: dict[tuple[str, str, int], Hit] = {}
    for hit in hits:
        key = (hit.category.id, hit.field, hit.trigger_start)
        current = best.get(key)
        if current is None or (hit.weight, len(hit.rule.cameo)) > (
            current.weight,
            len(current.rule.cameo),
        ):
            best[key] = hit
    kept = list(best.values())
    return [
        hit
        for hit in kept
        if not any(
            other.category.id == hit.category.id
            and other.field == hit.field
            and other.start <= hit.start
            and hit.end <= other.end
            and (other.end - other.start) > (hit.end - hit.start)
            for other in kept
        )
    ]


def _drop_framed_by_scan(hits: list[Hit]) -> list[Hit]:
    frames = [
        h for h in hits if h.category.quad_class == 3 and h.rule.near and h.end > h.trigger_end
    ]
    return [
        hit
        for hit in hits
        if not any(
            f is not hit
            and f.field == hit.field
            and f.trigger_end <= hit.trigger_start < f.end
            and f.category.id != hit.category.id
            for f in frames
        )
    ]


def test_dedupe_and_frames_match_a_scan_of_every_pair() -> None:
    rng = random.Random(2016)
    ruleset = load_ruleset()
    kept_some = dropped_some = framed_some = 0
    for _ in range(200):
        hits = _random_hits(rng, rng.randrange(1, 60), ruleset)
        deduped = dedupe(hits)
        assert [id(h) for h in deduped] == [id(h) for h in _dedupe_by_scan(hits)]
        framed = drop_framed(deduped)
        assert [id(h) for h in framed] == [id(h) for h in _drop_framed_by_scan(deduped)]
        kept_some += bool(deduped)
        triggers = {(h.category.id, h.field, h.trigger_start) for h in hits}
        dropped_some += len(deduped) < len(triggers)  # a span inside a longer one went
        framed_some += len(framed) < len(deduped)
    # The random cases exercise every branch, not only the trivial ones.
    assert kept_some == 200 and dropped_some > 50 and framed_some > 20
