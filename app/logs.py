"""What the log handlers let through: no secrets, and no floods of repeated lines.

``SecretRedactor`` keeps credentials out of every log line. aiokafka logs each request it sends
at debug level, SASL PLAIN's authentication bytes (user and password) included; the redactor
replaces such requests and any configured secret's value in a message with a placeholder.

``RepeatLimiter``: while the broker is unreachable, aiokafka and Faust retry in tight loops
and log the same connection error each time (about 1,900 lines per second were seen). It lets
the first line of a kind through, drops the repeats for ``interval_s`` and appends to the next
line it lets through how many it dropped. A kind is (logger, level, message template): the
template, not the formatted text, so "Unable connect to node with id 1" and "... id 2" share
one budget. Lines below WARNING are never limited (start-up and rebalance lines stay whole).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from prometheus_client import Counter

from app.settings import Settings

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


REDACTED = "<redacted>"
# aiokafka request types whose repr carries credentials (SASL PLAIN/SCRAM exchanges).
_SECRET_REQUESTS = ("SaslAuthenticateRequest",)


class SecretRedactor(logging.Filter):
    """A handler filter that removes credentials from a record before it is formatted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(map(_is_secret_request, record.args)):
            record.args = tuple(
                f"{type(arg).__name__}({REDACTED})" if _is_secret_request(arg) else arg
                for arg in record.args
            )
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, REDACTED)
                record.msg, record.args = message, None
        return True


def _is_secret_request(value: object) -> bool:
    return type(value).__name__.startswith(_SECRET_REQUESTS)


def install(
    logger: logging.Logger | None = None,
    secrets: Iterable[str] = (),
    interval_s: float = DEFAULT_INTERVAL_S,
) -> None:
    """Put a ``SecretRedactor`` and a ``RepeatLimiter`` on every handler of ``logger``.

    ``logger`` defaults to the root logger. Handler filters see the records of every logger
    that propagates to them; a filter on a logger would only see records logged on that very
    logger, not on its children. Redaction runs first, so no handler sees a secret.
    """
    target = logger or logging.getLogger()
    if any(isinstance(f, RepeatLimiter) for h in target.handlers for f in h.filters):
        return
    redactor, limiter = SecretRedactor(secrets), RepeatLimiter(interval_s)
    for handler in target.handlers:
        handler.addFilter(redactor)
        handler.addFilter(limiter)


def secrets_of(settings: Settings) -> list[str]:
    """The configured secrets' values, to redact from the log."""
    values = [settings.sasl_password, settings.web_auth_token]
    return [value.get_secret_value() for value in values if value is not None]
