"""The Faust worker process: Faust's own, with brinkwatch's log filters on its handlers."""

from __future__ import annotations

import logging
from typing import Any

import faust

from app import logs
from app.streaming.collector import settle_heap


class BrinkwatchWorker(faust.Worker):
    """``faust.Worker`` whose root log handlers redact secrets and drop repeats (``app.logs``)."""

    def __init__(self, app: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(app, *args, **kwargs)
        self.secrets = logs.secrets_of(app.brinkwatch_settings)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        # Faust sets the handlers up here, once; a broker outage must not flood them, and
        # aiokafka's debug lines must not show the SASL password.
        logs.install(logger, self.secrets)

    async def on_startup_finished(self) -> None:
        await super().on_startup_finished()
        # The agents run from here on: what exists now lives as long as the process.
        settle_heap()
