"""Background service that samples offsets every few seconds: throughput history and lag.

Run inside ``DashboardFeed`` (the dashboard's rates and lag table) and, without a dashboard, on
its own in every worker, so each worker's /metrics keeps ``brinkwatch_consumer_lag`` (two small
requests every 5 s; the costly part of the feed, reading the topics, is not run there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiokafka.errors import KafkaError
from mode import Service

from app.settings import Settings
from app.web.offsets import OffsetProbe, OffsetSnapshot

log = logging.getLogger(__name__)

OFFSET_INTERVAL_S = 5.0
RETRY_S = 5.0

OnHistory = Callable[[list[OffsetSnapshot]], None]
OnLost = Callable[[str, BaseException], None]


class OffsetSampler(Service):
    """Samples the pipeline's end offsets and the group's commits; sets the lag gauge."""

    def __init__(
        self,
        settings: Settings,
        on_history: OnHistory | None = None,
        on_lost: OnLost | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self._on_history = on_history
        self._on_lost = on_lost

    @Service.task
    async def _sample_offsets(self) -> None:
        while not self.should_stop:
            probe = OffsetProbe(self.settings)
            try:
                await probe.start()
                if missing := probe.missing_topics():
                    # `brinkwatch dashboard` may start before a worker has created the topics.
                    raise KafkaError(f"topics not found: {missing}")
                while not self.should_stop:
                    await probe.sample()
                    if self._on_history is not None:
                        self._on_history(list(probe.history))
                    await self.sleep(OFFSET_INTERVAL_S)
            except (KafkaError, OSError) as error:
                if self._on_lost is not None:
                    self._on_lost("offset probe", error)
                else:
                    log.warning(
                        "offset probe lost the broker, retrying in %.0f s: %r", RETRY_S, error
                    )
                await self.sleep(RETRY_S)
            finally:
                await probe.stop()
