"""Sentence context that cancels or weakens a trigger: negation, denial, de-escalation,
resolution, reported history, hedges; and the strong modifiers that raise severity. All
checks work on the lower-cased sentence and its context matches."""

from __future__ import annotations

import re

from app.domain.escalation.context import (
    DEESCALATION,
    DENIAL,
    HEDGE,
    HISTORY,
    MODIFIER,
    NEGATION,
    RESOLUTION,
    ContextMatch,
    Window,
)
from app.domain.escalation.history import reported_history
from app.domain.escalation.ruleset import CueSpec

_DIGIT = re.compile(r"\d")


_CANCELLING = NEGATION | DENIAL | DEESCALATION | RESOLUTION | HISTORY


class CueChecker:
    """The cue windows of the rules file applied to a trigger's context matches."""

    def __init__(self, spec: CueSpec, modifier_window: int) -> None:
        self.spec = spec
        self.modifier_window = modifier_window

    def check(
        self, window: Window, matches: list[ContextMatch], year: int
    ) -> tuple[str | None, bool, bool]:
        """Why the trigger reports no new escalation (None: it does), whether it is hedged,
        whether a strong modifier sits next to it."""
        spec, text, ts, te = self.spec, window.text, window.start, window.end
        back, ahead = window.reaches_back, window.reaches_ahead
        flags = 0
        for match in matches:
            flags |= match.cues
        reason: str | None = None
        if flags & _CANCELLING:
            prior = [m for m in matches if m.end <= ts and m.cues]
            if any(m.cues & NEGATION and back(m.start, spec.negation_window) for m in prior):
                reason = "negation"
            elif any(m.cues & DENIAL and back(m.start, spec.denial_window) for m in prior):
                reason = "denial"
            elif any(
                m.cues & DEESCALATION and back(m.start, spec.deescalation_window) for m in prior
            ):
                reason = "deescalation"
            elif any(
                m.cues & RESOLUTION
                and (
                    (m.end <= ts and back(m.start, spec.resolution_before))
                    or (m.start >= te and ahead(m.end, spec.resolution_after))
                )
                for m in matches
            ):
                reason = "resolution"
            elif any(
                m.cues & HISTORY
                and (m.end <= ts or m.start >= ts)  # the window joins at the trigger
                and back(m.start, spec.history_window)
                and ahead(m.end, spec.history_window)
                for m in matches
            ):
                reason = "history"
        if reason is None and (_DIGIT.search(text) is not None or "ties" in text):
            first, last = window.before(spec.history_window), window.after(spec.history_window)
            if reported_history(text[first:ts] + " " + text[ts:last], year):
                reason = "history"
        hedged = text.endswith("?") or (  # sentences are trimmed
            flags & HEDGE != 0
            and any(
                m.cues & HEDGE and m.end <= ts and back(m.start, spec.hedge_window) for m in matches
            )
        )
        modified = flags & MODIFIER != 0 and any(
            m.cues & MODIFIER
            and back(m.start, self.modifier_window)
            and ahead(m.end, self.modifier_window)
            for m in matches
        )
        return reason, hedged, modified
