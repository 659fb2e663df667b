"""Which rule matches stand: nearby-word extents, vetoes, one hit per trigger and category,
and triggers that are the object of a verbal frame."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.escalation.context import ContextMatch, Window
from app.domain.escalation.ruleset import CategorySpec, RuleSpec
from app.domain.escalation.scoring import Hit, Mention
from schemas import TextField


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its category, its weight and its bit in the context matches."""

    spec: RuleSpec
    category: CategorySpec
    weight: float
    bit: int


def near_extent(
    rule: CompiledRule, window: Window, matches: list[ContextMatch]
) -> tuple[int, int] | None:
    """The evidence span: the trigger, stretched to its required nearby word if any (the
    first one after it, else the last one before it, within ``window`` words)."""
    ts, te = window.start, window.end
    if not rule.spec.near:
        return ts, te
    bit, size, direction = rule.bit, rule.spec.window, rule.spec.direction
    if direction != "before":
        ahead = [
            (m.start, m.end)
            for m in matches
            if m.near & bit and m.start >= te and window.reaches_ahead(m.end, size)
        ]
        if ahead:
            return ts, min(ahead)[1]
    if direction != "after":
        back = [
            (m.start, m.end)
            for m in matches
            if m.near & bit and m.end <= ts and window.reaches_back(m.start, size)
        ]
        if back:
            return max(back)[0], te
    return None


def vetoed(rule: CompiledRule, window: Window, matches: list[ContextMatch]) -> bool:
    """A rule's ``unless`` word in its window (or anywhere in the sentence) vetoes it."""
    size = rule.spec.unless_window
    return any(
        m.unless & rule.bit
        and (
            size == 0 or (window.reaches_back(m.start, size) and window.reaches_ahead(m.end, size))
        )
        for m in matches
    )


def has_actor(mentions: list[Mention], field: TextField, start: int, end: int) -> bool:
    """True when a country actor is named in ``field[start:end]``."""
    return any(f == field and start <= s < end for f, s, _ in mentions)


def dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per category and trigger: the most severe (then most specific) rule."""
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
    # A shorter match inside a longer one of the same category adds nothing to explain.
    groups: dict[tuple[str, str], list[Hit]] = {}
    for hit in kept:
        groups.setdefault((hit.category.id, hit.field), []).append(hit)
    return [
        hit
        for hit in kept
        if not any(
            other.start <= hit.start
            and hit.end <= other.end
            and (other.end - other.start) > (hit.end - hit.start)
            for other in groups[(hit.category.id, hit.field)]
        )
    ]


def drop_framed(hits: list[Hit]) -> list[Hit]:
    """Drop a trigger that is the object of a verbal frame: the "sanctions" in "threatened
    sanctions" or the "attacking" in "accused X of attacking" are not events of their own."""
    frames = [
        h for h in hits if h.category.quad_class == 3 and h.rule.near and h.end > h.trigger_end
    ]
    if not frames:
        return hits
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
