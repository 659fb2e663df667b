"""The detect stage: the engine's ``EscalationEngine`` (native/src/escalation.rs) scans an
article for trigger terms, checks each in its sentence (rule conditions, cues) and judges the
hits into a detection (native/src/escalation/judgement.rs); Python builds the ``Detection``
from its dict. Articles in a language the rules are not written in are not matched."""

from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter

from app.domain import engine
from app.domain.escalation.ruleset import RulesError, RuleSet, load_ruleset
from app.domain.findings import Detection
from schemas import AlertCategory, Dyad, TaggedArticle

_CATEGORIES = TypeAdapter(list[AlertCategory])


class EscalationDetector:
    """Finds escalation language in a tagged article."""

    def __init__(self, ruleset: RuleSet) -> None:
        """Compiles the rules (raises ``RulesError`` on a term the engine cannot use)."""
        self.ruleset = ruleset
        self.languages = frozenset(ruleset.languages)
        try:
            self._engine = engine.EscalationEngine(ruleset.model_dump())
        except ValueError as exc:
            raise RulesError(str(exc)) from exc

    @classmethod
    def load(cls, rules_path: Path | None = None) -> EscalationDetector:
        """Build from the packaged rules, or an operator's file (raises ``RulesError``)."""
        return cls(load_ruleset(rules_path))

    @property
    def rules_version(self) -> str:
        """``<name>@<version>`` of the loaded rules."""
        return self.ruleset.label

    def covers(self, language: str) -> bool:
        """Whether the rules are written in this language (ISO 639-1)."""
        return language in self.languages

    def detect(self, article: TaggedArticle) -> Detection | None:
        """Escalation categories with evidence, severity and dyad; None when nothing stands
        (or the article's language is not one the rules are written in)."""
        if article.language not in self.languages:
            return None
        found = self._engine.detect(article)
        if found is None:
            return None
        dyad = found["dyad"]
        return Detection(
            categories=_CATEGORIES.validate_python(found["categories"]),
            severity=found["severity"],
            severity_level=found["severity_level"],
            dyad=None if dyad is None else Dyad(**dyad),
            rules_version=found["rules_version"],
        )

    def evidence(self, article: TaggedArticle) -> list[engine.EscalationHit]:
        """Every hit the engine found, before the judgement (cancelled ones too)."""
        return self._engine.evidence(article)
