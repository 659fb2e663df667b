"""The trend spike contract, published on the trend topic keyed by entity."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.version import SCHEMA_VERSION


class TrendSpike(BaseModel):
    """An entity's escalation index rose well above its baseline (or fell back)."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = Field(default=SCHEMA_VERSION, description="Contract version.")
    spike_id: str = Field(
        description="Deterministic id (uuid5 of entity and spike start): the start and the end "
        "of one spike share it."
    )
    entity: str = Field(
        description="ISO alpha-3 country code, or a dyad 'SRC-TGT' of two such codes."
    )
    kind: Literal["spike", "ended"] = Field(
        description="spike: the index reached ratio_on x baseline and the floor; ended: it fell "
        "under ratio_off x baseline or half the floor (hysteresis)."
    )
    at: AwareDatetime = Field(description="Event time of the alert that made the change.")
    started: AwareDatetime = Field(description="Event time the spike started.")
    index: float = Field(
        ge=0.0, description="Sum of alert severities over the trailing window (24 h)."
    )
    baseline: float = Field(
        ge=0.0, description="Mean index per window over the 28 days before the window."
    )
    window_hours: int = Field(ge=1, description="The trailing window, in hours.")
