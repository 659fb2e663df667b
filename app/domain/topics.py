"""IPTC Media Topic tagging: weighted terms, matched on whole words, summed into log-odds.

The text is cut into lower-case words by ``topic_lexicon.words_of`` (the learned model is
trained on the same words). Single-word terms are found by one set intersection of those words
with the vocabulary; phrases by one Aho-Corasick pass over the words re-joined by single
spaces, whose keys are only the phrases (" two words "), so it reports a handful of matches,
not every word. Word-prefix terms ("film*") are expanded at load time. Each topic's score is
the logistic of its bias plus the weights of the distinct terms found; evidence (the terms that
raised it most) is gathered only for the topics that are published.

When the native core is built, ``TopicScorer`` (native/src/topics.rs) does the per-article
work from the same tables and Python only builds the ``TopicTag`` models (about 5x faster);
the Python here is the reference, and the fallback for the rare text the native core leaves
to it. tests/unit/test_native_topics.py checks that both give the same tags.
"""

from __future__ import annotations

import math
from itertools import chain
from pathlib import Path

from pydantic import TypeAdapter

from app.domain.topic_lexicon import (
    LEXICON_PATH,
    MODEL_PATH,
    TopicDef,
    load_lexicon,
    merge_model,
    model_vocabulary,
    words_of,
)
from schemas import TopicTag

try:
    from app import _native
except ImportError:  # not built (scripts/build_native.py): the pure-Python reference runs
    _native = None  # type: ignore[assignment]

_MAX_EVIDENCE = 8
# News puts its subject first (headline, lede); past this many characters of body, more text
# rarely changes the top topics but keeps costing time, so the rest is not read.
MAX_BODY_CHARS = 1500
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

# Above this log-odds the logistic is within 6e-6 of 1 and soon rounds to exactly 1.0, so two
# strong topics would tie; the excess is compressed (log1p), which keeps scores distinct and in
# the same order as the log-odds.
_SATURATION = 12.0

# A term's non-zero weights as (topic index, log-odds) pairs.
_Row = tuple[tuple[int, float], ...]

# The native scorer returns each tag as a dict of its fields: one validation call builds them
# all (two thirds of the cost of one TopicTag(...) call per tag).
_TOPIC_TAGS = TypeAdapter(list[TopicTag])


class TopicTagger:
    """Scores the IPTC top-level Media Topics of an article, with evidence."""

    def __init__(
        self,
        topics: list[TopicDef],
        terms: list[str],
        rows: list[_Row],
        words: dict[str, tuple[int, ...]],
        phrases: dict[str, int],
    ) -> None:
        """``terms[i]`` has weights ``rows[i]``; ``words`` maps each single word to its terms,
        ``phrases`` each padded phrase (" two words ", or " two word" for a prefix) to its term."""
        self._topics = topics
        self._biases = [topic.bias for topic in topics]
        self._terms = terms
        self._rows = rows
        self._title_rows = [tuple((i, w * (1.0 + TITLE_BOOST)) for i, w in row) for row in rows]
        # Per topic, the terms that are evidence for it, each with a rank: heaviest first, ties
        # by term (descending), a headline term ranked with its boosted weight. Ranks are ints
        # fixed at load time, so ordering an article's evidence sorts small ints, not tuples.
        self._evidence_rank: list[dict[int, int]] = []
        self._title_rank: list[dict[int, int]] = []
        self._ranked_terms: list[list[str]] = []
        for i in range(len(topics)):
            keys = [
                (weight * boost, terms[term_id], term_id, boost != 1.0)
                for term_id, row in enumerate(rows)
                for topic, weight in row
                if topic == i and weight >= _MIN_EVIDENCE_WEIGHT
                for boost in (1.0, 1.0 + TITLE_BOOST)
            ]
            keys.sort(reverse=True)
            self._evidence_rank.append(
                {t: r for r, (_, _, t, title) in enumerate(keys) if not title}
            )
            self._title_rank.append({t: r for r, (_, _, t, title) in enumerate(keys) if title})
            self._ranked_terms.append([term for _, term, _, _ in keys])
        self._evidence_ids = [frozenset(ranks) for ranks in self._evidence_rank]
        # A phrase is looked for only when its longest whole word occurs (its anchor) and all
        # its other whole words do too: a few substring checks per article, not a text pass.
        anchors: dict[bytes, list[tuple[bytes, int, frozenset[bytes]]]] = {}
        phrase_words: set[bytes] = set()
        for key, term_id in phrases.items():
            parts = key.split()
            whole = [w.encode("utf-8") for w in (parts if key.endswith(" ") else parts[:-1])]
            phrase_words.update(whole)
            anchor = max(whole, key=len)
            anchors.setdefault(anchor, []).append((key.encode("utf-8"), term_id, frozenset(whole)))
        self._anchors = {word: tuple(keys) for word, keys in anchors.items()}
        self._anchor_words = frozenset(self._anchors)
        self._word_terms = {word.encode("utf-8"): ids for word, ids in words.items()}
        for word in phrase_words:
            self._word_terms.setdefault(word, ())
        self._vocabulary = frozenset(self._word_terms)
        self._native = None if _native is None else self._native_scorer()

    def _native_scorer(self) -> _native.TopicScorer:
        """The same tables for the native core's scorer."""
        return _native.TopicScorer(
            biases=self._biases,
            rows=self._rows,
            title_rows=self._title_rows,
            words=list(self._word_terms.items()),
            anchors=[
                (word, [(key, term_id) for key, term_id, _ in keys])
                for word, keys in self._anchors.items()
            ],
            evidence=list(
                zip(self._evidence_rank, self._title_rank, self._ranked_terms, strict=True)
            ),
            codes=[topic.code for topic in self._topics],
            labels=[topic.label for topic in self._topics],
            max_body_chars=MAX_BODY_CHARS,
            min_logit=_MIN_LOGIT,
            saturation=_SATURATION,
            min_score=_MIN_SCORE,
            max_evidence=_MAX_EVIDENCE,
        )

    @classmethod
    def load(cls, lexicon_path: Path = LEXICON_PATH, model_path: Path = MODEL_PATH) -> TopicTagger:
        """Build the tagger from the lexicon and the learned model (done once per process)."""
        weights = load_lexicon(lexicon_path)
        merge_model(weights, model_path)
        vocabulary = model_vocabulary(model_path) | {t for t in weights.terms if " " not in t}
        terms: list[str] = []
        rows: list[_Row] = []
        words: dict[str, list[int]] = {}
        phrases: dict[str, int] = {}
        for term, row in weights.terms.items():
            term_id = len(terms)
            terms.append(term)
            rows.append(tuple((i, w) for i, w in sorted(row.items()) if w != 0.0))
            prefix = term.endswith("*")
            stem = term.rstrip("*")
            if " " in stem:
                # No trailing space for a prefix: the last word may run on ("web sites").
                phrases[f" {stem}{'' if prefix else ' '}"] = term_id
                continue
            forms = {stem}
            if prefix:
                forms |= {w for w in vocabulary if w.startswith(stem)}
                forms |= {stem + suffix for suffix in _SUFFIXES}
            for form in forms:
                words.setdefault(form, []).append(term_id)
        return cls(weights.topics, terms, rows, {k: tuple(v) for k, v in words.items()}, phrases)

    @property
    def topics(self) -> list[TopicDef]:
        """The topics this tagger scores, in lexicon order."""
        return list(self._topics)

    def log_odds(self, title: str, body: str) -> dict[str, float]:
        """Each topic's log-odds before the logistic: what the learned model is trained on."""
        logits = None if self._native is None else self._native.log_odds(title, body)
        if logits is None:
            logits, _, _ = self._score(title, body)
        return {topic.code: logit for topic, logit in zip(self._topics, logits, strict=True)}

    def tag(self, title: str, body: str) -> list[TopicTag]:
        """Topics with evidence, highest score first."""
        native = self._native
        if native is not None:
            # None for the rare text the native core leaves to the reference (a capital
            # sigma, whose lower case depends on its neighbours; text Python cannot encode).
            fields = native.tag(title, body)
            if fields is not None:
                return _TOPIC_TAGS.validate_python(fields)
        return self.tag_reference(title, body)

    def tag_reference(self, title: str, body: str) -> list[TopicTag]:
        """``tag`` in pure Python: the reference for the native core, and its fallback."""
        logits, found, in_title = self._score(title, body)
        if not found:
            return []
        tags = []
        for i, logit in enumerate(logits):
            if logit < _MIN_LOGIT:
                continue
            if logit > _SATURATION:
                logit = _SATURATION + math.log1p(logit - _SATURATION)
            score = 1.0 / (1.0 + math.exp(-logit))
            if score < _MIN_SCORE:
                continue
            raised_by = found.intersection(self._evidence_ids[i])
            if not raised_by:
                continue
            ranks = list(map(self._evidence_rank[i].__getitem__, raised_by - in_title))
            if in_title:
                ranks += map(self._title_rank[i].__getitem__, raised_by & in_title)
            ranks.sort()
            topic = self._topics[i]
            tags.append(
                TopicTag(
                    code=topic.code,
                    label=topic.label,
                    score=score,
                    evidence=list(map(self._ranked_terms[i].__getitem__, ranks[:_MAX_EVIDENCE])),
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
        # A headline term still counts once, but with more weight. Terms are summed in id
        # order: a set's order follows string hashing, which differs between processes, and
        # float sums in another order differ in the last bits: the same article would get
        # different scores on different workers or on a replay.
        rows = self._rows
        for term_id in sorted(found - in_title if in_title else found):
            for i, weight in rows[term_id]:
                logits[i] += weight
        title_rows = self._title_rows
        for term_id in sorted(in_title):
            for i, weight in title_rows[term_id]:
                logits[i] += weight
        return logits, found, in_title

    def _match(self, text: str) -> set[int]:
        words = words_of(text)
        # Set operations, lookups and chaining run in C: no Python work per word, only per
        # phrase tried (about a dozen in 1,000 characters of news).
        present = self._vocabulary.intersection(words)
        found = set(chain.from_iterable(map(self._word_terms.__getitem__, present)))
        anchored = present.intersection(self._anchor_words)
        if anchored:
            joined = b" %b " % b" ".join(words)
            anchors = self._anchors
            for word in anchored:
                for key, term_id, needed in anchors[word]:
                    if needed <= present and key in joined:
                        found.add(term_id)
        return found
