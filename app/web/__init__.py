"""The operator dashboard, JSON API and /metrics: on the worker's web server, or on their own.

``register_web`` wires the worker's web server. With ``dashboard.in_worker`` (the default) it
adds three parts to the Faust app: a ``Dashboard`` (bounded in-memory view of the stream), the
``DashboardFeed`` service that fills it from Kafka while the worker runs, and the aiohttp routes
that serve it (page, static files, API, server-sent events, health). Without it the worker
serves only /healthz, /readyz and /metrics (plus the lag gauge's ``OffsetSampler``), and
``brinkwatch dashboard`` (``app.web.standalone``) serves the same parts in its own process.
Either way a ``HealthWatch`` probes the broker and the consumer's progress for /readyz.
"""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from app.streaming.records import StageResult
from app.web.dashboard import Dashboard
from app.web.feed import DashboardFeed
from app.web.health import BrokerState, HealthWatch, Positions, ProgressTracker
from app.web.incident_feed import IncidentFeed
from app.web.incident_routes import add_incident_routes
from app.web.incident_view import IncidentView
from app.web.lag import OffsetSampler
from app.web.routes import add_health_routes, add_routes
from app.web.security import check_exposure, require_token


def register_web(app: Any, topics: Any, settings: Settings) -> Dashboard | None:
    """Register the web routes and services on the Faust app; return the dashboard, if any.

    Raises ``ExposureError`` when ``web_host`` is not loopback and no token is set.
    """
    del topics  # the feed reads the topics by name, without a consumer group
    check_exposure(settings)
    web_app = app.web.web_app
    require_token(web_app, settings)
    progress = ProgressTracker()
    dashboard = Dashboard(settings) if settings.dashboard.in_worker else None
    broker = dashboard.broker if dashboard is not None else BrokerState()
    # Instances given to app.service start after the agents and stop with them.
    app.service(
        HealthWatch(
            settings,
            broker,
            progress,
            positions=lambda: consumer_positions(app),
            on_change=dashboard.push_stats if dashboard is not None else None,
        )
    )
    if dashboard is None:
        app.service(OffsetSampler(settings))  # keeps brinkwatch_consumer_lag on /metrics
        add_health_routes(web_app, lambda: readiness(app, None, broker, progress))
        return None
    # This worker's own results reach its dashboard in-process; the feed reads the topics for
    # what other workers publish (and for the history before this process started).
    app.result_listeners.append(dashboard.on_results)
    app.service(DashboardFeed(dashboard, skip_origin=app.origin))
    add_routes(web_app, dashboard, lambda: readiness(app, dashboard, broker, progress))
    add_incident_routes(web_app, _incident_view(app, settings))
    return dashboard


def _incident_view(app: Any, settings: Settings) -> IncidentView | None:
    """The incidents panel's view, fed while the worker runs; None when incidents are off.

    Like the dashboard: this worker's alerts and incidents in-process, the topics for the
    rest."""
    if not settings.incidents.enabled:
        return None
    view = IncidentView(settings.incidents.trend())

    def on_results(results: list[StageResult], _: float) -> None:
        for result in results:
            if result.alert is not None:
                view.add_alert(result.alert)

    app.result_listeners.append(on_results)
    app.incident_listeners.append(view.add_incident)
    app.service(IncidentFeed(view, settings, skip_origin=app.origin))
    return view


def consumer_positions(app: Any) -> Positions:
    """Per assigned partition: the next offset to hand to the agents, and the highwater."""
    if not app.started or app.should_stop or app.rebalancing:
        return {}
    consumer = app.consumer
    positions: dict[Any, tuple[int | None, int | None]] = {}
    for tp in consumer.assignment():
        read = consumer._read_offset.get(tp)  # the last offset handed over, None before any
        position = read + 1 if read is not None else consumer._committed_offset.get(tp)
        try:
            high = consumer.highwater(tp)
        except (AssertionError, KeyError, TypeError):  # not fetched yet, or just revoked
            high = None
        positions[tp] = (position, high)
    return positions


def readiness(
    app: Any, dashboard: Dashboard | None, broker: BrokerState, progress: ProgressTracker
) -> dict[str, Any]:
    """Ready = started, holding partitions, the broker answers, and the consumer moves on."""
    started = bool(app.started) and not app.should_stop
    assigned = len(app.consumer.assignment()) if started else 0
    rebalancing = bool(app.rebalancing)
    reasons = [
        reason
        for reason in (
            None if started else "worker not started",
            None
            if not started or assigned
            else "no partitions assigned" + (" (rebalancing)" if rebalancing else ""),
            broker.readiness_problem(),
            progress.describe(),
        )
        if reason
    ]
    state: dict[str, Any] = {
        "ready": not reasons,
        "reason": "; ".join(reasons) or None,
        "started": started,
        "assigned_partitions": assigned,
        "rebalancing": rebalancing,
        "broker_reachable": broker.reachable,
        "records_waiting": progress.waiting,
        "dashboard_in_worker": dashboard is not None,
    }
    if dashboard is not None:
        state["dashboard_feed_connected"] = dashboard.feed_connected
    return state
