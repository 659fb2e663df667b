"""Kafka-agnostic records passed between the agents and the stage handlers."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from app.domain.validation import Rejection
from schemas import DeadLetter, EscalationAlert, Stage, TaggedArticle

OutputTopic = Literal["valid", "tagged", "alerts", "dlq"]
_PREVIEW_CHARS = 500


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One consumed message, with where it came from."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to publish; ``topic`` is the logical name, resolved through settings."""

    topic: OutputTopic
    key: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class Refusal:
    """An output the broker refused after it was buffered, with the input that produced it."""

    record: SourceRecord
    stage: Stage
    topic: str
    """The real topic name the output was sent to."""
    error: str
    """The broker's error, as reported by the producer."""


@dataclass(slots=True)
class StageResult:
    """What a stage made of one record: the messages to publish and what happened."""

    stage: Stage
    outputs: list[Outgoing] = field(default_factory=list)
    dead_letter: DeadLetter | None = None
    alert: EscalationAlert | None = None
    tagged: TaggedArticle | None = None
    """The tagged article a tag stage published (for in-process readers: the dashboard)."""
    seconds: float | None = None
    """Processing time of this stage when the handler measured it itself (fused topology)."""
    language: tuple[str, bool] | None = None
    """Detect stage: the article's language and whether the escalation rules cover it."""

    @property
    def outcome(self) -> str:
        """A label for metrics: dead_letter, alert or ok."""
        if self.dead_letter is not None:
            return "dead_letter"
        if self.alert is not None:
            return "alert"
        return "ok"


def dead_letter_for(
    record: SourceRecord, stage: Stage, rejection: Rejection, now: datetime
) -> DeadLetter:
    """A dead letter that keeps the original payload byte for byte."""
    return DeadLetter(
        stage=stage,
        error_type=rejection.error_type,
        reason=rejection.reason,
        payload_base64=base64.b64encode(record.value).decode("ascii"),
        payload_preview=record.value[: _PREVIEW_CHARS * 4].decode("utf-8", errors="replace")[
            :_PREVIEW_CHARS
        ],
        payload_size=len(record.value),
        key_base64=base64.b64encode(record.key).decode("ascii") if record.key else None,
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        failed_at=now,
    )


def dead_letter_outgoing(letter: DeadLetter, record: SourceRecord) -> Outgoing:
    """Dead letters are keyed by source position, so a redelivery overwrites, not duplicates."""
    key = f"{letter.source_topic}/{letter.source_partition}/{letter.source_offset}"
    del record  # the key carries everything needed
    return Outgoing("dlq", key.encode(), letter.model_dump_json().encode())
