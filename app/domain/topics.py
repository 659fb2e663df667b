"""IPTC Media Topic tagging: weighted terms, matched on whole words, summed into log-odds.

Single words are looked up with one set intersection over the article's distinct words;
phrases and word-prefixes go through one Aho-Corasick pass over the space-joined words, so
word boundaries hold without per-match checks. Each topic's score is the logistic of its bias
plus the weights of the distinct terms found, and the terms that raised it are its evidence.
"""

from __future__ import annotations

import math
from pathlib import Path

import ahocorasick

from app.domain.topic_lexicon import (
    LEXICON_PATH,
    MODEL_PATH,
    WORD,
    TopicDef,
    load_lexicon,
    merge_model,
)
from schemas import TopicTag

_MAX_EVIDENCE = 8
# Topics below this score are noise from a stray word or two; they are not published.
_MIN_SCORE = 0.02
# Words in the headline say what the article is about more reliably than words in the body.
TITLE_BOOST = 0.5

_Weights = tuple[tuple[int, float], ...]


class TopicTagger:
    """Scores the IPTC top-level Media Topics of an article, with evidence."""

    def __init__(
        self, topics: list[TopicDef], words: dict[str, _Weights], phrases: ahocorasick.Automaton
    ) -> None:
        self._topics = topics
        self._biases = [topic.bias for topic in topics]
        self._words = words
        self._word_keys = frozenset(words)
        self._phrases = phrases

    @classmethod
    def load(cls, lexicon_path: Path = LEXICON_PATH, model_path: Path = MODEL_PATH) -> TopicTagger:
        """Build the tagger from the lexicon and the learned model (done once per process)."""
        weights = load_lexicon(lexicon_path)
        merge_model(weights, model_path)
        words: dict[str, _Weights] = {}
        phrases = ahocorasick.Automaton()
        for term, row in weights.terms.items():
            entry = tuple(sorted(row.items()))
            if term.endswith("*"):
                # Leading space only: the match may run on to the end of any longer word.
                phrases.add_word(" " + term[:-1], (term, entry))
            elif " " in term:
                phrases.add_word(f" {term} ", (term, entry))
            else:
                words[term] = entry
        if len(phrases):
            phrases.make_automaton()
        return cls(weights.topics, words, phrases)

    @property
    def topics(self) -> list[TopicDef]:
        """The topics this tagger scores, in code order."""
        return list(self._topics)

    def log_odds(self, title: str, body: str) -> dict[str, float]:
        """Each topic's log-odds before the logistic: what the learned model is trained on."""
        logits, _ = self._score(title, body)
        return {topic.code: logit for topic, logit in zip(self._topics, logits, strict=True)}

    def tag(self, title: str, body: str) -> list[TopicTag]:
        """Topics with evidence, highest score first."""
        logits, evidence = self._score(title, body)
        tags = []
        for i, topic in enumerate(self._topics):
            if not evidence[i]:
                continue
            score = 1.0 / (1.0 + math.exp(-logits[i]))
            if score < _MIN_SCORE:
                continue
            terms = [term for _, term in sorted(evidence[i], reverse=True)[:_MAX_EVIDENCE]]
            tags.append(TopicTag(code=topic.code, label=topic.label, score=score, evidence=terms))
        tags.sort(key=lambda tag: (-tag.score, tag.code))
        return tags

    def _score(self, title: str, body: str) -> tuple[list[float], list[list[tuple[float, str]]]]:
        found = self._match(body)
        for term, weights in self._match(title).items():
            # A headline term still counts once, but with more weight.
            found[term] = tuple((i, w * (1.0 + TITLE_BOOST)) for i, w in weights)
        logits = list(self._biases)
        evidence: list[list[tuple[float, str]]] = [[] for _ in self._topics]
        for term, weights in found.items():
            for i, weight in weights:
                logits[i] += weight
                if weight > 0:
                    evidence[i].append((weight, term))
        return logits, evidence

    def _match(self, text: str) -> dict[str, _Weights]:
        words = WORD.findall(text.lower())
        found = {word: self._words[word] for word in self._word_keys.intersection(words)}
        if words and len(self._phrases):
            for _, (term, weights) in self._phrases.iter(" " + " ".join(words) + " "):
                found[term] = weights
        return found
