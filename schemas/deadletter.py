"""The dead-letter contract: what failed, why, and the original bytes, so nothing is lost."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.version import SCHEMA_VERSION

Stage = Literal["validate", "tag", "detect"]
DeadLetterReason = Literal[
    "too_large",
    "invalid_utf8",
    "malformed_json",
    "not_an_object",
    "schema_violation",
    "empty_body",
    "future_timestamp",
    "invalid_timestamp",
    "invalid_url",
    "processing_error",
    "publish_failed",
    "output_too_large",
]
"""Why a message was dead-lettered. ``publish_failed`` (added in 1.1): the message itself was
processed, but the broker refused an output built from it after it was buffered (too large for
the output topic, topic deleted, not authorized); the ``reason`` names the output topic and the
broker's error, and ``stage`` is the stage whose output was refused. ``invalid_timestamp``
(1.2): ``published_at`` is before the oldest accepted date or outside the range of dates once
converted to UTC. ``output_too_large`` (1.2): a record built from the message would exceed the
producer's message size limit, so it was not sent."""


class DeadLetter(BaseModel):
    """A message brinkwatch could not process, with everything needed to replay it."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = Field(default=SCHEMA_VERSION, description="Contract version.")
    stage: Stage = Field(
        description="Pipeline stage that rejected the message, or whose output the broker "
        "refused (publish_failed)."
    )
    error_type: DeadLetterReason = Field(
        description="Machine-readable reason, for counting. publish_failed: the message was "
        "processed but the broker refused an output built from it; replay it from the stage."
    )
    reason: str = Field(description="Readable explanation of what is wrong.")
    payload_base64: str = Field(
        description="The original message value, byte for byte; only its first bytes when "
        "payload_truncated (the whole value stays at source_topic/partition/offset)."
    )
    payload_preview: str = Field(
        description="The start of the payload decoded leniently, for humans (max 500 chars)."
    )
    payload_size: int = Field(ge=0, description="Size of the original payload in bytes.")
    payload_sha256: str | None = Field(
        default=None,
        description="SHA-256 (hex) of the whole original payload, truncated or not (1.2; "
        "absent in older records).",
    )
    payload_truncated: bool = Field(
        default=False,
        description="True when the payload was too large to carry whole inside a dead letter "
        "under the message size limit: payload_base64 holds its first bytes (1.2).",
    )
    key_base64: str | None = Field(default=None, description="The original message key.")
    source_topic: str = Field(description="Topic the message was read from.")
    source_partition: int = Field(description="Partition it was read from.")
    source_offset: int = Field(description="Offset it was read from.")
    failed_at: AwareDatetime = Field(description="When it was dead-lettered (UTC).")
