"""Text helpers: HTML stripping, whitespace, sentences with offsets."""

from __future__ import annotations

from app.domain.text import normalize_whitespace, sentence_at, split_sentences, strip_html


def test_strip_html_keeps_paragraphs_and_decodes_entities() -> None:
    html = "<div><p>One &lt;two&gt;</p><style>p{}</style><!-- c --><p>Three<br/>four</p></div>"
    assert normalize_whitespace(strip_html(html)) == "One <two>\n\nThree\nfour"


def test_sentences_have_exact_offsets() -> None:
    text = 'Seoul - Pyongyang cut the lines. Mr. Kim said "enough". The U.S. Army waited!\n\nNext.'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Seoul - Pyongyang cut the lines.",
        'Mr. Kim said "enough".',
        "The U.S. Army waited!",
        "Next.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_sentence_at_finds_the_containing_sentence() -> None:
    text = "First one. Second one. Third one."
    sentences = split_sentences(text)
    found = sentence_at(sentences, text.index("Second") + 3)
    assert found is not None and found.text == "Second one."
    assert sentence_at(sentences, 10_000) is None


def test_whitespace_runs_and_blank_lines_collapse() -> None:
    text = "\r\n  One\t two\u00a0\u2003three  \r\n \t\n\u2028\n Four\u200b five \n\n\n"
    assert normalize_whitespace(text) == "One two three\n\nFour five"
    assert normalize_whitespace("a\n b \nc") == "a\nb\nc"
    assert normalize_whitespace("  plain text, single spaces  ") == "plain text, single spaces"


def test_abbreviations_and_quotes_at_sentence_ends() -> None:
    text = 'He met Gen. Smith. "Go!" she said. Mrs. Lee left.\nNo. 10 agreed. Lee vs. Kim. End.'
    assert [s.text for s in split_sentences(text)] == [
        "He met Gen. Smith.",
        '"Go!" she said.',
        "Mrs. Lee left.",
        "No. 10 agreed.",
        "Lee vs. Kim.",
        "End.",
    ]
