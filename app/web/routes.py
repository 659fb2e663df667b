"""HTTP routes: page, static assets, JSON API, SSE (the dashboard) and health, metrics.

Plain aiohttp handlers (rather than Faust views) because the event stream needs aiohttp's
``StreamResponse``; Faust serves them on its own web server all the same, and
``brinkwatch dashboard`` on a plain aiohttp server. A worker without the dashboard gets only
``add_health_routes``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.web.alert_store import SEVERITY_LEVELS, AlertFilter
from app.web.broadcast import Event
from app.web.dashboard import Dashboard
from app.web.security import add_security_headers

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_LIMIT = 500
HEARTBEAT_S = 15.0
Readiness = Callable[[], dict[str, Any]]


def add_routes(web_app: web.Application, dashboard: Dashboard, readiness: Readiness) -> None:
    """Register every dashboard route on ``web_app``, with the health and metrics routes."""
    handlers = _Handlers(dashboard)
    router = web_app.router
    router.add_get("/", handlers.index)
    router.add_static("/static/", STATIC_DIR, follow_symlinks=False)
    router.add_get("/api/alerts", handlers.alerts)
    router.add_get("/api/alerts/{alert_id}", handlers.alert)
    router.add_get("/api/stats", handlers.stats)
    router.add_get("/api/events", handlers.events)
    web_app.on_shutdown.append(handlers.close_streams)
    add_health_routes(web_app, readiness)


def add_health_routes(web_app: web.Application, readiness: Readiness) -> None:
    """Register /healthz, /readyz (answered by ``readiness``) and /metrics on ``web_app``."""
    health = _Health(readiness)
    router = web_app.router
    router.add_get("/healthz", health.healthz)
    router.add_get("/readyz", health.readyz)
    router.add_get("/metrics", health.metrics)
    add_security_headers(web_app)


class _Handlers:
    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def alerts(self, request: web.Request) -> web.Response:
        query = request.query
        severities = frozenset(s for s in query.get("severity", "").split(",") if s)
        unknown = severities - set(SEVERITY_LEVELS)
        if unknown:
            raise web.HTTPBadRequest(text=f"unknown severity: {', '.join(sorted(unknown))}")
        try:
            limit = min(max(int(query.get("limit", "100")), 1), MAX_LIMIT)
        except ValueError:
            raise web.HTTPBadRequest(text="limit must be an integer") from None
        wanted = AlertFilter(
            severities=severities,
            country=query.get("country", "").strip().upper() or None,
            category=query.get("category", "").strip() or None,
        )
        found = self.dashboard.alerts.newest(wanted, limit)
        return web.json_response(
            {"alerts": found, "count": len(found), "kept": len(self.dashboard.alerts)}
        )

    async def alert(self, request: web.Request) -> web.Response:
        found = self.dashboard.alerts.get(request.match_info["alert_id"])
        if found is None:
            raise web.HTTPNotFound(text="no such alert (unknown, or older than the ones kept)")
        return web.json_response(found)

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.dashboard.stats())

    async def events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",  # proxies must not hold events back
            }
        )
        await response.prepare(request)
        # Reconnect after 3 s when the connection drops (EventSource does it by itself).
        await response.write(b"retry: 3000\n\n")
        await response.write(Event("stats", self.dashboard.stats()).encode())
        queue = self.dashboard.broadcaster.subscribe()
        try:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    await response.write(b": heartbeat\n\n")  # idle proxies must not close it
                    continue
                if event is None:  # shutting down, or this browser fell too far behind
                    break
                await response.write(event.encode())
        except ConnectionResetError:
            pass  # the browser went away
        finally:
            self.dashboard.broadcaster.unsubscribe(queue)
        return response

    async def close_streams(self, web_app: web.Application) -> None:
        self.dashboard.broadcaster.close()


class _Health:
    def __init__(self, readiness: Readiness) -> None:
        self.readiness = readiness

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(self, request: web.Request) -> web.Response:
        state = self.readiness()
        return web.json_response(state, status=200 if state.get("ready") else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
