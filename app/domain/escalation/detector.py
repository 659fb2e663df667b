"""The detect stage: the engine's ``EscalationEngine`` (native/src/escalation.rs) scans an
article for trigger terms, checks each in its sentence (rule conditions, cues), judges the
hits into a detection (native/src/escalation/judgement.rs) and, unless the judgement is
``off``, judges the article around its main event (native/src/escalation/verdict.rs, with the
learned layer of judgement_model.json); Python builds the ``Detection`` from its dict.
Articles in a language the rules are not written in are not matched."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from app.domain import engine
from app.domain.escalation.ruleset import RulesError, RuleSet, load_ruleset
from app.domain.findings import Detection
from schemas import AlertCategory, Dyad, Judgement, TaggedArticle

_CATEGORIES = TypeAdapter(list[AlertCategory])
JudgementMode = Literal["learned", "rules", "off"]


def load_judgement_model(path: Path | None = None) -> dict[str, Any]:
    """The learned layer's weights (the packaged judgement_model.json when ``path`` is None);
    raises ``RulesError`` when the file cannot be read."""
    try:
        if path is None:
            text = (
                resources.files("app.domain")
                .joinpath("rules/judgement_model.json")
                .read_text("utf-8")
            )
        else:
            text = path.read_text(encoding="utf-8")
        model = json.loads(text)
    except (OSError, ValueError) as exc:
        raise RulesError(f"cannot read the judgement model {path or '(packaged)'}: {exc}") from exc
    if not isinstance(model, dict):
        raise RulesError("the judgement model must be a JSON object")
    return model


class EscalationDetector:
    """Finds escalation language in a tagged article."""

    def __init__(
        self,
        ruleset: RuleSet,
        judgement: JudgementMode = "off",
        model: dict[str, Any] | None = None,
    ) -> None:
        """Compiles the rules, and the model for ``judgement="learned"`` (raises
        ``RulesError`` on a term the engine cannot use or a model built for other rules)."""
        self.ruleset = ruleset
        self.languages = frozenset(ruleset.languages)
        try:
            self._engine = engine.EscalationEngine(ruleset.model_dump(), judgement, model)
        except ValueError as exc:
            raise RulesError(str(exc)) from exc

    @classmethod
    def load(
        cls,
        rules_path: Path | None = None,
        judgement: JudgementMode = "learned",
        model_path: Path | None = None,
    ) -> EscalationDetector:
        """Build from the packaged rules and model, or an operator's (raises ``RulesError``)."""
        model = load_judgement_model(model_path) if judgement == "learned" else None
        return cls(load_ruleset(rules_path), judgement, model)

    @property
    def judgement(self) -> str:
        """The judgement mode: ``learned``, ``rules`` or ``off``."""
        return self._engine.judgement

    def feature_names(self) -> list[str]:
        """The learned layer's feature names, in model order."""
        return self._engine.feature_names()

    def features(self, article: TaggedArticle) -> list[float] | None:
        """The learned layer's features of an article; None when no hit stands (or the
        article's language is not one the rules are written in)."""
        if article.language not in self.languages:
            return None
        return self._engine.features(article)

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
            judgement=Judgement(**found["judgement"]),
        )

    def evidence(self, article: TaggedArticle) -> list[engine.EscalationHit]:
        """Every hit the engine found, before the judgement (cancelled ones too)."""
        return self._engine.evidence(article)
