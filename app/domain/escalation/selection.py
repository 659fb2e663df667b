"""Which rule matches stand: nearby-word extents, vetoes, one hit per trigger and category,
and triggers that are the object of a verbal frame."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from app.domain.escalation.context import ContextMatch, Window
from app.domain.escalation.ruleset import CategorySpec, RuleSpec
from app.domain.escalation.scoring import Hit


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
    inside: set[int] = set()
    for group in groups.values():
        inside.update(_inside_longer(group))
    return [hit for hit in kept if id(hit) not in inside]


def _inside_longer(hits: list[Hit]) -> list[int]:
    """Ids of the hits whose span lies within a longer span of ``hits``: one sweep in start
    order (comparing every pair was quadratic on long articles)."""
    ordered = sorted(hits, key=lambda hit: hit.start)
    inside: list[int] = []
    reach = -1  # the furthest end of the spans that start before the current start
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j].start == ordered[i].start:
            j += 1
        furthest = max(hit.end for hit in ordered[i:j])
        # Starting earlier and ending no sooner, or starting together and ending later.
        inside.extend(id(hit) for hit in ordered[i:j] if reach >= hit.end or furthest > hit.end)
        reach = max(reach, furthest)
        i = j
    return inside


def drop_framed(hits: list[Hit]) -> list[Hit]:
    """Drop a trigger that is the object of a verbal frame: the "sanctions" in "threatened
    sanctions" or the "attacking" in "accused X of attacking" are not events of their own."""
    frames = [
        h for h in hits if h.category.quad_class == 3 and h.rule.near and h.end > h.trigger_end
    ]
    if not frames:
        return hits
    by_field: dict[str, list[Hit]] = {}
    for frame in frames:
        by_field.setdefault(frame.field, []).append(frame)
    index = {field: _FrameIndex(group) for field, group in by_field.items()}
    return [hit for hit in hits if hit.field not in index or not index[hit.field].frames(hit)]


class _FrameIndex:
    """The frames of one field by where their object starts (the trigger's end)."""

    def __init__(self, frames: list[Hit]) -> None:
        self._frames = sorted(frames, key=lambda frame: frame.trigger_end)
        self._starts = [frame.trigger_end for frame in self._frames]
        self._longest = max(frame.end - frame.trigger_end for frame in self._frames)

    def frames(self, hit: Hit) -> bool:
        """True when another category's frame has ``hit``'s trigger in its object."""
        at = hit.trigger_start
        i = bisect_right(self._starts, at)  # the frames whose object starts at or before it
        while i > 0:
            i -= 1
            frame = self._frames[i]
            if frame.trigger_end + self._longest <= at:
                return False  # this frame and every earlier one end before ``at``
            if frame is not hit and at < frame.end and frame.category.id != hit.category.id:
                return True
        return False
