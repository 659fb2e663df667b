"""``/api/incidents`` and ``/api/trends``: the incident view as JSON."""

from __future__ import annotations

from aiohttp import web

from app.web.incident_view import IncidentView

MAX_LIMIT = 500


def add_incident_routes(web_app: web.Application, view: IncidentView | None) -> None:
    """Register the incident API on ``web_app``. Without a view (incidents off) both routes
    answer ``{"enabled": false}``, so the page knows to keep its panel hidden."""

    async def disabled(request: web.Request) -> web.Response:
        return web.json_response({"enabled": False})

    if view is None:
        web_app.router.add_get("/api/incidents", disabled)
        web_app.router.add_get("/api/trends", disabled)
        return

    async def incidents(request: web.Request) -> web.Response:
        status = request.query.get("status")
        if status not in (None, "firing", "resolved"):
            raise web.HTTPBadRequest(text="status must be firing or resolved")
        try:
            limit = min(int(request.query.get("limit", "100")), MAX_LIMIT)
        except ValueError as exc:
            raise web.HTTPBadRequest(text="limit must be an integer") from exc
        return web.json_response(
            {"enabled": True, "incidents": view.incidents(status, max(limit, 0))}
        )

    async def trends(request: web.Request) -> web.Response:
        return web.json_response({"enabled": True, **view.trends()})

    web_app.router.add_get("/api/incidents", incidents)
    web_app.router.add_get("/api/trends", trends)
