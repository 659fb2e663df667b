"""What every web response carries, and who may see the dashboard.

- Security headers go on EVERY response, including errors (400, 401, 404, 405) and the event
  stream: they are set when a response is prepared, whichever handler or error made it.
- With ``web_auth_token`` set, everything but the probes and the scrape endpoint
  (``OPEN_PATHS``) needs the token: ``Authorization: Bearer <token>`` for API clients, or
  HTTP Basic with the token as password (any user name) for browsers, which ask for it once and
  send it with every request, the event stream included (EventSource cannot set headers).
- Bound beyond loopback, the token is required: ``check_exposure`` refuses to start without it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from typing import Any

from aiohttp import web

from app.settings import Settings

# The page loads only its own files: article text can never bring in script, style or frames.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Liveness and readiness probes and Prometheus scrapes carry no credentials; these show no
# article, alert or secret (counts, states and topic names only).
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
CHALLENGE = 'Basic realm="brinkwatch", charset="UTF-8"'


class ExposureError(ValueError):
    """The web server would be reachable beyond this host without authentication."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; False for 0.0.0.0, names and others."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Refuse a non-loopback ``web_host`` without ``web_auth_token``."""
    if is_loopback(settings.web_host):
        return
    if settings.web_auth_token is None or not settings.web_auth_token.get_secret_value():
        raise ExposureError(
            f"BRINKWATCH_WEB_HOST={settings.web_host} serves the dashboard and API beyond this "
            "host: set BRINKWATCH_WEB_AUTH_TOKEN (a long random secret), or bind 127.0.0.1"
        )


def add_security_headers(web_app: web.Application) -> None:
    """Set ``SECURITY_HEADERS`` on every response ``web_app`` prepares (errors included)."""
    if _add_headers not in web_app.on_response_prepare:
        web_app.on_response_prepare.append(_add_headers)


def require_token(web_app: web.Application, settings: Settings) -> None:
    """With ``web_auth_token`` set, refuse every path but ``OPEN_PATHS`` without it (401)."""
    token = settings.web_auth_token.get_secret_value() if settings.web_auth_token else ""
    if token:
        web_app.middlewares.append(_TokenCheck(token).middleware)


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


class _TokenCheck:
    def __init__(self, token: str) -> None:
        self._token = token.encode()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path in OPEN_PATHS or self._authorized(request.headers.get("Authorization")):
            response: web.StreamResponse = await handler(request)
            return response
        raise web.HTTPUnauthorized(
            text="authentication required", headers={"WWW-Authenticate": CHALLENGE}
        )

    def _authorized(self, header: str | None) -> bool:
        scheme, _, value = (header or "").partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer":
            offered = value.encode()
        elif scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return False
            offered = decoded.partition(b":")[2]
        else:
            return False
        return hmac.compare_digest(offered, self._token)
