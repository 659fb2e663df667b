"""Context phrases around triggers: one automaton holds every cue list, the severity modifiers
and each rule's ``near`` and ``unless`` words, and runs once per sentence that holds a
trigger; word windows are then decided by counting spaces (C speed), not by re-scanning
slices of the sentence for every rule and cue."""

from __future__ import annotations

from itertools import accumulate
from typing import NamedTuple

import ahocorasick

from app.domain.escalation.ruleset import CueSpec, RuleSpec, expand

# Cue kinds, as bits of ContextMatch.cues.
NEGATION, DENIAL, DEESCALATION, RESOLUTION, HISTORY, HEDGE, MODIFIER, ARMED = (
    1 << i for i in range(8)
)
_BATCH = 12  # spaces found per split: the widest default cue window


class ContextMatch(NamedTuple):
    """A whole-word context phrase in a sentence; ``near``/``unless`` are bit sets of rule
    indexes whose lists hold the phrase. (A tuple: a frozen dataclass costs ~1 us to build.)"""

    start: int
    end: int
    cues: int
    near: int
    unless: int


_make = tuple.__new__


PhraseBits = list[int]  # [cue bits, near rule bits, unless rule bits]


def context_table(
    spec: CueSpec, modifiers: list[str], armed: list[str], rules: list[RuleSpec]
) -> dict[str, PhraseBits]:
    """Every context phrase (lower-cased, expanded forms) with its cue, near and unless bits."""
    table: dict[str, PhraseBits] = {}

    def add(phrases: list[str], slot: int, bit: int) -> None:
        for phrase in phrases:
            for form in expand(phrase):
                table.setdefault(form, [0, 0, 0])[slot] |= bit

    for bit, phrases in (
        (NEGATION, spec.negation),
        (DENIAL, spec.denial),
        (DEESCALATION, spec.deescalation),
        (RESOLUTION, spec.resolution),
        (HISTORY, spec.history),
        (HEDGE, spec.hedge),
        (MODIFIER, modifiers),
        (ARMED, armed),
    ):
        add(phrases, 0, bit)
    for index, rule in enumerate(rules):
        add(rule.near, 1, 1 << index)
        add(rule.unless, 2, 1 << index)
    return table


def is_glued(form: str) -> bool:
    """ "n't" attaches to its verb ("didn't"): no word boundary on its left."""
    return form.startswith("n'")


class ContextIndex:
    """The automaton of every context phrase (lower-cased, expanded forms)."""

    def __init__(self, table: dict[str, PhraseBits]) -> None:
        self._automaton = ahocorasick.Automaton()
        for form, (cues, near, unless) in table.items():
            self._automaton.add_word(form, (len(form), is_glued(form), cues, near, unless))
        self._automaton.make_automaton()

    def matches(self, sentence: str) -> list[ContextMatch]:
        """Every whole-word occurrence in a lower-cased sentence, by end offset."""
        found = []
        size = len(sentence)
        for last, (length, glued, cues, near, unless) in self._automaton.iter(sentence):
            start, end = last - length + 1, last + 1
            if not glued and start > 0 and sentence[start - 1].isalnum():
                continue
            if end < size and sentence[end].isalnum():
                continue
            # tuple.__new__ skips the NamedTuple's Python-level __new__ (same object, 3x faster).
            found.append(_make(ContextMatch, (start, end, cues, near, unless)))
        return found


class Window:
    """Word windows around ``text[start:end]`` (a trigger in its lower-cased sentence). The
    words are what splitting the sentence on single spaces gives, the trigger's own leading
    or trailing space counting as a split. Context phrases start and end with a word
    character, so a window edge never cuts one; membership is a space count."""

    __slots__ = ("_after", "_before", "end", "lead", "start", "text", "trail")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.lead = 1 if start > 0 and text[start - 1] == " " else 0
        self.trail = 1 if text.startswith(" ", end) else 0
        self._before: list[int] | None = None
        self._after: list[int] | None = None

    def reaches_back(self, offset: int, count: int) -> bool:
        """True when ``text[offset:start]`` lies within the ``count`` words before."""
        return offset >= self.start or self.text.count(" ", offset, self.start) < count + self.lead

    def reaches_ahead(self, offset: int, count: int) -> bool:
        """True when ``text[end:offset]`` lies within the ``count`` words after."""
        return offset <= self.end or self.text.count(" ", self.end, offset) < count + self.trail

    def before(self, count: int) -> int:
        """Start offset of the ``count`` words before the trigger (a space, or 0)."""
        splits = count + self.lead
        if splits == 0:
            return self.start
        spaces = self._before
        if spaces is None or (len(spaces) < splits and spaces[-1:] != [-1]):
            parts = self.text[: self.start].rsplit(" ", max(splits, _BATCH))
            lengths = accumulate(len(part) + 1 for part in reversed(parts[1:]))
            spaces = [self.start - n for n in lengths]
            if len(parts) <= max(splits, _BATCH):
                spaces.append(-1)  # no more spaces
            self._before = spaces
        if splits > len(spaces) or spaces[splits - 1] < 0:
            return 0
        return spaces[splits - 1]

    def after(self, count: int) -> int:
        """End offset of the ``count`` words after the trigger (a space, or the text end)."""
        splits = count + self.trail
        if splits == 0:
            return self.end
        spaces = self._after
        if spaces is None or (len(spaces) < splits and spaces[-1:] != [-1]):
            parts = self.text[self.end :].split(" ", max(splits, _BATCH))
            lengths = accumulate(len(part) + 1 for part in parts[:-1])
            spaces = [self.end + n - 1 for n in lengths]
            if len(parts) <= max(splits, _BATCH):
                spaces.append(-1)
            self._after = spaces
        if splits > len(spaces) or spaces[splits - 1] < 0:
            return len(self.text)
        return spaces[splits - 1]
