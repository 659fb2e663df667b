"""``brinkwatch dashboard``: the dashboard in its own process, without a Faust app.

The same ``Dashboard``, ``DashboardFeed`` and routes as in a worker, on a plain aiohttp server
at ``web_host:dashboard.port``. The feed reads the topics without a consumer group, so this
process holds no partitions: it is ready when its topic feed is connected.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from aiohttp import web

from app import logs
from app.settings import Settings
from app.web.dashboard import Dashboard
from app.web.feed import DashboardFeed
from app.web.health import HealthWatch
from app.web.incident_routes import add_incident_routes
from app.web.routes import add_routes
from app.web.security import check_exposure, require_token

log = logging.getLogger(__name__)

# Open event streams end when the feed stops; this only bounds a stuck request.
SHUTDOWN_TIMEOUT_S = 10.0


def build_web_app(dashboard: Dashboard) -> web.Application:
    """The aiohttp application serving ``dashboard``, its health and /metrics."""
    web_app = web.Application()
    require_token(web_app, dashboard.settings)
    add_routes(web_app, dashboard, lambda: readiness(dashboard))
    # The incidents panel is served by workers' dashboards only (docs/incidents.md).
    add_incident_routes(web_app, None)
    return web_app


def readiness(dashboard: Dashboard) -> dict[str, Any]:
    """Ready = the topic feed is connected and the broker answers (no partitions to hold)."""
    outage = dashboard.broker.readiness_problem()
    ready = dashboard.feed_connected and outage is None
    return {
        "ready": ready,
        "reason": None if ready else outage or "topic feed not connected",
        "feed_connected": dashboard.feed_connected,
        "feed_error": dashboard.feed_error,
        "broker_reachable": dashboard.broker.reachable,
        "alerts_kept": len(dashboard.alerts),
    }


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Serve the dashboard until ``stop`` is set (default: SIGINT or SIGTERM).

    Returns the process exit code: 0 after a requested stop, 1 if the feed crashed.
    """
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
    check_exposure(settings)
    dashboard = Dashboard(settings)
    feed = DashboardFeed(dashboard)
    watch = HealthWatch(settings, dashboard.broker, on_change=dashboard.push_stats)
    runner = web.AppRunner(
        build_web_app(dashboard), handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_S
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.web_host, settings.dashboard.port).start()
        log.info("dashboard on http://%s:%d/", settings.web_host, settings.dashboard.port)
        await feed.start()
        await watch.start()
        await feed.wait(stop.wait())  # returns on stop, or when the feed stops or crashes
    finally:
        await watch.stop()
        await feed.stop()  # ends the event streams, so the server stops without waiting
        await runner.cleanup()
    if feed.crashed:
        log.error("dashboard feed crashed: %r", feed.crash_reason)
        return 1
    return 0


def run(settings: Settings) -> int:
    """Run ``serve`` in a new event loop, with logging at the configured level."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
    )
    logs.install(secrets=logs.secrets_of(settings))  # no secrets, no floods (app/logs.py)
    return asyncio.run(serve(settings))
