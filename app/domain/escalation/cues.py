"""Sentence context that cancels or weakens a trigger: negation, denial, hedges, reported
history, de-escalation and metaphors. All checks work on the lower-cased sentence."""

from __future__ import annotations

import re

import ahocorasick

from app.domain.escalation.ruleset import CueSpec, expand

# A year introduced by a preposition ("in 2016", "since 1999") or a span ("1950-53",
# "from 1950 to 1953"); the year decides whether it lies before the article's own year.
_YEAR_AFTER_PREPOSITION = re.compile(
    r"\b(?:in|since|from|during|until|till|between)\s+"
    r"(?:early\s+|late\s+|mid-?)?((?:1[6-9]|20)\d\d)\b"
)
_YEAR_SPAN = re.compile(r"\b((?:1[6-9]|20)\d\d)\s*(?:-|–|—|to|and)\s*((?:1[6-9]|20)?\d\d)\b")
_DIGIT = re.compile(r"\d")
_DECADE = re.compile(
    r"\b(?:the\s+)?(?:(?:1[6-9]|20)\d0s|(?:fifties|sixties|seventies|eighties|nineties))\b"
)


class PhraseSet:
    """Whole-word phrase lookup with an Aho-Corasick automaton: one pass over the text
    whatever the number of phrases (a regex alternation of hundreds of phrases is ~100x
    slower per sentence)."""

    def __init__(self, phrases: list[str]) -> None:
        forms = {form for phrase in phrases for form in expand(phrase)}
        self._automaton = ahocorasick.Automaton()
        for form in forms:
            # "n't" attaches to its verb ("didn't"): no word boundary on its left.
            self._automaton.add_word(form, (len(form), form.startswith("n'")))
        self.empty = not forms
        if forms:
            self._automaton.make_automaton()

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every whole-word occurrence, by end offset."""
        if self.empty:
            return []
        found = []
        for last, (length, glued) in self._automaton.iter(text):
            start, end = last - length + 1, last + 1
            if not glued and start > 0 and text[start - 1].isalnum():
                continue
            if end < len(text) and text[end].isalnum():
                continue
            found.append((start, end))
        return found

    def search(self, text: str) -> bool:
        """True when any phrase occurs in ``text``."""
        return bool(self.spans(text))


def words_before(text: str, end: int, count: int) -> str:
    """The last ``count`` words of ``text[:end]`` (sentences hold single spaces)."""
    head = text[:end]
    splits = count + 1 if head.endswith(" ") else count
    parts = head.rsplit(" ", splits)
    return head if len(parts) <= splits else head[len(parts[0]) :]


def words_after(text: str, start: int, count: int) -> str:
    """The first ``count`` words of ``text[start:]``."""
    tail = text[start:]
    splits = count + 1 if tail.startswith(" ") else count
    parts = tail.split(" ", splits)
    return tail if len(parts) <= splits else tail[: len(tail) - len(parts[-1]) - 1]


class CueChecker:
    """Compiled cue lists from the rules file."""

    def __init__(self, spec: CueSpec) -> None:
        self.spec = spec
        self._negation = PhraseSet(spec.negation)
        self._denial = PhraseSet(spec.denial)
        self._hedge = PhraseSet(spec.hedge)
        self._history = PhraseSet(spec.history)
        self._deescalation = PhraseSet(spec.deescalation)
        self._resolution = PhraseSet(spec.resolution)
        self.metaphor = PhraseSet(spec.metaphor)

    def cancelled(self, sentence: str, start: int, end: int, year: int) -> str | None:
        """Why the trigger at ``sentence[start:end]`` does not report a new escalation."""
        spec = self.spec
        if _found(self._negation, words_before(sentence, start, spec.negation_window)):
            return "negation"
        if _found(self._denial, words_before(sentence, start, spec.denial_window)):
            return "denial"
        if _found(self._deescalation, words_before(sentence, start, spec.deescalation_window)):
            return "deescalation"
        if _found(
            self._resolution,
            words_before(sentence, start, spec.resolution_before)
            + " "
            + words_after(sentence, end, spec.resolution_after),
        ):
            return "resolution"
        window = (
            words_before(sentence, start, spec.history_window)
            + " "
            + sentence[start:end]
            + words_after(sentence, end, spec.history_window)
        )
        if _found(self._history, window) or _past_year(window, year):
            return "history"
        return None

    def hedged(self, sentence: str, start: int) -> bool:
        """True for speculation ("could", "experts fear") and questions."""
        if sentence.rstrip().endswith("?"):
            return True
        return _found(self._hedge, words_before(sentence, start, self.spec.hedge_window))


def _found(phrases: PhraseSet, text: str) -> bool:
    return phrases.search(text)


def _past_year(window: str, year: int) -> bool:
    """A year before the article's own, or a decade, near the trigger."""
    if _DIGIT.search(window) is None and "ties" not in window:
        return False
    for match in _YEAR_AFTER_PREPOSITION.finditer(window):
        if int(match.group(1)) < year:
            return True
    for match in _YEAR_SPAN.finditer(window):
        if int(match.group(1)) < year:
            return True
    return _DECADE.search(window) is not None
