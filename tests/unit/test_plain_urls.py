"""The shortcut for plain article URLs gives the same canonical URL (hence the same article id)
as the general urlsplit path, and never takes a URL that the general path treats otherwise."""

from __future__ import annotations

import json
import random
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.domain.validation import (
    _UNSAFE_URL_CHARS,
    _canonical,
    _has_unsafe_chars,
    _plain_canonical,
)

STREAM = Path("data") / "articles" / "news_stream_2016H1.jsonl"


def _general(url: str) -> str:
    parts = urlsplit(url)
    return _canonical(parts, parts.port)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/news/2016/03/a-story.html",
        "HTTP://WWW.Example.ORG/News/",
        "http://www.example.org",
        "https://example.org///",
        "https://www./",
        "https://www.//x",
        "https://a.b/p;x=1/q:r@s/%20t/~u/(v)/*w+,='!$&",
    ],
)
def test_plain_urls_get_the_general_canonical_form(url: str) -> None:
    shortcut = _plain_canonical(url)
    assert shortcut is None or shortcut == _general(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=1",
        "https://example.org/a#top",
        "https://example.org:8080/a",
        "https://user@example.org/a",
        "ftp://example.org/a",
        "https://ex ample.org/a",
        "https://[::1]/a",
        "https://ex\u00e4mple.org/a",
        "https://example.org/a\tb",
        "//example.org/a",
        "https://www./",
    ],
)
def test_other_urls_take_the_general_path(url: str) -> None:
    assert _plain_canonical(url) is None


def test_random_urls_agree() -> None:
    rng = random.Random(5)
    schemes = ["http://", "https://", "HTTPS://", "ftp://", "http:/", ""]
    host = ["www.", "WWW.", "Example", ".org", "-", ".", "a", "80", ":", "@", " ", "\u00e9"]
    path = ["/", "//", "a", "B", "-", ".", "%2F", "~", ";", ":", "@", "?", "#", "=", " ", "\t"]
    taken = 0
    for _ in range(20_000):
        url = (
            rng.choice(schemes)
            + "".join(rng.choice(host) for _ in range(rng.randint(0, 5)))
            + "".join(rng.choice(path) for _ in range(rng.randint(0, 8)))
        )
        shortcut = _plain_canonical(url)
        if shortcut is not None:
            taken += 1
            assert shortcut == _general(url), url
    assert taken > 500


def test_real_article_urls_agree(shared_dir: Path) -> None:
    taken = 0
    with (shared_dir / STREAM).open(encoding="utf-8") as lines:
        for line in lines:
            url = json.loads(line)["url"].strip()
            shortcut = _plain_canonical(url)
            if shortcut is not None:
                taken += 1
                assert shortcut == _general(url)
    assert taken > 1000


@pytest.mark.parametrize("around", ["https://example.org/a{}b", "https://exämple.org/{}"])
def test_the_unsafe_character_check_agrees_with_its_pattern(around: str) -> None:
    # Every BMP character, in an ASCII URL (the str.isprintable shortcut) and in a non-ASCII
    # one (the regular expression itself).
    for code in range(0x10000):
        url = around.format(chr(code))
        assert _has_unsafe_chars(url) == (_UNSAFE_URL_CHARS.search(url) is not None), hex(code)
