"""Fixtures for the reliability suite: crashes, outages and rebalances on a real broker.

The default tests here take a few minutes in all; their longer variants are marked
``reliability`` (deselected by default, run by ``make test-reliability``). Tests that stop the
broker use ``outage_broker``, a private broker of their own (tests/support/private_broker.py):
the shared one on 127.0.0.1:19092 is never stopped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.private_broker import PrivateBroker, private_broker

# The headless Chromium fixture of the dashboard tests (Debian's chromium and chromedriver).
from tests.web.conftest import browser  # noqa: F401


@pytest.fixture(scope="module")
def outage_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateBroker]:
    """A broker on free ports that this module's tests may stop and start."""
    with private_broker(tmp_path_factory.mktemp("outage-kafka")) as broker:
        yield broker
