"""IPTC Media Topic tagging: weighted terms, matched on whole words, summed into log-odds.

The text is cut into lower-case words with a byte translation table (no regex: a regex pass
costs more than the whole budget of this stage). Single words are found with one set
intersection; a phrase is checked, by substring search over the space-joined words, only when
its first word occurs. Word-prefix terms ("film*") are expanded at load time. Each topic's score
is the logistic of its bias plus the weights of the distinct terms found; those terms are its
evidence.
"""

from __future__ import annotations

import math
from pathlib import Path

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

# Per term: its weight in every topic (dense, so one C-level sum adds up all terms) and the
# topics it is evidence for (sparse: only weights that matter to a reader).
_Row = tuple[float, ...]
_Entry = tuple[str, _Row, tuple[int, ...]]
# A learned weight this small moves a score but explains nothing: not shown as evidence.
_MIN_EVIDENCE_WEIGHT = 0.2


class TopicTagger:
    """Scores the IPTC top-level Media Topics of an article, with evidence."""

    def __init__(
        self,
        topics: list[TopicDef],
        words: dict[bytes, tuple[_Entry, ...]],
        phrases: dict[bytes, tuple[tuple[bytes, _Entry], ...]],
    ) -> None:
        self._topics = topics
        self._biases = [topic.bias for topic in topics]
        self._words = words
        self._word_keys = frozenset(words)
        self._phrases = phrases
        self._phrase_heads = frozenset(phrases)

    @classmethod
    def load(cls, lexicon_path: Path = LEXICON_PATH, model_path: Path = MODEL_PATH) -> TopicTagger:
        """Build the tagger from the lexicon and the learned model (done once per process)."""
        weights = load_lexicon(lexicon_path)
        merge_model(weights, model_path)
        vocabulary = model_vocabulary(model_path) | {t for t in weights.terms if " " not in t}
        words: dict[bytes, list[_Entry]] = {}
        phrases: dict[bytes, list[tuple[bytes, _Entry]]] = {}
        size = len(weights.topics)
        for term, row in weights.terms.items():
            dense = tuple(row.get(i, 0.0) for i in range(size))
            shown = tuple(i for i, w in sorted(row.items()) if w >= _MIN_EVIDENCE_WEIGHT)
            entry = (term, dense, shown)
            prefix = term.endswith("*")
            stem = term.rstrip("*")
            if " " in stem:
                # Key the phrase on its longest whole word, usually its rarest: "fed", not "the".
                whole = stem.split(" ")[: -1 if prefix else None]
                head = max(whole, key=len).encode()
                # No trailing space for a prefix: the last word may run on ("web sites").
                needle = f" {stem}{'' if prefix else ' '}".encode()
                phrases.setdefault(head, []).append((needle, entry))
                continue
            forms = {stem}
            if prefix:
                forms |= {w for w in vocabulary if w.startswith(stem)}
                forms |= {stem + suffix for suffix in _SUFFIXES}
            for form in forms:
                words.setdefault(form.encode(), []).append(entry)
        return cls(
            weights.topics,
            {k: tuple(v) for k, v in words.items()},
            {k: tuple(v) for k, v in phrases.items()},
        )

    @property
    def topics(self) -> list[TopicDef]:
        """The topics this tagger scores, in lexicon order."""
        return list(self._topics)

    def log_odds(self, title: str, body: str) -> dict[str, float]:
        """Each topic's log-odds before the logistic: what the learned model is trained on."""
        logits, _ = self._score(title, body)
        return {topic.code: logit for topic, logit in zip(self._topics, logits, strict=True)}

    def tag(self, title: str, body: str) -> list[TopicTag]:
        """Topics with evidence, highest score first."""
        logits, evidence = self._score(title, body)
        tags = []
        for i, terms in evidence.items():
            score = 1.0 / (1.0 + math.exp(-logits[i]))
            if score < _MIN_SCORE:
                continue
            terms.sort(reverse=True)
            topic = self._topics[i]
            tags.append(
                TopicTag(
                    code=topic.code,
                    label=topic.label,
                    score=score,
                    evidence=[term for _, term in terms[:_MAX_EVIDENCE]],
                )
            )
        tags.sort(key=lambda tag: (-tag.score, tag.code))
        return tags

    def _score(
        self, title: str, body: str
    ) -> tuple[list[float], dict[int, list[tuple[float, str]]]]:
        if len(body) > MAX_BODY_CHARS:
            cut = body.rfind(" ", 0, MAX_BODY_CHARS)
            body = body[: cut if cut > 0 else MAX_BODY_CHARS]
        found = self._match(body)
        for term, (_, row, shown) in self._match(title).items():
            # A headline term still counts once, but with more weight.
            found[term] = (term, tuple(w * (1.0 + TITLE_BOOST) for w in row), shown)
        if not found:
            return list(self._biases), {}
        sums = map(sum, zip(*(row for _, row, _ in found.values()), strict=True))
        logits = [bias + total for bias, total in zip(self._biases, sums, strict=True)]
        evidence: dict[int, list[tuple[float, str]]] = {}
        for term, row, shown in found.values():
            for i in shown:
                evidence.setdefault(i, []).append((row[i], term))
        return logits, evidence

    def _match(self, text: str) -> dict[str, _Entry]:
        tokens = words_of(text)
        present = set(tokens)
        found: dict[str, _Entry] = {}
        for word in self._word_keys.intersection(present):
            for entry in self._words[word]:
                found[entry[0]] = entry
        heads = self._phrase_heads.intersection(present)
        if heads:
            joined = b" " + b" ".join(tokens) + b" "
            for head in heads:
                for needle, entry in self._phrases[head]:
                    if needle in joined:
                        found[entry[0]] = entry
        return found
