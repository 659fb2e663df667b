"""The operator dashboard, JSON API and /metrics: on the worker's web server, or on their own.

``register_web`` wires the worker's web server. With ``dashboard.in_worker`` (the default) it
adds three parts to the Faust app: a ``Dashboard`` (bounded in-memory view of the stream), the
``DashboardFeed`` service that fills it from Kafka while the worker runs, and the aiohttp routes
that serve it (page, static files, API, server-sent events, health). Without it the worker
serves only /healthz, /readyz and /metrics (plus the lag gauge's ``OffsetSampler``), and
``brinkwatch dashboard`` (``app.web.standalone``) serves the same parts in its own process.
"""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from app.web.dashboard import Dashboard
from app.web.feed import DashboardFeed
from app.web.incident_feed import IncidentFeed
from app.web.incident_routes import add_incident_routes
from app.web.incident_view import IncidentView
from app.web.lag import OffsetSampler
from app.web.routes import add_health_routes, add_routes


def register_web(app: Any, topics: Any, settings: Settings) -> Dashboard | None:
    """Register the web routes and services on the Faust app; return the dashboard, if any."""
    del topics  # the feed reads the topics by name, without a consumer group
    web_app = app.web.web_app
    if not settings.dashboard.in_worker:
        # Instances given to app.service start after the agents and stop with them.
        app.service(OffsetSampler(settings))  # keeps brinkwatch_consumer_lag on /metrics
        add_health_routes(web_app, lambda: readiness(app, None))
        return None
    dashboard = Dashboard(settings)
    # This worker's own results reach its dashboard in-process; the feed reads the topics for
    # what other workers publish (and for the history before this process started).
    app.result_listeners.append(dashboard.on_results)
    app.service(DashboardFeed(dashboard, skip_origin=app.origin))
    add_routes(web_app, dashboard, lambda: readiness(app, dashboard))
    add_incident_routes(web_app, _incident_view(app, settings))
    return dashboard


def _incident_view(app: Any, settings: Settings) -> IncidentView | None:
    """The incidents panel's view, fed while the worker runs; None when incidents are off."""
    if not settings.incidents.enabled:
        return None
    view = IncidentView(settings.incidents.trend())
    app.service(IncidentFeed(view, settings))
    return view


def readiness(app: Any, dashboard: Dashboard | None) -> dict[str, Any]:
    """Ready = the app is started and its consumer holds partitions (so it is consuming)."""
    started = bool(app.started) and not app.should_stop
    assigned = len(app.consumer.assignment()) if started else 0
    state: dict[str, Any] = {
        "ready": started and assigned > 0,
        "started": started,
        "assigned_partitions": assigned,
        "rebalancing": bool(app.rebalancing),
        "dashboard_in_worker": dashboard is not None,
    }
    if dashboard is not None:
        state["dashboard_feed_connected"] = dashboard.feed_connected
    return state
