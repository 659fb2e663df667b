"""A private local broker for tests that stop and restart it (outages).

The project's own broker (:mod:`app.localkafka`: same jars, config and process handling) on free
ports with its own run dir under the test's tmp dir. The shared broker (127.0.0.1:19092, used by
every other test and developer on the machine) is never touched: ``stop`` only ever stops the
process this module started, on its own ports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app import localkafka
from app.localkafka import default_jars_root
from app.localkafka.config import HOST
from app.settings import LocalBroker, Settings
from tests.support.ports import free_ports

SHARED = Settings(_env_file=None).local_broker  # type: ignore[call-arg]
JARS_ROOT = default_jars_root(SHARED)


@dataclass(frozen=True)
class PrivateBroker:
    """A broker of this test's own that it may stop and start again (same ports and data)."""

    broker: LocalBroker

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.broker.port}"

    def stop(self) -> None:
        """SIGTERM (clean shutdown), SIGKILL after 15 s; returns when the process is gone."""
        localkafka.stop(self.broker, timeout_s=15)

    def start(self) -> None:
        """Start it again on the same ports and data dir; returns once it serves requests."""
        localkafka.start(self.broker, jars_root=JARS_ROOT)


@contextmanager
def private_broker(home: Path) -> Iterator[PrivateBroker]:
    """Start a private broker under ``home`` and always stop it."""
    port, controller = free_ports(2)
    assert SHARED.port not in (port, controller), "never the shared broker's ports"
    broker = LocalBroker(port=port, controller_port=controller, home=home, start_timeout_s=120)
    handle = PrivateBroker(broker)
    try:
        handle.start()
        yield handle
    finally:
        handle.stop()
