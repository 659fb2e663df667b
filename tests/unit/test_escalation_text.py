"""The detect stage's text plumbing agrees with the shared splitter and with plain splitting."""

from __future__ import annotations

import random

import pytest

from app.domain.escalation.context import Window
from app.domain.escalation.textscan import SentenceFinder
from app.domain.text import split_sentences

TEXT = (
    'Mr. Kim said the U.S. would "respond." Troops moved at 3.5 km/h! Did they? Yes.\n\n'
    "Gen. Lee arrived. (The talks ended.) 'Next' came.\n"
    "A short one\n\n"
    "Dr. No met Ms. Moneypenny in St. Petersburg vs. Moscow. The end."
)


def _reference(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for paragraph in text.split("\n"):
        spans += [(s.start + offset, s.end + offset) for s in split_sentences(paragraph)]
        offset += len(paragraph) + 1
    return spans


def test_sentences_match_the_shared_splitter() -> None:
    finder = SentenceFinder(TEXT)
    reference = _reference(TEXT)
    for start, end in reference:
        for offset in range(start, end):
            if TEXT[offset].isalnum():
                assert finder.at(offset) == (start, end), TEXT[start:end]
    for count in (1, 3, 5, 99):
        expected = reference[count - 1][0] if count <= len(reference) else len(TEXT)
        assert SentenceFinder(TEXT).lead_end(count) == expected


def _words_before(text: str, end: int, count: int) -> str:
    head = text[:end]
    splits = count + 1 if head.endswith(" ") else count
    parts = head.rsplit(" ", splits)
    return head if len(parts) <= splits else head[len(parts[0]) :]


def _words_after(text: str, start: int, count: int) -> str:
    tail = text[start:]
    splits = count + 1 if tail.startswith(" ") else count
    parts = tail.split(" ", splits)
    return tail if len(parts) <= splits else tail[: len(tail) - len(parts[-1]) - 1]


@pytest.mark.parametrize("seed", range(5))
def test_windows_are_plain_space_split_words(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = " ".join(rng.choice(["a", "bb", "c,", "'d", ""]) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        window = Window(text, start, end)
        for count in (1, 3, rng.randint(1, 20)):
            assert text[window.before(count) : start] == _words_before(text, start, count)
            assert text[end : window.after(count)] == _words_after(text, end, count)
            for offset in range(0, start):
                inside = offset >= window.before(count) and not text[offset].isspace()
                if text[offset].isalnum() and (offset == 0 or not text[offset - 1].isalnum()):
                    assert window.reaches_back(offset, count) == inside
