"""Text plumbing for the trigger scan: length-preserving lower-casing and punctuation
removal (offsets must stay exact), lazy sentence splitting, evidence snippets."""

from __future__ import annotations

import re
from bisect import bisect_right

_SNIPPET = 300


# The sentence end of app.domain.text.split_sentences: a mark, closing quotes/brackets and
# whitespace, then an upper-case letter, digit or opening quote; not after an abbreviation.
# Starting with a character class, the pattern is searched for at C speed. A unit test checks
# that both give the same sentences on real articles.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Sen|Rep|Gov|St|No|vs)\.?$")

Span = tuple[int, int]  # start, end of a sentence in its text


class SentenceFinder:
    """Sentences of a text as ``split_sentences`` gives them paragraph by paragraph (a
    paragraph break always ends a sentence), found lazily: only paragraphs holding a trigger
    (and, for the lead, the first ones) are split, into offsets without sentence objects."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._paragraphs: dict[int, list[Span]] = {}
        self._lead_end: int | None = None

    def at(self, offset: int) -> Span:
        """The sentence holding ``offset`` (a word character)."""
        start = self.text.rfind("\n", 0, offset) + 1
        spans = self._paragraphs.get(start)
        if spans is None:
            spans = self._split(start)
        for span in spans:
            if offset < span[1]:
                return span
        return spans[-1]

    def lead_end(self, count: int) -> int:
        """Start of the ``count``-th sentence of the text (its length when there are fewer)."""
        if self._lead_end is None:
            self._lead_end = len(self.text)
            seen, start = 0, 0
            while start < len(self.text):
                spans = self._paragraphs.get(start)
                if spans is None:
                    spans = self._split(start)
                if seen + len(spans) >= count:
                    self._lead_end = spans[count - seen - 1][0]
                    break
                seen += len(spans)
                end = self.text.find("\n", start)
                if end < 0:
                    break
                start = end + 1
        return self._lead_end

    def _split(self, paragraph: int) -> list[Span]:
        text = self.text
        start = paragraph
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        spans: list[Span] = []
        position = start
        while True:
            match = _SENTENCE_END.search(text, position, end)
            if match is None:
                break
            position = match.end()
            mark = match.start() + 1
            if _ABBREVIATION.search(text, max(start, mark - 5), mark):
                continue
            _append(spans, text, start, mark)
            start = position
        _append(spans, text, start, end)
        self._paragraphs[paragraph] = spans
        return spans


class SpanSet:
    """Spans (start, end), asked whether any overlaps a range: a bisect and a short walk, where
    a scan of every span per question was quadratic on long texts full of spans."""

    def __init__(self, spans: list[Span]) -> None:
        self._spans = sorted(spans, key=lambda span: span[1])
        self._ends = [end for _, end in self._spans]
        self._longest = max((end - start for start, end in self._spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        """True when a span shares a character with ``[start, end)``."""
        i = bisect_right(self._ends, start)  # the first span ending after ``start``
        while i < len(self._spans):
            span_start, span_end = self._spans[i]
            if span_end - self._longest >= end:
                return False  # this span and every later one start at or after ``end``
            if span_start < end:
                return True
            i += 1
        return False


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# Every non-alphanumeric Latin-1 character becomes a space. bytes.translate is ~50x faster
# than str.translate on a dict, so text is mapped through Latin-1 when it fits (nearly all
# English news once the common typographic punctuation is replaced).
_LATIN1_SPACES = bytes(i if chr(i).isalnum() else 32 for i in range(256))
_TYPOGRAPHIC = (
    "\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2015\u2026\u2022\u00a0\u2032\u2033"
)
_NON_WORD = re.compile(r"[\W_]")


def spaced(lowered: str) -> str:
    """Punctuation to spaces (same length), padded: whole words sit between spaces."""
    if lowered.isascii():
        return " " + lowered.encode("ascii").translate(_LATIN1_SPACES).decode("ascii") + " "
    for mark in _TYPOGRAPHIC:
        if mark in lowered:
            lowered = lowered.replace(mark, " ")
    try:
        data = lowered.encode("latin-1")
    except UnicodeEncodeError:
        return " " + _NON_WORD.sub(" ", lowered) + " "
    return " " + data.translate(_LATIN1_SPACES).decode("latin-1") + " "


def key(form: str) -> str:
    return " " + " ".join(spaced(form).split()) + " "


def lower_keep_length(text: str) -> str:
    """Lower-case without changing length (offsets must stay exact); curly apostrophes
    become straight so "didn’t" reads like "didn't"."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered.replace("\u2019", "'")


def snippet(text: str, start: int, end: int) -> str:
    """The sentence ``text``, or a ~300-character window of it centred on the match."""
    if len(text) <= _SNIPPET:
        return text
    room = max(0, _SNIPPET - (end - start)) // 2
    left = max(0, min(start - room, len(text) - _SNIPPET))
    right = min(len(text), left + max(_SNIPPET, end - start))
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")
