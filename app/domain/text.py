"""Text helpers shared by the domain stages: HTML stripping, whitespace, sentences."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

try:
    from app import _native

    NATIVE = True
except ImportError:  # not built (scripts/build_native.py): the pure-Python reference runs
    NATIVE = False

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{0,2000}>", re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.I)
# Runs of horizontal space that need rewriting: two or more characters, or one that is not a
# plain space. A lone space (nearly every match of a plain ``[...]+`` pattern) is left alone,
# which makes the substitution several times cheaper on clean text.
_ODD_SPACES = r"\t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000"
_SPACES = re.compile(f" [ {_ODD_SPACES}]+|[{_ODD_SPACES}][ {_ODD_SPACES}]*")
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")  # the non-ASCII ones
_BLANK_LINES = re.compile(r"\n{3,}")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) then whitespace and
# an upper-case letter, digit or opening quote; or at a paragraph break. Abbreviations such as
# "U.S." or "Mr." are protected by requiring the next token to look like a sentence start.
# The match includes the end mark: a pattern that starts with a character class is searched
# for at C speed, where a leading look-behind is tried at every position (5x slower).
_SENTENCE_END = re.compile(
    r"[.!?\n](?:(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|(?<=\n)\n*)"
)
_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Sen|Rep|Gov|St|No|vs)\.?$")
# An abbreviation match is at most 4 characters ("Mrs."); with the character before it (for
# the word boundary) it lies within the last 6 characters of a candidate sentence.
_ABBREVIATION_TAIL = 6


def strip_html(text: str) -> str:
    """Remove tags and decode entities, keeping paragraph breaks where block tags were."""
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def normalize_whitespace_reference(text: str) -> str:
    """Collapse runs of spaces, keep single paragraph breaks, trim the ends (pure Python; the
    native core's ``normalize_whitespace`` gives the same result, about 10x faster)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (
        "  " in text
        or "\t" in text
        or "\f" in text
        or "\v" in text
        or (not text.isascii() and _ODD_SPACE.search(text))
    ):
        text = _SPACES.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    # Stripping every line empties the lines that held only whitespace; then any run of blank
    # lines becomes one paragraph break.
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


normalize_whitespace = _native.normalize_whitespace if NATIVE else normalize_whitespace_reference


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
        gap = match.group(0)
        end = match.start() + (gap[0] != "\n")  # the end mark belongs to the sentence
        if "\n" not in gap and _ABBREVIATION.search(
            text[max(start, end - _ABBREVIATION_TAIL) : end]
        ):
            continue
        _append(sentences, text, start, end)
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
