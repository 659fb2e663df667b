"""A tiny, fast language guesser for the validate stage.

It counts very common function words per language: enough to tell the languages news feeds
mostly carry apart in a few microseconds, which a general detector (tens to hundreds of
microseconds per article) cannot do inside our per-article budget. When the evidence is weak it
returns None and the caller falls back to the configured default.
"""

from __future__ import annotations

import re
from collections import Counter

try:
    from app import _native

    NATIVE = True
except ImportError:  # not built (scripts/build_native.py): the pure-Python reference runs
    NATIVE = False

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in is that for on with was said by it as at from".split()),
    "fr": frozenset("le la les des et est dans une pour que qui sur pas avec du au".split()),
    "de": frozenset("der die das und ist nicht ein eine mit auf den dem für von zu sich".split()),
    "es": frozenset("el la los las y en que por con una para del se al es su".split()),
    "it": frozenset("il di che e la per una sono non con del della gli nel alla".split()),
    "pt": frozenset("o a os as e de que em um uma para com não do da no na".split()),
    "nl": frozenset("de het een en van is dat op te in niet met voor zijn".split()),
}


def _languages_by_word() -> dict[str, tuple[str, ...]]:
    by_word: dict[str, tuple[str, ...]] = {}
    for lang, words in _STOPWORDS.items():
        for word in words:
            by_word[word] = (*by_word.get(word, ()), lang)
    return by_word


# Stop word -> the languages it counts for; the ASCII path looks words up as bytes (a
# non-ASCII stop word cannot occur there).
_STOPWORD_LANGS = _languages_by_word()
_ASCII_STOPWORD_LANGS = {w.encode(): langs for w, langs in _STOPWORD_LANGS.items() if w.isascii()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# About 100 words: news prose carries 30-40 English stop words in that span, far above the
# threshold, while reading more only costs time (the guess was 40 % of the validate stage).
_SAMPLE_CHARS = 600
_MIN_HITS = 3
# Typographic punctuation is never part of a word; turned into spaces, it no longer keeps
# most English text from taking the ASCII path below.
_TYPOGRAPHIC = ("\u2018", "\u2019", "\u201c", "\u201d", "\u2013", "\u2014", "\u2026", "\u00a0")
# ASCII letters lower-cased, every other ASCII byte a separator: on ASCII text this cuts the
# same words as ``_WORD`` followed by ``str.lower``, without a regex pass.
_ASCII_WORDS = bytes(c | 0x20 if chr(c).isalpha() else 32 for c in range(128)) + bytes(128)


def guess_language_reference(text: str) -> str | None:
    """Return an ISO 639-1 code, or None when the sample is too small or ambiguous (pure
    Python; the native core's ``LanguageGuesser`` gives the same answers, about 10x faster)."""
    sample = text[:_SAMPLE_CHARS]
    if not sample.isascii():
        # Each script count is at most the number of non-ASCII characters.
        non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
        if non_ascii > len(sample) // 4:
            script = _script_of(sample)
            if script is not None:
                return script
    scores = _stopword_hits(sample)
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < _MIN_HITS or ranked[0] < 1.5 * ranked[1]:
        return None
    return best


guess_language = (
    _native.LanguageGuesser(
        [(lang, sorted(words)) for lang, words in _STOPWORDS.items()], _SAMPLE_CHARS, _MIN_HITS
    ).guess
    if NATIVE
    else guess_language_reference
)


def _script_of(sample: str) -> str | None:
    cyrillic = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    if cyrillic > len(sample) // 4:
        return "ru"
    arabic = sum(1 for ch in sample if "\u0600" <= ch <= "\u06ff")
    if arabic > len(sample) // 4:
        return "ar"
    cjk = sum(1 for ch in sample if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    if cjk > len(sample) // 4:
        return _cjk_language(sample)
    return None


def _stopword_hits(sample: str) -> dict[str, int]:
    """Per language, how many words of the sample are among its stop words."""
    for mark in _TYPOGRAPHIC:
        if mark in sample:
            sample = sample.replace(mark, " ")
    scores = dict.fromkeys(_STOPWORDS, 0)
    if sample.isascii():
        ascii_counts = Counter(sample.encode("ascii").translate(_ASCII_WORDS).split())
        for key in _ASCII_STOPWORD_LANGS.keys() & ascii_counts.keys():
            for lang in _ASCII_STOPWORD_LANGS[key]:
                scores[lang] += ascii_counts[key]
        return scores
    counts = Counter(w.lower() for w in _WORD.findall(sample))
    for word in _STOPWORD_LANGS.keys() & counts.keys():
        for lang in _STOPWORD_LANGS[word]:
            scores[lang] += counts[word]
    return scores


def _cjk_language(sample: str) -> str:
    if any("\uac00" <= ch <= "\ud7af" for ch in sample):
        return "ko"
    if any("\u3040" <= ch <= "\u30ff" for ch in sample):
        return "ja"
    return "zh"
