"""Faust's Monitor without its per-message and per-event bookkeeping.

The default Monitor records, for every message and stream event, timestamps, counters and
deques of latencies (a few us per event, 2-3 % of a worker in py-spy) that only its own
``/stats`` view reads; brinkwatch's metrics are its Prometheus counters. This Monitor keeps
the rare hooks (rebalances, commits, assignment) and drops the per-message ones. Set
``BRINKWATCH_FAUST_SENSORS=true`` to get the full Monitor back.
"""

from __future__ import annotations

from typing import Any

from faust.sensors import Monitor


class QuietMonitor(Monitor):
    """A Monitor whose per-message and per-event hooks do nothing."""

    def on_message_in(self, tp: Any, offset: int, message: Any) -> None:
        """Not recorded."""

    def on_stream_event_in(self, tp: Any, offset: int, stream: Any, event: Any) -> None:
        """Not recorded."""

    def on_stream_event_out(
        self, tp: Any, offset: int, stream: Any, event: Any, state: Any = None
    ) -> None:
        """Not recorded."""

    def on_message_out(self, tp: Any, offset: int, message: Any) -> None:
        """Not recorded."""

    def on_send_initiated(self, *args: Any, **kwargs: Any) -> Any:
        """Not recorded."""
        return None

    def on_send_completed(self, *args: Any, **kwargs: Any) -> None:
        """Not recorded."""

    def track_tp_end_offset(self, tp: Any, offset: int) -> None:
        """Not recorded."""
