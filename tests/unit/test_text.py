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
