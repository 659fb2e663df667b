"""Text helpers shared by the domain stages: HTML stripping, whitespace, sentences."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{0,2000}>", re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.I)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*(\n\s*)+")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) then whitespace and
# an upper-case letter, digit or opening quote; or at a paragraph break. Abbreviations such as
# "U.S." or "Mr." are protected by requiring the next token to look like a sentence start.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n+"
)
_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Sen|Rep|Gov|St|No|vs)\.?$")


def strip_html(text: str) -> str:
    """Remove tags and decode entities, keeping paragraph breaks where block tags were."""
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep single paragraph breaks, trim the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and where it sits in its text."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with character offsets (cheap, rule-based)."""
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        if _ABBREVIATION.search(candidate) and "\n" not in match.group(0):
            continue
        _append(sentences, text, start, match.start())
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(text[start:end], start, end))


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence containing ``offset`` (binary search over sorted sentences)."""
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        sentence = sentences[mid]
        if offset < sentence.start:
            hi = mid - 1
        elif offset >= sentence.end:
            lo = mid + 1
        else:
            return sentence
    return None
