"""Article contracts by lifecycle: ``RawArticle`` in, ``Article`` validated, ``TaggedArticle``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field

from schemas.version import SCHEMA_VERSION

TextField = Literal["title", "body"]


class RawArticle(BaseModel):
    """What a producer may send on the raw topic (lenient: unknown fields are ignored).

    Either ``body`` or ``text`` must carry the article text; ``published_at`` also accepts the
    names ``published``, ``date`` and ``pubDate`` that RSS bridges and scrapers commonly use.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = Field(default=None, description="Producer's own article id, if any.")
    url: str = Field(description="Canonical URL of the article (http or https).")
    title: str = Field(description="Headline; may be empty only if the body is not.")
    body: str | None = Field(default=None, description="Article text; HTML is tolerated.")
    text: str | None = Field(default=None, description="Alternative name for ``body``.")
    published_at: datetime = Field(
        validation_alias=AliasChoices("published_at", "published", "date", "pubDate"),
        description="Publication time (ISO 8601 or epoch seconds); naive times are taken as UTC.",
    )
    source: str | None = Field(default=None, description="Outlet or feed name.")
    language: str | None = Field(default=None, description="ISO 639-1 code, if known.")
    authors: list[str] = Field(default_factory=list, description="Bylines.")
    section: str | None = Field(default=None, description="Outlet's section or feed category.")


class Article(BaseModel):
    """A validated, normalised article, as published on the valid topic."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = Field(default=SCHEMA_VERSION, description="Contract version.")
    article_id: str = Field(
        description="Stable id: the producer's id, else derived from the normalised URL."
    )
    url: str = Field(description="Article URL.")
    title: str = Field(description="Headline, whitespace-normalised.")
    body: str = Field(description="Plain text body: HTML stripped, whitespace-normalised.")
    published_at: AwareDatetime = Field(description="Publication time in UTC.")
    ingested_at: AwareDatetime = Field(
        description="When the article entered brinkwatch (UTC): the Kafka timestamp of its raw "
        "message, capped at validation time. End-to-end latency is measured from here."
    )
    source: str | None = Field(default=None, description="Outlet or feed name.")
    language: str = Field(description="ISO 639-1 code: given by the producer or detected.")
    authors: list[str] = Field(default_factory=list, description="Bylines.")
    section: str | None = Field(default=None, description="Outlet's section or feed category.")


class TopicTag(BaseModel):
    """One IPTC Media Topic (top level) with its score and the evidence behind it."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="IPTC Media Topic code, e.g. 'medtop:16000000'.")
    label: str = Field(description="IPTC Media Topic name, e.g. 'conflict, war and peace'.")
    score: float = Field(ge=0.0, le=1.0, description="Confidence in [0, 1]; several may be high.")
    evidence: list[str] = Field(
        default_factory=list, description="Terms in the article that raised this score."
    )


class ActorMention(BaseModel):
    """Where an actor was named in the article."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The matched surface form, e.g. 'Pyongyang'.")
    field: TextField = Field(description="Which text the offsets refer to.")
    start: int = Field(ge=0, description="Start offset (characters) in that field.")
    end: int = Field(ge=0, description="End offset (exclusive) in that field.")
    kind: Literal["name", "demonym", "capital", "leader", "institution"] = Field(
        description="How the actor was named."
    )


class ActorTag(BaseModel):
    """A country actor recognised in the article."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="ISO 3166-1 alpha-3 code, e.g. 'PRK'.")
    name: str = Field(description="Common English name, e.g. 'North Korea'.")
    mentions: list[ActorMention] = Field(
        description="Every mention in text order, up to the cap (200 per actor, 1,000 per "
        "article, the first ones kept)."
    )
    mentions_omitted: int = Field(
        default=0, ge=0, description="Mentions found beyond the cap and not listed (1.2)."
    )


class TaggedArticle(Article):
    """An article with its topics and actors, as published on the tagged topic."""

    topics: list[TopicTag] = Field(
        default_factory=list, description="IPTC topics, highest score first."
    )
    actors: list[ActorTag] = Field(
        default_factory=list, description="Country actors, most mentioned first."
    )
