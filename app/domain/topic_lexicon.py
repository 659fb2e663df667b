"""Loading the topic term weights: the hand-written lexicon plus the optional learned model.

Both sources reduce to the same thing: per topic a bias (log-odds when nothing matches) and,
per term, the log-odds it adds to some topics. The tagger sums them, so the learned weights are
trained as corrections on top of the lexicon (see ``scripts/build_topic_model.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.domain.engine import topic_words

RULES_DIR = Path(__file__).parent / "rules"
LEXICON_PATH = RULES_DIR / "topics.yaml"
MODEL_PATH = RULES_DIR / "topic_model.json"

_CODE = re.compile(r"^medtop:\d{8}$")


def words_of(text: str) -> list[str]:
    """The words of ``text`` as the tagger cuts them (the engine's ``topic_words``)."""
    return topic_words(text)


class TopicLexiconError(ValueError):
    """The lexicon or model file is malformed."""


@dataclass(frozen=True, slots=True)
class TopicDef:
    """One IPTC top-level topic."""

    code: str
    label: str
    bias: float


@dataclass(slots=True)
class TermWeights:
    """Every weight the tagger uses, keyed by normalised term."""

    topics: list[TopicDef]
    # term -> {topic index: log-odds}; a term ending in "*" is a word-prefix.
    terms: dict[str, dict[int, float]]


def normalize_term(term: str) -> str:
    """Lower-case and re-join the words of a term the way article text is tokenised."""
    prefix = term.endswith("*")
    words = words_of(term)
    if not words:
        raise TopicLexiconError(f"term {term!r} has no words")
    return " ".join(words) + ("*" if prefix else "")


def load_lexicon(path: Path = LEXICON_PATH) -> TermWeights:
    """Read the hand-written YAML lexicon."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("topics"), dict):
        raise TopicLexiconError(f"{path}: expected a mapping with 'topics'")
    topics: list[TopicDef] = []
    terms: dict[str, dict[int, float]] = {}
    for index, (code, spec) in enumerate(document["topics"].items()):
        if not _CODE.match(str(code)) or not isinstance(spec, dict):
            raise TopicLexiconError(f"{path}: bad topic entry {code!r}")
        topics.append(TopicDef(str(code), str(spec["label"]), float(spec.get("bias", -4.0))))
        for weight, words in (spec.get("terms") or {}).items():
            for term in words:
                key = normalize_term(str(term))
                slot = terms.setdefault(key, {})
                # A term listed twice in one topic keeps its strongest weight.
                slot[index] = max(slot.get(index, float("-inf")), float(weight))
    return TermWeights(topics, terms)


def model_vocabulary(path: Path = MODEL_PATH) -> set[str]:
    """Words the model was trained on: used to expand prefix terms such as "film*"."""
    if not path.exists():
        return set()
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return set(model.get("vocabulary", [])) | set(model["terms"])


def merge_model(weights: TermWeights, path: Path = MODEL_PATH) -> None:
    """Add the learned model's biases and term weights, if the model file exists."""
    if not path.exists():
        return
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    index = {topic.code: i for i, topic in enumerate(weights.topics)}
    codes: list[str] = model["topics"]
    for code, bias in zip(codes, model["bias"], strict=True):
        if code not in index:
            raise TopicLexiconError(f"{path}: model topic {code} is not in the lexicon")
        topic = weights.topics[index[code]]
        weights.topics[index[code]] = TopicDef(topic.code, topic.label, topic.bias + float(bias))
    for term, row in model["terms"].items():
        slot = weights.terms.setdefault(normalize_term(term), {})
        for position, weight in row:
            i = index[codes[position]]
            slot[i] = slot.get(i, 0.0) + float(weight)
