"""Whether the broker answers and the consumer makes progress: readiness and the outage banner.

aiokafka retries quietly while the broker is away, so nothing in the worker fails and nothing
it already knows goes stale quickly. ``HealthWatch`` asks the broker for its broker list every
second with a short timeout (a refused or silent broker shows within about three seconds) and,
in a worker, watches whether the consumer's positions move while records wait behind them.
``/readyz`` and the dashboard read the resulting ``BrokerState`` and ``ProgressTracker``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError
from aiokafka.protocol.metadata import MetadataRequest
from mode import Service

from app.kafka_clients import aiokafka_options
from app.settings import Settings

log = logging.getLogger(__name__)

PROBE_INTERVAL_S = 1.0
PROBE_TIMEOUT_S = 2.0
# Records waiting and no position moving for this long: the consumer is stuck. Longer than any
# batch of work should take (a batch of 200 articles takes well under a second).
STALL_AFTER_S = 30.0

# Per assigned partition: (position: the offset of the next record to hand to the agents,
# highwater: the offset after the last record the broker reported). None when not known yet.
Positions = Mapping[Hashable, tuple[int | None, int | None]]


@dataclass
class BrokerState:
    """The last broker probe's outcome. ``reachable`` is None until the first probe ends."""

    reachable: bool | None = None
    since: float | None = None  # epoch seconds of the last change
    error: str | None = None

    def mark(self, reachable: bool, error: str | None = None, now: float | None = None) -> bool:
        """Record a probe's outcome; True when it changes ``reachable``."""
        changed = reachable != self.reachable
        if changed:
            self.reachable, self.since = reachable, time.time() if now is None else now
        self.error = error
        return changed

    @property
    def unreachable(self) -> bool:
        return self.reachable is False

    def describe(self) -> str | None:
        """A reason for an operator, e.g. ``broker unreachable since 06:12:03 UTC: ...``."""
        if not self.unreachable or self.since is None:
            return None
        at = datetime.fromtimestamp(self.since, UTC).strftime("%H:%M:%S UTC")
        return f"broker unreachable since {at}: {self.error}"

    def readiness_problem(self) -> str | None:
        """Why the broker keeps a process from being ready: unreachable, or no probe has
        answered yet (a process is ready only once the broker has answered)."""
        if self.reachable is None:
            return "broker not probed yet"
        return self.describe()

    def as_dict(self) -> dict[str, Any]:
        return {
            "reachable": self.reachable,
            "unreachable_since": self.since if self.unreachable else None,
            "error": self.error if self.unreachable else None,
        }


class ProgressTracker:
    """Tells when records wait on an assigned partition and no position has moved for a while."""

    def __init__(self, stall_after_s: float = STALL_AFTER_S) -> None:
        self.stall_after_s = stall_after_s
        self._last: dict[Hashable, int] = {}
        self._moved_at: float | None = None
        self.waiting = 0  # records behind the positions at the last observation

    def observe(self, positions: Positions, now: float | None = None) -> None:
        """Take the consumer's positions and highwaters (``now``: monotonic seconds)."""
        now = time.monotonic() if now is None else now
        current = {tp: pos for tp, (pos, _) in positions.items() if pos is not None}
        waiting = sum(
            max(high - (pos if pos is not None else high), 0)
            for pos, high in positions.values()
            if high is not None
        )
        if self._moved_at is None or current != self._last or waiting == 0:
            self._moved_at = now
        self._last, self.waiting = current, waiting

    def stalled_for(self, now: float | None = None) -> float | None:
        """Seconds without progress while records wait, once over the limit; else None."""
        if self._moved_at is None or self.waiting == 0:
            return None
        idle = (time.monotonic() if now is None else now) - self._moved_at
        return idle if idle >= self.stall_after_s else None

    def describe(self) -> str | None:
        idle = self.stalled_for()
        if idle is None:
            return None
        return f"consumer made no progress for {idle:.0f} s with {self.waiting} records waiting"


OnChange = Callable[[BrokerState], None]


class HealthWatch(Service):
    """Probes the broker every ``interval_s``; samples the consumer's positions if given."""

    def __init__(
        self,
        settings: Settings,
        broker: BrokerState,
        progress: ProgressTracker | None = None,
        positions: Callable[[], Positions] | None = None,
        on_change: OnChange | None = None,
        interval_s: float = PROBE_INTERVAL_S,
        timeout_s: float = PROBE_TIMEOUT_S,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.broker = broker
        self.progress = progress
        self._positions = positions
        self._on_change = on_change
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self._client: AIOKafkaClient | None = None

    @Service.task
    async def _watch(self) -> None:
        while not self.should_stop:
            started = time.monotonic()
            await self._probe_broker()
            if self.progress is not None and self._positions is not None:
                self.progress.observe(self._positions())
            await self.sleep(max(self.interval_s - (time.monotonic() - started), 0.05))

    async def _probe_broker(self) -> None:
        try:
            await asyncio.wait_for(self._fetch_metadata(), self.timeout_s)
        except (KafkaError, OSError, TimeoutError) as error:
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            if self.broker.mark(False, reason):
                log.warning("%s", self.broker.describe())
                self._changed()
        else:
            was_down = self.broker.unreachable
            if self.broker.mark(True):
                if was_down:
                    log.warning("broker reachable again")
                self._changed()

    async def _fetch_metadata(self) -> None:
        if self._client is None:
            client = AIOKafkaClient(
                **aiokafka_options(self.settings),
                client_id="brinkwatch-health",
                request_timeout_ms=int(self.timeout_s * 1000),
            )
            try:
                await client.bootstrap()
            except BaseException:
                await client.close()
                raise
            self._client = client
            return  # bootstrap fetched the metadata
        await self._ask_for_brokers(self._client)

    @staticmethod
    async def _ask_for_brokers(client: AIOKafkaClient) -> None:
        # A metadata request for no topics: the broker list alone. Asking for every topic (as
        # fetch_all_metadata does) costs a response, and its decoding, that grows with the
        # cluster's topic count, every second.
        node_id = client.get_random_node()
        if node_id is None:
            raise KafkaError("no broker known")
        response = await client.send(node_id, MetadataRequest([], allow_auto_topic_creation=False))
        if not response.brokers:
            raise KafkaError("the broker answered without a broker list")

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.broker)

    async def on_stop(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
