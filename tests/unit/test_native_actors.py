"""The native actor scan finds exactly the matches of the reference trie regex, with the same
character offsets, and the recogniser built on it tags articles exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain import actors
from app.domain.actor_lexicon import ACTORS_PATH, compile_index, load_vocabulary

pytestmark = pytest.mark.skipif(
    not actors.NATIVE, reason="native core not built (scripts/build_native.py)"
)

STREAM = Path("data") / "articles" / "news_stream_2016H1.jsonl"


@pytest.fixture(scope="module")
def pair() -> tuple[actors.ActorRecognizer, actors.ActorRecognizer]:
    vocabulary = load_vocabulary(ACTORS_PATH)
    index = compile_index(vocabulary)
    return (
        actors.ActorRecognizer(index, vocabulary.names, native=True),
        actors.ActorRecognizer(index, vocabulary.names, native=False),
    )


CASES = [
    "",
    "North Korea fired a missile; South Korea and Japan protested.",
    "The North Koreans said Korea would never yield. TIran is no country; Iran is.",
    "Iranian, Irani and Iran's officials met in Tehran and in Washington.",
    "Caf\u00e9 owners in Montr\u00e9al and Z\u00fcrich said France and Germany \u2014 and "
    "the U.S. \u2014 agreed. \u201cRussia\u201d was named, then Russia\u2019s envoy.",
    "\u00c9mile said Ukraine2 and Ukraine_ and Ukraine\u00e9 are not Ukraine.",
    "Georgia, Jordan and the North: Michael Jordan visited Georgia After Vote in Jordan.",
    "mainland China, inter-Korean talks, the Gulf states, Latin America and America.",
    "\U0001f600 Syria \U0001f600 Israel\u0301 Egypt\u00b2 Libya",
    "Beijing\nMoscow\n\nKyiv Kiev Pyongyang Seoul Ankara",
]


@pytest.mark.parametrize("text", CASES)
def test_the_native_scan_matches_the_reference(
    pair: tuple[actors.ActorRecognizer, actors.ActorRecognizer], text: str
) -> None:
    native, reference = pair
    assert native._find(text) == reference._find(text)
    assert native.find(text, text) == reference.find(text, text)


def test_the_native_scan_matches_the_reference_on_real_articles(
    pair: tuple[actors.ActorRecognizer, actors.ActorRecognizer], shared_dir: Path
) -> None:
    native, reference = pair
    matches = 0
    with (shared_dir / STREAM).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            title, body = record.get("title") or "", record.get("text") or ""
            for text in (title, body):
                found = native._find(text)
                assert found == reference._find(text)
                matches += len(found)
            assert native.find(title, body) == reference.find(title, body)
    assert matches > 10_000
