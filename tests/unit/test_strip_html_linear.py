"""``strip_html`` is a linear scan that gives what the former regular expressions gave.

The oracle is the regex version (tests/support/regex_strip_html.py), run on HTML-like text
built from the pieces that matter (tag heads with and without their ends, comments, script and
style elements, entities, a '<' that starts no tag) and on the project's fixture articles.
Linearity itself is measured by ``scripts/bench_strip_html.py`` (a benchmark, not a timed
test); here the worst-case inputs only have to come out as the oracle says on a small size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.text import strip_html
from tests.support.regex_strip_html import regex_strip_html

REPO = Path(__file__).resolve().parents[2]

PIECES = [
    "<",
    ">",
    "<p>",
    "</p>",
    "<P class='x'>",
    "<br/>",
    "<br",
    "<div",
    "</div >",
    "<h2>",
    "<hr>",
    "<pre>",
    "<li>",
    "<section id=a>",
    "<tr>",
    "<blockquote>",
    "<!--",
    "-->",
    "<!-->",
    "--",
    "<script>",
    "<script ",
    "</script>",
    "</SCRIPT >",
    "<Script type='t'>",
    "</script",
    "<style>",
    "</style>",
    "<styles>",
    "</style\n>",
    "<scripts>",
    "&amp;",
    "&lt;",
    "&#62;",
    "&nbsp;",
    "&",
    "a",
    "b c",
    " ",
    "\n",
    "\t",
    "text",
    "x > y",
    "1 < 2",
    "é",
    "—",
    "<a href='u'>",
    "</a>",
    "<img src=x>",
    "<b>",
    "</b>",
    "<",
    "<<",
    ">>",
    "<\n>",
    "<p\n>",
]


@given(st.lists(st.sampled_from(PIECES), max_size=60))
@settings(max_examples=600, deadline=None)
def test_same_output_as_the_regex_version_on_html_like_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert strip_html(text) == regex_strip_html(text)


@given(st.text(alphabet=st.sampled_from("<>!-/ps &;abrty\n"), max_size=80))
@settings(max_examples=600, deadline=None)
def test_same_output_as_the_regex_version_on_tag_characters(text: str) -> None:
    assert strip_html(text) == regex_strip_html(text)


def test_a_far_away_gt_does_not_end_a_tag() -> None:
    for gap in (1999, 2000, 2001, 2002):
        text = "a <" + "x" * gap + "> b <p" + "y" * gap + "> c"
        assert strip_html(text) == regex_strip_html(text)


@pytest.mark.parametrize(
    "unit", ["<!--", "<script ", "<style>", "<", "<p ", "<!--<script>", "<a", "</script"]
)
def test_worst_case_inputs_agree_with_the_regex_version(unit: str) -> None:
    text = unit * 400 + " tail"
    assert strip_html(text) == regex_strip_html(text)


def _fixture_texts() -> list[str]:
    texts = []
    for path in [
        REPO / "app" / "demo" / "articles.jsonl",
        *(REPO / "tests" / "fixtures").glob("*.jsonl"),
    ]:
        for line in path.read_text(encoding="utf-8").split("\n"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # the demo file holds malformed lines on purpose (dead letters)
            if not isinstance(record, dict):
                continue
            texts += [
                record[f] for f in ("title", "body", "text") if isinstance(record.get(f), str)
            ]
    return texts


def test_same_output_on_the_fixture_articles() -> None:
    texts = _fixture_texts()
    assert len(texts) > 20
    for text in texts:
        assert strip_html(text) == regex_strip_html(text)
