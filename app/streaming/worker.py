"""The Faust worker process: Faust's own, with brinkwatch's log rate limit on its handlers."""

from __future__ import annotations

import logging

import faust

from app import log_limits


class BrinkwatchWorker(faust.Worker):
    """``faust.Worker`` whose root log handlers drop repeats (``app.log_limits``)."""

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        # Faust sets the handlers up here, once; a broker outage must not flood them.
        log_limits.install(logger)
