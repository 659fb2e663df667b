"""Rate limit for repeated log lines: one line per interval per message, with a count.

While the broker is unreachable, aiokafka and Faust retry in tight loops and log the same
connection error each time (about 1,900 lines per second were seen). ``RepeatLimiter`` lets
the first line of a kind through, drops the repeats for ``interval_s`` and appends to the next
line it lets through how many it dropped. A kind is (logger, level, message template): the
template, not the formatted text, so "Unable connect to node with id 1" and "... id 2" share
one budget. Lines below WARNING are never limited (start-up and rebalance lines stay whole).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter

DEFAULT_INTERVAL_S = 10.0
# Remembered on the record: one record passes every handler's filter, but counts once.
_DECISION = "_brinkwatch_repeat_decision"

SUPPRESSED = Counter(
    "brinkwatch_log_lines_suppressed_total",
    "Repeated warning and error log lines dropped by the log rate limit, by logger.",
    ["logger"],
)


@dataclass
class _Budget:
    window_start: float
    suppressed: int = 0


class RepeatLimiter(logging.Filter):
    """A handler filter: at most one line per ``interval_s`` for each kind of message."""

    def __init__(
        self,
        interval_s: float = DEFAULT_INTERVAL_S,
        min_level: int = logging.WARNING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.interval_s = interval_s
        self.min_level = min_level
        self._clock = clock
        self._budgets: dict[tuple[str, int, str], _Budget] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        decided: bool | None = getattr(record, _DECISION, None)
        if decided is None:
            decided = self._decide(record)
            setattr(record, _DECISION, decided)
        return decided

    def _decide(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.min_level or not isinstance(record.msg, str):
            return True
        key = (record.name, record.levelno, record.msg)
        now = self._clock()
        budget = self._budgets.get(key)
        if budget is None or now - budget.window_start >= self.interval_s:
            if budget is not None and budget.suppressed:
                # No '%' in the suffix: the message stays a valid template for record.args.
                record.msg = (
                    f"{record.msg} [{budget.suppressed} more like this suppressed in the last "
                    f"{now - budget.window_start:.0f} s]"
                )
            self._budgets[key] = _Budget(window_start=now)
            return True
        budget.suppressed += 1
        SUPPRESSED.labels(record.name).inc()
        return False


def install(logger: logging.Logger | None = None, interval_s: float = DEFAULT_INTERVAL_S) -> None:
    """Put one ``RepeatLimiter`` on every handler of ``logger`` (default: the root logger).

    Handler filters see the records of every logger that propagates to them; a filter on a
    logger would only see records logged on that very logger, not on its children.
    """
    target = logger or logging.getLogger()
    if any(isinstance(f, RepeatLimiter) for h in target.handlers for f in h.filters):
        return
    limiter = RepeatLimiter(interval_s)
    for handler in target.handlers:
        handler.addFilter(limiter)
