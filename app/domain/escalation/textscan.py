"""Text plumbing for the trigger scan: length-preserving lower-casing and punctuation
removal (offsets must stay exact), lazy sentence splitting, evidence snippets."""

from __future__ import annotations

import re

from app.domain.text import Sentence, sentence_at, split_sentences

_SNIPPET = 300


class LazySentences:
    """Sentences of a text, split lazily paragraph by paragraph with the shared splitter
    (a paragraph break always ends a sentence), so only paragraphs holding a trigger are
    split: splitting a whole 3 KB article costs more than the rest of the stage."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._paragraphs: dict[int, list[Sentence]] = {}
        self._lead_end: int | None = None

    def at(self, offset: int) -> Sentence | None:
        """The sentence holding ``offset``."""
        start = self.text.rfind("\n", 0, offset) + 1
        sentences = self._paragraphs.get(start)
        if sentences is None:
            end = self.text.find("\n", offset)
            end = len(self.text) if end < 0 else end
            sentences = [
                Sentence(s.text, s.start + start, s.end + start)
                for s in split_sentences(self.text[start:end])
            ]
            self._paragraphs[start] = sentences
        return sentence_at(sentences, offset)

    def is_lead(self, sentence: Sentence, count: int) -> bool:
        """True when fewer than ``count`` sentences precede this one in the text."""
        if self._lead_end is None:
            self._lead_end = len(self.text)
            seen, offset = 0, 0
            while offset < len(self.text):
                end = self.text.find("\n", offset)
                end = len(self.text) if end < 0 else end
                if end > offset:
                    self.at(offset)
                    for s in self._paragraphs.get(offset, []):
                        seen += 1
                        if seen == count:
                            self._lead_end = s.start
                            break
                if seen >= count:
                    break
                offset = end + 1
        return sentence.start <= self._lead_end


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


def snippet(sentence: Sentence, start: int, end: int) -> str:
    """The sentence, or a ~300-character window of it centred on the match."""
    text = sentence.text
    if len(text) <= _SNIPPET:
        return text
    room = max(0, _SNIPPET - (end - start)) // 2
    left = max(0, min(start - room, len(text) - _SNIPPET))
    right = min(len(text), left + max(_SNIPPET, end - start))
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")
