"""IPTC Media Topic tagging: weighted terms, matched on whole words, summed into log-odds.

The text is cut into lower-case words exactly as ``topic_lexicon.words_of`` does (the learned
model is trained on those words), but without splitting it into word objects: the words are
re-joined by single spaces in one byte buffer and every term is found by one Aho-Corasick pass
over it, single words as " word " and phrases as " two words ". Word-prefix terms ("film*")
are expanded at load time. Each topic's score is the logistic of its bias plus the weights of
the distinct terms found; evidence (the terms that raised it most) is gathered only for the
topics that are published.
"""

from __future__ import annotations

import math
from itertools import chain
from operator import itemgetter
from pathlib import Path

import ahocorasick

from app.domain.topic_lexicon import (
    LEXICON_PATH,
    MODEL_PATH,
    TopicDef,
    joined_words,
    load_lexicon,
    merge_model,
    model_vocabulary,
)
from schemas import TopicTag

_MAX_EVIDENCE = 8
# News puts its subject first (headline, lede); past this many characters of body, more text
# rarely changes the top topics but keeps costing time, so the rest is not read.
MAX_BODY_CHARS = 2000
# Topics below this score are noise from a stray word or two; they are not published.
_MIN_SCORE = 0.02
# Words in the headline say what the article is about more reliably than words in the body.
TITLE_BOOST = 0.5
# Endings tried for a prefix term when no vocabulary is at hand (no learned model file).
_SUFFIXES = ("", "s", "es", "ed", "ing", "er", "ers", "al", "ally", "ic", "ism", "ist", "ists")

# A learned weight this small moves a score but explains nothing: not shown as evidence.
_MIN_EVIDENCE_WEIGHT = 0.2
# Below this log-odds a topic's score is under _MIN_SCORE (logit(0.02) = -3.89): the exact
# test on the score is only made above it.
_MIN_LOGIT = -3.9

_VALUE = itemgetter(1)  # of an Aho-Corasick match (end, value)
# A term's non-zero weights as (topic index, log-odds) pairs.
_Row = tuple[tuple[int, float], ...]


class TopicTagger:
    """Scores the IPTC top-level Media Topics of an article, with evidence."""

    def __init__(
        self,
        topics: list[TopicDef],
        terms: list[str],
        rows: list[_Row],
        keys: dict[str, tuple[int, ...]],
    ) -> None:
        """``terms[i]`` has weights ``rows[i]``; ``keys`` maps each padded form to its terms."""
        self._topics = topics
        self._biases = [topic.bias for topic in topics]
        self._terms = terms
        self._rows = rows
        self._title_rows = [tuple((i, w * (1.0 + TITLE_BOOST)) for i, w in row) for row in rows]
        # Per topic, the terms that are evidence for it and their weight there.
        self._evidence: list[dict[int, float]] = [{} for _ in topics]
        for term_id, row in enumerate(rows):
            for i, weight in row:
                if weight >= _MIN_EVIDENCE_WEIGHT:
                    self._evidence[i][term_id] = weight
        self._evidence_ids = [frozenset(weights) for weights in self._evidence]
        self._automaton = ahocorasick.Automaton()
        for key, term_ids in keys.items():
            self._automaton.add_word(key, term_ids)
        self._automaton.make_automaton()

    @classmethod
    def load(cls, lexicon_path: Path = LEXICON_PATH, model_path: Path = MODEL_PATH) -> TopicTagger:
        """Build the tagger from the lexicon and the learned model (done once per process)."""
        weights = load_lexicon(lexicon_path)
        merge_model(weights, model_path)
        vocabulary = model_vocabulary(model_path) | {t for t in weights.terms if " " not in t}
        terms: list[str] = []
        rows: list[_Row] = []
        keys: dict[str, list[int]] = {}
        for term, row in weights.terms.items():
            term_id = len(terms)
            terms.append(term)
            rows.append(tuple((i, w) for i, w in sorted(row.items()) if w != 0.0))
            prefix = term.endswith("*")
            stem = term.rstrip("*")
            if " " in stem:
                # No trailing space for a prefix: the last word may run on ("web sites").
                keys.setdefault(f" {stem}{'' if prefix else ' '}", []).append(term_id)
                continue
            forms = {stem}
            if prefix:
                forms |= {w for w in vocabulary if w.startswith(stem)}
                forms |= {stem + suffix for suffix in _SUFFIXES}
            for form in forms:
                keys.setdefault(f" {form} ", []).append(term_id)
        return cls(weights.topics, terms, rows, {k: tuple(v) for k, v in keys.items()})

    @property
    def topics(self) -> list[TopicDef]:
        """The topics this tagger scores, in lexicon order."""
        return list(self._topics)

    def log_odds(self, title: str, body: str) -> dict[str, float]:
        """Each topic's log-odds before the logistic: what the learned model is trained on."""
        logits, _, _ = self._score(title, body)
        return {topic.code: logit for topic, logit in zip(self._topics, logits, strict=True)}

    def tag(self, title: str, body: str) -> list[TopicTag]:
        """Topics with evidence, highest score first."""
        logits, found, in_title = self._score(title, body)
        if not found:
            return []
        tags = []
        for i, logit in enumerate(logits):
            if logit < _MIN_LOGIT:
                continue
            score = 1.0 / (1.0 + math.exp(-logit))
            raised_by = self._evidence_ids[i].intersection(found)
            if score < _MIN_SCORE or not raised_by:
                continue
            weights = self._evidence[i]
            terms = sorted(
                (
                    (weights[t] * (1.0 + TITLE_BOOST) if t in in_title else weights[t]),
                    self._terms[t],
                )
                for t in raised_by
            )
            topic = self._topics[i]
            tags.append(
                TopicTag(
                    code=topic.code,
                    label=topic.label,
                    score=score,
                    evidence=[term for _, term in terms[: -_MAX_EVIDENCE - 1 : -1]],
                )
            )
        # Scores equal but for float rounding (the same weights summed in another order) are
        # a tie, broken by code, so the order does not depend on summation order.
        tags.sort(key=lambda tag: (-round(tag.score, 12), tag.code))
        return tags

    def _score(self, title: str, body: str) -> tuple[list[float], set[int], set[int]]:
        """Log-odds per topic, the terms found, and those of them in the headline."""
        if len(body) > MAX_BODY_CHARS:
            cut = body.rfind(" ", 0, MAX_BODY_CHARS)
            body = body[: cut if cut > 0 else MAX_BODY_CHARS]
        in_title = self._match(title) if title else set()
        found = self._match(body) | in_title
        logits = list(self._biases)
        # A headline term still counts once, but with more weight.
        rows = self._rows
        for term_id in found - in_title if in_title else found:
            for i, weight in rows[term_id]:
                logits[i] += weight
        title_rows = self._title_rows
        for term_id in in_title:
            for i, weight in title_rows[term_id]:
                logits[i] += weight
        return logits, found, in_title

    def _match(self, text: str) -> set[int]:
        # Every occurrence is reported (about 100 in 2,000 characters of news); chaining them
        # into a set in C costs half what a Python loop over them does.
        matches = self._automaton.iter(joined_words(text))
        return set(chain.from_iterable(map(_VALUE, matches)))
