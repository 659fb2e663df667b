"""The operator dashboard, JSON API and /metrics on the worker's web server.

``register_web`` wires three parts onto the Faust app: a ``Dashboard`` (bounded in-memory view
of the stream), the ``DashboardFeed`` service that fills it from Kafka while the worker runs,
and the aiohttp routes that serve it (page, static files, API, server-sent events, health).
"""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from app.web.dashboard import Dashboard
from app.web.feed import DashboardFeed
from app.web.routes import add_routes


def register_web(app: Any, topics: Any, settings: Settings) -> Dashboard:
    """Register the dashboard's service and routes on the Faust app; return its state."""
    del topics  # the feed reads the topics by name, without a consumer group
    dashboard = Dashboard(settings)
    # An instance is accepted by app.service and started after the agents, stopped with them.
    app.service(DashboardFeed(dashboard))
    add_routes(app.web.web_app, dashboard, lambda: readiness(app, dashboard))
    return dashboard


def readiness(app: Any, dashboard: Dashboard) -> dict[str, Any]:
    """Ready = the app is started and its consumer holds partitions (so it is consuming)."""
    started = bool(app.started) and not app.should_stop
    assigned = len(app.consumer.assignment()) if started else 0
    return {
        "ready": started and assigned > 0,
        "started": started,
        "assigned_partitions": assigned,
        "rebalancing": bool(app.rebalancing),
        "dashboard_feed_connected": dashboard.feed_connected,
    }
