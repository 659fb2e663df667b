"""Versioned pydantic v2 contracts for everything brinkwatch puts on Kafka.

This package never imports ``app``: downstream services may depend on it alone, and the JSON
Schema files generated from it (``schemas/json/``) serve consumers in any language.
"""

from schemas.alert import (
    AlertCategory,
    Dyad,
    EscalationAlert,
    Evidence,
    Judgement,
    SeverityLevel,
)
from schemas.article import (
    ActorMention,
    ActorTag,
    Article,
    RawArticle,
    TaggedArticle,
    TextField,
    TopicTag,
)
from schemas.deadletter import DeadLetter, DeadLetterReason, Stage
from schemas.incident import (
    Incident,
    IncidentEvidence,
    IncidentMember,
    IncidentStatus,
    NotificationKind,
)
from schemas.trend import TrendSpike
from schemas.version import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "ActorMention",
    "ActorTag",
    "AlertCategory",
    "Article",
    "DeadLetter",
    "DeadLetterReason",
    "Dyad",
    "EscalationAlert",
    "Evidence",
    "Incident",
    "IncidentEvidence",
    "IncidentMember",
    "IncidentStatus",
    "Judgement",
    "NotificationKind",
    "RawArticle",
    "SeverityLevel",
    "Stage",
    "TaggedArticle",
    "TextField",
    "TopicTag",
    "TrendSpike",
]
