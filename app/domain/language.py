"""Language identification for the validate stage: the ``whatlang`` crate inside the engine
(trigram profiles of 69 languages, reliability-gated). When it is not confident the caller
falls back to the configured default."""

from __future__ import annotations

import pycountry

from app.domain.engine import LanguageDetector

# About 40 words: enough for a reliable answer on prose, while whatlang's cost grows with the
# text (and with the number of candidate languages, below).
SAMPLE_CHARS = 200
# The languages reported: those news feeds mostly carry. whatlang compares the text with
# every candidate of its script, so each one costs time on every article; an article in
# another language gets the closest of these or, when unsure, the default.
LANGUAGES = frozenset("en fr de es it pt nl pl tr ru uk ar fa he hi zh ja ko".split())
# whatlang's codes without an ISO 639-1 code in pycountry, mapped to their macrolanguage's.
_MACROLANGUAGES = {"cmn": "zh", "pes": "fa"}


def _iso639_1() -> dict[str, str]:
    codes = dict(_MACROLANGUAGES)
    for code in LanguageDetector.known():
        language = pycountry.languages.get(alpha_3=code)
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            codes.setdefault(code, alpha_2)
    return {code: alpha_2 for code, alpha_2 in codes.items() if alpha_2 in LANGUAGES}


_DETECTOR = LanguageDetector(codes=_iso639_1(), sample_chars=SAMPLE_CHARS)


def guess_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the evidence is weak."""
    return _DETECTOR.detect(text)
