"""``brinkwatch produce --wait-for-topic`` waits for the broker as well as the topic."""

from __future__ import annotations

import socket

import pytest

from app.cli.io import wait_for_topics
from app.settings import Settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on exit: nothing listens there


async def test_an_unreachable_broker_is_waited_for_then_named_in_the_timeout() -> None:
    settings = Settings(bootstrap_servers=f"127.0.0.1:{_closed_port()}")
    with pytest.raises(TimeoutError, match="last connection error"):
        await wait_for_topics(settings, ["articles.raw"], timeout_s=1.5)
