"""The escalation alert contract, published on the alert topic."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.article import TextField, TopicTag
from schemas.version import SCHEMA_VERSION

SeverityLevel = Literal["low", "medium", "high", "critical"]
LEAD_MAX_CHARS = 400


class Evidence(BaseModel):
    """One matched phrase that supports a category, with where it was found."""

    model_config = ConfigDict(frozen=True)

    rule_id: str = Field(description="Id of the rule that matched, from the rules file.")
    phrase: str = Field(description="The matched text exactly as it appears in the article.")
    field: TextField = Field(description="Which text the offsets refer to.")
    start: int = Field(ge=0, description="Start offset (characters) in that field.")
    end: int = Field(ge=0, description="End offset (exclusive) in that field.")
    sentence: str = Field(description="The sentence around the match (trimmed to ~300 chars).")


class AlertCategory(BaseModel):
    """An escalation category found in the article, aligned with CAMEO and PLOVER."""

    model_config = ConfigDict(frozen=True)

    category: str = Field(description="brinkwatch category, e.g. 'reduce_relations'.")
    cameo_code: str = Field(description="Most specific CAMEO code of the best match, e.g. '161'.")
    plover_type: str = Field(description="PLOVER event type, e.g. 'REDUCE_RELATIONS'.")
    quad_class: Literal[3, 4] = Field(description="3 = verbal conflict, 4 = material conflict.")
    goldstein: float = Field(ge=-10.0, le=10.0, description="Goldstein weight of the code.")
    evidence: list[Evidence] = Field(
        description="The phrases that support this category, in the detector's order, up to "
        "20 (the rest are counted in evidence_omitted)."
    )
    evidence_omitted: int = Field(
        default=0, ge=0, description="Supporting phrases found beyond the 20 listed (1.2)."
    )


class Dyad(BaseModel):
    """Who acts against whom, when the text says so."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="ISO 3166-1 alpha-3 code of the acting side.")
    target: str | None = Field(default=None, description="ISO alpha-3 code of the target side.")


class Judgement(BaseModel):
    """Why the article came out at its severity: its main event, the clause that gave the
    dyad, and what was discounted (background, history, restraint, no state named)."""

    model_config = ConfigDict(frozen=True)

    mode: Literal["off", "rules", "learned"] = Field(
        description="How the severity was judged: the hits alone, the article rules, or the "
        "learned layer on top of them."
    )
    rule_id: str | None = Field(default=None, description="Rule of the main event's hit.")
    field: TextField | None = Field(default=None, description="Where the main event stands.")
    phrase: str | None = Field(default=None, description="The main event's matched text.")
    clause: str | None = Field(
        default=None, description="The main event's clause, which gives the dyad."
    )
    p_high: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Learned layer: P(the article is high+)."
    )
    p_alert: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Learned layer: P(medium or high)."
    )
    reasons: list[str] = Field(
        default_factory=list, description="What raised or discounted the severity, in words."
    )


class EscalationAlert(BaseModel):
    """An explained escalation alert for one article."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = Field(default=SCHEMA_VERSION, description="Contract version.")
    alert_id: str = Field(
        description="Deterministic id: the same article under the same rule set gives the same "
        "id, so consumers can de-duplicate redeliveries."
    )
    article_id: str = Field(description="Id of the article that raised the alert.")
    url: str = Field(description="Article URL.")
    title: str = Field(description="Article headline.")
    source: str | None = Field(default=None, description="Outlet or feed name.")
    published_at: AwareDatetime = Field(description="Article publication time (UTC).")
    ingested_at: AwareDatetime = Field(description="When brinkwatch validated the article.")
    detected_at: AwareDatetime = Field(description="When the alert was produced (UTC).")
    severity: float = Field(
        ge=0.0, le=10.0, description="0-10, from the Goldstein weights of the matched codes."
    )
    severity_level: SeverityLevel = Field(description="Severity band for paging and filters.")
    categories: list[AlertCategory] = Field(description="Categories found, most severe first.")
    actors: list[str] = Field(description="ISO alpha-3 codes of the actors in the article.")
    dyad: Dyad | None = Field(default=None, description="Source -> target, when the text allows.")
    topics: list[TopicTag] = Field(default_factory=list, description="The article's top topics.")
    rules_version: str = Field(description="Name and version of the rule set that matched.")
    judgement: Judgement | None = Field(
        default=None, description="The article-level judgement behind the severity and dyad."
    )
    lead: str | None = Field(
        default=None,
        max_length=LEAD_MAX_CHARS,
        description="The first words of the article's body (up to 400 characters, cut at a "
        "word boundary), so that consumers can compare reports without the whole text (1.4).",
    )
    headline_actors: list[str] = Field(
        default_factory=list,
        description="ISO alpha-3 codes of the countries named in the headline, in headline "
        "order (1.4).",
    )
