"""The log filters: one line per interval per kind of message (with the count it dropped),
and no secret in any line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from app.logs import RepeatLimiter, install


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def captured(clock: Clock) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing to a string through one handler carrying the limiter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RepeatLimiter(interval_s=10.0, clock=clock))
    logger = logging.getLogger("tests.log_limits")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_repeats_are_dropped_and_counted_on_the_next_line(
    captured: tuple[logging.Logger, io.StringIO], clock: Clock
) -> None:
    logger, stream = captured
    for node in range(500):  # one template, changing arguments: one kind of message
        logger.error("Unable connect to node with id %s: refused", node)
        clock.now += 0.01  # 500 lines in 5 s
    assert stream.getvalue().splitlines() == [
        "ERROR tests.log_limits Unable connect to node with id 0: refused"
    ]
    clock.now += 5.1  # the interval has passed
    logger.error("Unable connect to node with id %s: refused", 7)
    last = stream.getvalue().splitlines()[-1]
    assert last == (
        "ERROR tests.log_limits Unable connect to node with id 7: refused "
        "[499 more like this suppressed in the last 10 s]"
    )


def test_each_kind_and_level_has_its_own_budget(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    for _ in range(3):
        logger.error("fetch failed")
        logger.warning("fetch failed")
        logger.error("metadata failed")
        logger.info("rebalance %s", "done")  # below WARNING: never limited
    lines = stream.getvalue().splitlines()
    assert lines.count("ERROR tests.log_limits fetch failed") == 1
    assert lines.count("WARNING tests.log_limits fetch failed") == 1
    assert lines.count("ERROR tests.log_limits metadata failed") == 1
    assert lines.count("INFO tests.log_limits rebalance done") == 3


def test_a_record_counts_once_however_many_handlers_it_passes(clock: Clock) -> None:
    limiter = RepeatLimiter(interval_s=10.0, clock=clock)
    streams = [io.StringIO(), io.StringIO()]
    logger = logging.getLogger("tests.log_limits.two")
    logger.propagate = False
    for stream in streams:
        handler = logging.StreamHandler(stream)
        handler.addFilter(limiter)
        logger.addHandler(handler)
    try:
        logger.error("same")
        logger.error("same")
        clock.now += 11
        logger.error("same")
    finally:
        logger.handlers.clear()
    for stream in streams:
        assert stream.getvalue().splitlines() == [
            "same",
            "same [1 more like this suppressed in the last 11 s]",
        ]


def test_install_covers_records_of_child_loggers_once() -> None:
    root = logging.Logger("root-under-test")
    stream = io.StringIO()
    root.addHandler(logging.StreamHandler(stream))
    install(root)
    install(root)  # idempotent: one limiter per handler
    assert sum(isinstance(f, RepeatLimiter) for f in root.handlers[0].filters) == 1
    child = logging.Logger("aiokafka.conn")
    child.parent = root
    for _ in range(100):
        child.error("Unable connect to node with id %s", 1)
    assert stream.getvalue().splitlines() == ["Unable connect to node with id 1"]


class SaslAuthenticateRequest_v1:  # noqa: N801 - named like aiokafka's request class
    def __init__(self, auth: bytes) -> None:
        self.auth = auth

    def __repr__(self) -> str:
        return f"SaslAuthenticateRequest_v1(sasl_auth_bytes={self.auth!r})"


def test_secrets_never_reach_a_handler() -> None:
    stream = io.StringIO()
    root = logging.Logger("root-under-test")
    root.addHandler(logging.StreamHandler(stream))
    install(root, secrets=["hunter2-secret", ""])
    log = logging.Logger("aiokafka.conn")
    log.parent = root
    log.setLevel(logging.DEBUG)
    # aiokafka's debug line for every request it sends, the SASL PLAIN exchange included.
    request = SaslAuthenticateRequest_v1(b"\x00bw\x00p\xc3\xa4ss-not-configured")
    log.debug("Request to %s %d: %s", "127.0.0.1:9092", 3, request)
    log.warning("connecting with password=%s failed", "hunter2-secret")
    log.error("token hunter2-secret in the message itself")
    text = stream.getvalue()
    assert "p\\xc3\\xa4ss" not in text and "hunter2" not in text
    assert text.splitlines() == [
        "Request to 127.0.0.1:9092 3: SaslAuthenticateRequest_v1(<redacted>)",
        "connecting with password=<redacted> failed",
        "token <redacted> in the message itself",
    ]


def test_secrets_of_settings() -> None:
    from pydantic import SecretStr

    from app.logs import secrets_of
    from app.settings import Settings

    values = Settings(  # type: ignore[call-arg]
        _env_file=None, sasl_password=SecretStr("a"), web_auth_token=SecretStr("b")
    )
    assert secrets_of(values) == ["a", "b"]
    assert secrets_of(Settings(_env_file=None)) == []  # type: ignore[call-arg]
