"""From kept matches to a detection: categories with evidence, severity, band and dyad."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.escalation.mentions import MentionIndex
from app.domain.escalation.ruleset import CategorySpec, RuleSet, RuleSpec
from schemas import AlertCategory, Dyad, Evidence, SeverityLevel, TextField

_MAX_EVIDENCE = 12  # per category: enough to explain, small enough for a chat message


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is ~5x slower
class Hit:
    """One kept match of a rule (internal to the stage; never mutated)."""

    rule: RuleSpec
    category: CategorySpec
    weight: float  # severity this match alone supports (hedges applied)
    hedged: bool
    modified: bool  # a strong modifier ("all", "military", "nuclear") sits next to it
    armed: bool  # an armed force or group is named in its sentence (severity scope)
    lead: bool  # in the title or the first sentences of the body
    field: TextField
    start: int
    end: int
    trigger_start: int
    trigger_end: int
    phrase: str
    sentence: str
    sentence_start: int
    sentence_end: int


def categories_of(hits: list[Hit], order: dict[str, int]) -> list[AlertCategory]:
    """One ``AlertCategory`` per category, most severe first, with all its evidence."""
    by_category: dict[str, list[Hit]] = {}
    for hit in hits:
        by_category.setdefault(hit.category.id, []).append(hit)
    ranked = sorted(
        by_category.values(),
        key=lambda group: (-max(h.weight for h in group), order[group[0].category.id]),
    )
    result = []
    for group in ranked:
        best = max(group, key=lambda h: (h.weight, len(h.rule.cameo), -h.start))
        spec = best.category
        evidence = sorted(group, key=lambda h: (h.field != "title", h.start, h.rule.id))
        # Plain validated construction: in pydantic 2.14 ``model_construct`` runs in Python
        # and costs twice as much as validation, which runs in pydantic-core.
        result.append(
            AlertCategory(
                category=spec.id,
                cameo_code=best.rule.cameo,
                plover_type=spec.plover_type,
                quad_class=spec.quad_class,
                goldstein=spec.goldstein[best.rule.cameo],
                evidence=[_evidence(h) for h in evidence[:_MAX_EVIDENCE]],
            )
        )
    return result


def severity_of(hits: list[Hit], ruleset: RuleSet, weak_context: bool) -> float:
    """0-10: strongest match, small boosts for breadth and strong modifiers, context factor."""
    spec = ruleset.severity
    base = max(hit.weight for hit in hits)
    firm = [hit for hit in hits if not hit.hedged]
    extra_categories = len({hit.category.id for hit in firm}) - 1
    boost = min(spec.max_category_boost, spec.category_boost * max(extra_categories, 0))
    if any(hit.modified for hit in firm):
        boost += spec.modifier_boost
    severity = (base + boost) * (spec.weak_context_factor if weak_context else 1.0)
    if not any(hit.lead for hit in hits):
        severity *= spec.background_factor
    return round(min(10.0, max(0.0, severity)), 2)


def level_of(severity: float, ruleset: RuleSet) -> SeverityLevel:
    """The band a severity falls in (bounds from the rules file)."""
    bands = ruleset.severity.bands
    if severity >= bands.critical:
        return "critical"
    if severity >= bands.high:
        return "high"
    if severity >= bands.medium:
        return "medium"
    return "low"


def dyad_of(hits: list[Hit], mentions: MentionIndex, ranked_codes: list[str]) -> Dyad | None:
    """Source -> target: the actor named before the trigger in its sentence acts, the one
    after it is acted upon; votes weighted by match weight; else most-mentioned actors."""
    if not ranked_codes:
        return None
    sources: dict[str, float] = {}
    targets: dict[str, float] = {}
    for hit in hits:
        before = mentions.codes_between(hit.field, hit.sentence_start, hit.trigger_start)
        after = mentions.codes_between(hit.field, hit.trigger_end, hit.sentence_end)
        if before:
            sources[before[0]] = sources.get(before[0], 0.0) + hit.weight
            target = next((code for code in after if code != before[0]), None)
            if target is not None:
                targets[target] = targets.get(target, 0.0) + hit.weight
        elif after:
            targets[after[0]] = targets.get(after[0], 0.0) + hit.weight / 2
    rank = {code: i for i, code in enumerate(ranked_codes)}
    source = _top(sources, rank) or ranked_codes[0]
    targets.pop(source, None)
    target = _top(targets, rank) or next((c for c in ranked_codes if c != source), None)
    return Dyad(source=source, target=target)


def _top(votes: dict[str, float], rank: dict[str, int]) -> str | None:
    if not votes:
        return None
    return min(votes, key=lambda code: (-votes[code], rank.get(code, len(rank))))


def _evidence(hit: Hit) -> Evidence:
    return Evidence(
        rule_id=hit.rule.id,
        phrase=hit.phrase,
        field=hit.field,
        start=hit.start,
        end=hit.end,
        sentence=hit.sentence,
    )
