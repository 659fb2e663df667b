"""The escalation rules file: pydantic models that validate it (its schema), and its loader.

Terms are plain phrases with ``{...}`` groups: ``{verb}`` expands to the verb's regular
forms, ``{verb+}`` doubles the last consonant (``ban`` -> ``banned``), ``{a|b|c}`` lists
alternatives; matching is case-insensitive. The engine expands them when it reads the rules
(``EscalationEngine.expand_term`` shows the forms of a term) and rejects a term that expands
to nothing.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

_CODE = re.compile(r"^\d{2,4}$")


class RulesError(ValueError):
    """The rules file cannot be used; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bands(_Strict):
    """Lower bounds of the severity bands; below ``medium`` is ``low``."""

    medium: float = Field(ge=0.0, le=10.0)
    high: float = Field(ge=0.0, le=10.0)
    critical: float = Field(ge=0.0, le=10.0)

    @model_validator(mode="after")
    def _ascending(self) -> Bands:
        if not self.medium < self.high < self.critical:
            raise ValueError("bands must ascend: medium < high < critical")
        return self


class ScopeSpec(_Strict):
    """What the article is about bounds its band: armed conflict, states, casualties, topics."""

    armed_terms: list[str] = Field(min_length=1)
    conflict_topic: str
    crime_topic: str
    mass_casualties: int = Field(ge=2)
    violence_categories: list[str] = Field(min_length=1)
    interstate_codes: list[str] = Field(min_length=1)
    interstate_floor: float = Field(ge=0.0, le=10.0)
    domestic_cap: float = Field(ge=0.0, le=10.0)
    national_cap: float = Field(ge=0.0, le=10.0)


class SeveritySpec(_Strict):
    """How matched codes become a 0-10 severity."""

    bands: Bands
    scope: ScopeSpec
    hedge_factor: float = Field(ge=0.0, le=1.0)
    weak_context_factor: float = Field(ge=0.0, le=1.0)
    weak_context_topics: list[str]
    background_factor: float = Field(ge=0.0, le=1.0)
    lead_sentences: int = Field(ge=1, le=50)
    category_boost: float = Field(ge=0.0, le=3.0)
    max_category_boost: float = Field(ge=0.0, le=3.0)
    modifier_boost: float = Field(ge=0.0, le=3.0)
    modifier_window: int = Field(ge=1, le=20)
    modifiers: list[str]

    @model_validator(mode="after")
    def _scope_fits_bands(self) -> SeveritySpec:
        # Caps and the floor only move a band between medium and critical: the alert decision
        # at medium (and every figure that depends on it) stays what the weights say.
        bands, scope = self.bands, self.scope
        if not bands.medium <= scope.domestic_cap < bands.high:
            raise ValueError("scope.domestic_cap must lie in the medium band")
        if not bands.high <= scope.national_cap < bands.critical:
            raise ValueError("scope.national_cap must lie in the high band")
        if not bands.high <= scope.interstate_floor < bands.critical:
            raise ValueError("scope.interstate_floor must lie in the high band")
        return self


class PlaceFactors(_Strict):
    """How much a hit's place in the article counts when picking the main event."""

    title: float = Field(default=2.5, gt=0.0, le=3.0)
    lead: float = Field(default=1.3, gt=0.0, le=3.0)
    body: float = Field(default=0.6, gt=0.0, le=3.0)


class JudgementSpec(_Strict):
    """The article-level judgement: main event, its clause, the cues that pull an article
    down (docs/escalation.md, "Judgement"). Every list is optional: a rules file without this
    section judges on the hits alone."""

    lead_chars: int = Field(default=500, ge=50, le=5000)
    place_factors: PlaceFactors = Field(default_factory=PlaceFactors)
    armed_factor: float = Field(default=1.2, ge=1.0, le=3.0)
    clause_breaks: list[str] = Field(default_factory=list)
    reporting: list[str] = Field(default_factory=list)
    restraint: list[str] = Field(default_factory=list)
    cooperation: list[str] = Field(default_factory=list)
    background: list[str] = Field(default_factory=list)
    domestic: list[str] = Field(default_factory=list)
    leisure: list[str] = Field(default_factory=list)
    background_cap: float = Field(default=5.4, ge=0.0, le=10.0)
    restraint_factor: float = Field(default=0.7, ge=0.0, le=1.0)
    floor_categories: list[str] = Field(default_factory=list)


class CueSpec(_Strict):
    """Context that cancels or weakens a trigger (windows count words before the trigger)."""

    negation_window: int = Field(ge=1, le=20)
    negation: list[str]
    denial_window: int = Field(ge=1, le=40)
    denial: list[str]
    hedge_window: int = Field(ge=1, le=20)
    hedge: list[str]
    history_window: int = Field(ge=1, le=40)
    history: list[str]
    deescalation_window: int = Field(ge=1, le=20)
    deescalation: list[str]
    resolution_before: int = Field(ge=0, le=40)
    resolution_after: int = Field(ge=0, le=40)
    resolution: list[str]
    metaphor: list[str]


class CategorySpec(_Strict):
    """A brinkwatch category with its CAMEO codes and their Goldstein weights."""

    id: str = Field(pattern=r"^[a-z_]+$")
    plover_type: str = Field(pattern=r"^[A-Z_]+$")
    quad_class: Literal[3, 4]
    goldstein: dict[str, float] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _codes(self) -> CategorySpec:
        for code, value in self.goldstein.items():
            if not _CODE.match(code):
                raise ValueError(f"category {self.id}: {code!r} is not a CAMEO code")
            if not -10.0 <= value < 0.0:
                raise ValueError(f"category {self.id}: Goldstein {value} of {code} not in [-10, 0)")
        return self


class RuleSpec(_Strict):
    """One trigger rule: terms, an optional nearby word, the CAMEO code it codes."""

    id: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    category: str
    cameo: str
    terms: list[str] = Field(min_length=1)
    near: list[str] = Field(default_factory=list)
    window: int = Field(default=6, ge=1, le=30)
    # The `near` word may also stand in this many sentences before the trigger's ("Pyongyang
    # warned Seoul. It will cut every line."); the evidence is then the trigger alone.
    near_sentences: int = Field(default=0, ge=0, le=3)
    direction: Literal["after", "before", "any"] = "any"
    needs_actor: bool = False
    unless: list[str] = Field(default_factory=list)
    unless_window: int = Field(default=0, ge=0, le=40)  # 0: the whole sentence


class RuleSet(_Strict):
    """The whole rules file."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    # ISO 639-1 codes of the languages the terms are written in: articles in other languages
    # are never matched against them.
    languages: list[str] = Field(default=["en"], min_length=1)
    severity: SeveritySpec
    cues: CueSpec
    judgement: JudgementSpec = Field(default_factory=JudgementSpec)
    categories: list[CategorySpec] = Field(min_length=1)
    rules: list[RuleSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> RuleSet:
        categories = {c.id: c for c in self.categories}
        if len(categories) != len(self.categories):
            raise ValueError("category ids must be unique")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
            category = categories.get(rule.category)
            if category is None:
                raise ValueError(f"rule {rule.id}: unknown category {rule.category!r}")
            if rule.cameo not in category.goldstein:
                raise ValueError(
                    f"rule {rule.id}: code {rule.cameo} has no Goldstein weight in "
                    f"category {rule.category}"
                )
        for name in self.severity.scope.violence_categories:
            if name not in categories:
                raise ValueError(f"severity.scope: unknown category {name!r}")
        for name in self.judgement.floor_categories:
            if name not in categories:
                raise ValueError(f"judgement.floor_categories: unknown category {name!r}")
        return self

    @property
    def label(self) -> str:
        """``<name>@<version>``, as carried by every detection."""
        return f"{self.name}@{self.version}"


def load_ruleset(path: Path | None = None) -> RuleSet:
    """Read and validate a rules file (the packaged one when ``path`` is None)."""
    if path is None:
        source = "app/domain/rules/escalation.yaml (packaged)"
        text = resources.files("app.domain").joinpath("rules/escalation.yaml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RulesError(f"cannot read escalation rules {source}: {exc}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"escalation rules {source} are not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise RulesError(f"escalation rules {source} must be a YAML mapping")
    try:
        return RuleSet.model_validate(document)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise RulesError(f"invalid escalation rules {source}: {problems}") from exc
