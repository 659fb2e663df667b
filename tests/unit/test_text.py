"""Text helpers of the validate stage: HTML stripping and whitespace."""

from __future__ import annotations

from app.domain.text import normalize_whitespace, strip_html


def test_strip_html_keeps_paragraphs_and_decodes_entities() -> None:
    html = "<div><p>One &lt;two&gt;</p><style>p{}</style><!-- c --><p>Three<br/>four</p></div>"
    assert normalize_whitespace(strip_html(html)) == "One <two>\n\nThree\nfour"


def test_whitespace_runs_and_blank_lines_collapse() -> None:
    text = "\r\n  One\t two\u00a0\u2003three  \r\n \t\n\u2028\n Four\u200b five \n\n\n"
    assert normalize_whitespace(text) == "One two three\n\nFour five"
    assert normalize_whitespace("a\n b \nc") == "a\nb\nc"
    assert normalize_whitespace("  plain text, single spaces  ") == "plain text, single spaces"
