"""native/src/text.rs: whitespace normalisation."""

from __future__ import annotations

from app._native import normalize_whitespace


def test_clean_text_comes_back_as_the_same_object() -> None:
    text = "One line.\nAnother.\n\nA paragraph with “quotes” and é."
    assert normalize_whitespace(text) is text


def test_runs_of_spaces_and_blank_lines_collapse() -> None:
    assert normalize_whitespace("  a\u00a0\u2003 b\t\tc  ") == "a b c"
    assert normalize_whitespace("a\r\nb\rc") == "a\nb\nc"
    assert normalize_whitespace("a \n\n\n\n b") == "a\n\nb"
    assert normalize_whitespace("\u3000\n\n") == ""
