"""The native core's validate-stage text passes give exactly what the pure-Python reference
gives: hand-written edge cases, every Unicode code point, seeded random text, real articles."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from app.domain import language, text

pytestmark = pytest.mark.skipif(
    not text.NATIVE, reason="native core not built (scripts/build_native.py)"
)

STREAM = Path("data") / "articles" / "news_stream_2016H1.jsonl"

# Every code point but the surrogates, which valid JSON (hence an article) cannot carry.
ALL_CHARS = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]

SPACE_CASES = [
    "",
    " ",
    "\n\n\n",
    "plain text",
    "  two  spaces\tand a tab ",
    "line one\r\nline two\rline three\n",
    "para one\n\n\n\n  \n para two",
    "\u00a0non\u2009breaking\u3000spaces\u202f\u205f end\u200b",
    "\x1cfile separators\x1f are Python whitespace\x1d",
    "next line\x85 and line separator\u2028 stay inside lines",
    "  \t\n leading and trailing blank lines \n\t \n",
    "a\n \n\u00a0\nb",
    "\u00e9t\u00e9 \u2014 \u201cquoted\u201d \u2026",
]


@pytest.mark.parametrize("sample", SPACE_CASES)
def test_normalize_whitespace_matches_the_reference(sample: str) -> None:
    assert text.normalize_whitespace(sample) == text.normalize_whitespace_reference(sample)


def test_normalize_whitespace_agrees_on_every_code_point() -> None:
    # Each character at both ends of its own line and doubled inside it: a difference in what
    # counts as a space shows up in the strip or in the collapse.
    sample = "\n".join(f"{c}x{c}{c}y{c}" for c in ALL_CHARS)
    assert text.normalize_whitespace(sample) == text.normalize_whitespace_reference(sample)


def test_normalize_whitespace_agrees_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = "ab \t\n\r\f\v\x1c\x85\u00a0\u2000\u200a\u200b\u2028\u3000\u00e9"
    for _ in range(3000):
        sample = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert text.normalize_whitespace(sample) == text.normalize_whitespace_reference(sample)


LANGUAGE_CASES = [
    "",
    "The minister said on Monday that the talks with the rebels would resume in the spring.",
    "Le ministre a dit que les pourparlers avec les rebelles reprendront dans une semaine.",
    "Der Minister sagte, dass die Gespr\u00e4che mit den Rebellen nicht in der Stadt sind.",
    "El ministro dijo que las conversaciones con los rebeldes se reanudar\u00e1n en la ciudad.",
    "Il ministro ha detto che i colloqui con i ribelli della citt\u00e0 non sono finiti.",
    "O ministro disse que as conversas com os rebeldes n\u00e3o v\u00e3o parar em uma semana.",
    "De minister zei dat het overleg met de rebellen in een week niet van start gaat.",
    "\u041c\u0438\u043d\u0438\u0441\u0442\u0440 \u0441\u043a\u0430\u0437\u0430\u043b",
    "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \u0625\u0646",
    "\u5916\u4ea4\u90e8\u8868\u793a",
    "\u5916\u52d9\u7701\u306f\u767a\u8868\u3057\u305f",
    "\ud55c\uad6d \uc815\ubd80\ub294 \ubc1d\ud614\ub2e4",
    "It\u2019s the \u201cend\u201d \u2014 of the road for the plan, the aides said.",
    "Jos\u00e9 and Fran\u00e7ois said the deal is done and the vote was held in Z\u00fcrich.",
    "FUR F\u00dcR f\u00fcr \u00b2the \u2460and of_the 3rd",
    "the the the le le le",
    "a" * 700 + " the and of to in",
]


@pytest.mark.parametrize("sample", LANGUAGE_CASES)
def test_language_guess_matches_the_reference(sample: str) -> None:
    assert language.guess_language(sample) == language.guess_language_reference(sample)


def test_language_guess_agrees_on_random_text() -> None:
    rng = random.Random(11)
    words = ["the", "and", "le", "der", "für", "não", "el", "il", "het", "x", "THE", "Für"]
    noise = " .,;\u2019\u2014\u00a0\u00e9\u00b2\u0663_9\u0301\u0416\u4e00\uac00"
    for _ in range(3000):
        parts = [
            rng.choice(words) if rng.random() < 0.7 else rng.choice(noise)
            for _ in range(rng.randint(0, 60))
        ]
        sample = "".join(p + rng.choice(" \n,") for p in parts)
        assert language.guess_language(sample) == language.guess_language_reference(sample)


def test_the_native_core_agrees_on_real_articles(shared_dir: Path) -> None:
    path = shared_dir / STREAM
    checked = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for field in (record.get("title") or "", record.get("text") or ""):
                normalized = text.normalize_whitespace_reference(field)
                assert text.normalize_whitespace(field) == normalized
                assert language.guess_language(normalized) == language.guess_language_reference(
                    normalized
                )
                checked += 1
    assert checked > 1000
