"""IPTC Media Topic tagging: weighted terms, matched on whole words, summed into log-odds.

This module loads the tables (the hand-written lexicon plus the learned model,
``topic_lexicon``) and expands prefix terms ("film*"); the engine's ``TopicTagger``
(native/src/topics.rs) does the per-article work: words, term and phrase look-up, scores,
evidence. Python builds the ``TopicTag`` models from its dicts in one validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from app.domain import engine
from app.domain.topic_lexicon import (
    LEXICON_PATH,
    MODEL_PATH,
    TopicDef,
    load_lexicon,
    merge_model,
    model_vocabulary,
)
from schemas import TopicTag

if TYPE_CHECKING:  # the engine's table types exist in its stub only
    from app._native import TermRow

# News puts its subject first (headline, lede); past this many characters of body, more text
# rarely changes the top topics but keeps costing time, so the rest is not read.
MAX_BODY_CHARS = 1500
# Words in the headline say what the article is about more reliably than words in the body.
TITLE_BOOST = 0.5
_MAX_EVIDENCE = 8
# Topics below this score are noise from a stray word or two; they are not published.
_MIN_SCORE = 0.02
# A learned weight this small moves a score but explains nothing: not shown as evidence.
_MIN_EVIDENCE_WEIGHT = 0.2
# Above this log-odds the logistic rounds to 1.0 and strong topics would tie: the excess is
# compressed (log1p), keeping scores distinct and in the order of the log-odds.
_SATURATION = 12.0
# Endings tried for a prefix term when no vocabulary is at hand (no learned model file).
_SUFFIXES = ("", "s", "es", "ed", "ing", "er", "ers", "al", "ally", "ic", "ism", "ist", "ists")

_TOPIC_TAGS = TypeAdapter(list[TopicTag])


class TopicTagger:
    """Scores the IPTC top-level Media Topics of an article, with evidence."""

    def __init__(
        self,
        topics: list[TopicDef],
        terms: dict[str, dict[int, float]],
        vocabulary: set[str],
    ) -> None:
        """``terms``: normalised term ("film*" for a prefix) -> {topic index: log-odds};
        ``vocabulary``: the words prefix terms expand to (the learned model's)."""
        self._topics = topics
        rows: list[TermRow] = []
        words: dict[str, list[int]] = {}
        phrases: dict[str, int] = {}
        for term_id, (term, row) in enumerate(terms.items()):
            rows.append({"term": term, "weights": [(i, w) for i, w in sorted(row.items()) if w]})
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
        self._engine = engine.TopicTagger(
            topics=[{"code": t.code, "label": t.label, "bias": t.bias} for t in topics],
            terms=rows,
            words=words,
            phrases=phrases,
            title_boost=TITLE_BOOST,
            max_body_chars=MAX_BODY_CHARS,
            min_score=_MIN_SCORE,
            saturation=_SATURATION,
            max_evidence=_MAX_EVIDENCE,
            min_evidence_weight=_MIN_EVIDENCE_WEIGHT,
        )

    @classmethod
    def load(cls, lexicon_path: Path = LEXICON_PATH, model_path: Path = MODEL_PATH) -> TopicTagger:
        """Build the tagger from the lexicon and the learned model (done once per process)."""
        weights = load_lexicon(lexicon_path)
        merge_model(weights, model_path)
        vocabulary = model_vocabulary(model_path) | {t for t in weights.terms if " " not in t}
        return cls(weights.topics, weights.terms, vocabulary)

    @property
    def topics(self) -> list[TopicDef]:
        """The topics this tagger scores, in lexicon order."""
        return list(self._topics)

    def log_odds(self, title: str, body: str) -> dict[str, float]:
        """Each topic's log-odds before the logistic: what the learned model is trained on."""
        logits = self._engine.log_odds(title, body)
        return {topic.code: logit for topic, logit in zip(self._topics, logits, strict=True)}

    def tag(self, title: str, body: str) -> list[TopicTag]:
        """Topics with evidence, highest score first."""
        return _TOPIC_TAGS.validate_python(self._engine.tag(title, body))
