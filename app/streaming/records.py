"""Kafka-agnostic records passed between the agents and the stage handlers."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from app.domain.validation import Rejection
from schemas import DeadLetter, EscalationAlert, Stage, TaggedArticle

OutputTopic = Literal["valid", "tagged", "alerts", "alerts_by_key", "dlq"]
_PREVIEW_CHARS = 500
_REASON_CHARS = 2000
_KEY_BYTES = 4096

MAX_RECORD_BYTES = 1_000_000
"""The largest record brinkwatch hands to its producer: the producer's ``max_request_size``
(``create_app`` sets it from here; Faust's default too), under the broker's default
``message.max.bytes`` (1,048,588). A larger output is dead-lettered as ``output_too_large``."""
_RECORD_OVERHEAD = 4096  # record and batch headers, the key, the origin header
DEAD_LETTER_PAYLOAD_BYTES = 600_000
"""The most payload a dead letter carries: base64 makes it 800,000 characters, which leaves
room under ``MAX_RECORD_BYTES`` for the preview and the reason whatever they hold. A larger
payload is truncated to this many bytes, with its size and SHA-256; every raw article under
``max_article_bytes`` (512,000 by default) is carried whole."""


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
    """A dead letter that keeps the original payload byte for byte (its first
    ``DEAD_LETTER_PAYLOAD_BYTES`` and its hash when larger), so it always fits in a record."""
    truncated = len(record.value) > DEAD_LETTER_PAYLOAD_BYTES
    kept = record.value[:DEAD_LETTER_PAYLOAD_BYTES] if truncated else record.value
    return DeadLetter(
        stage=stage,
        error_type=rejection.error_type,
        reason=rejection.reason[:_REASON_CHARS],
        payload_base64=base64.b64encode(kept).decode("ascii"),
        payload_sha256=hashlib.sha256(record.value).hexdigest(),
        payload_truncated=truncated,
        payload_preview=record.value[: _PREVIEW_CHARS * 4].decode("utf-8", errors="replace")[
            :_PREVIEW_CHARS
        ],
        payload_size=len(record.value),
        # Keys are not bounded by anything upstream: a huge one is cut like the payload.
        key_base64=base64.b64encode(record.key[:_KEY_BYTES]).decode("ascii")
        if record.key
        else None,
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        failed_at=now,
    )


def dead_letter_outgoing(letter: DeadLetter, record: SourceRecord) -> Outgoing:
    """Dead letters are keyed by source position, so a redelivery overwrites, not duplicates."""
    key = f"{letter.source_topic}/{letter.source_partition}/{letter.source_offset}"
    del record  # the key carries everything needed
    return Outgoing("dlq", key.encode(), json_bytes(letter))


def fits(outgoing: Outgoing) -> bool:
    """Whether the producer will take this record (``MAX_RECORD_BYTES``, with headers)."""
    return len(outgoing.value) + len(outgoing.key) + _RECORD_OVERHEAD <= MAX_RECORD_BYTES


def json_bytes(model: BaseModel) -> bytes:
    """``model.model_dump_json().encode()``, straight from pydantic-core's serialiser:
    ``model_dump_json`` decodes the bytes it made into a ``str``, which the producer would
    encode back (two copies of a 3 KB record, a transcoding when it is not ASCII)."""
    return model.__pydantic_serializer__.to_json(model)
