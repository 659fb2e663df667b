"""Security headers on every response, the optional token, and the exposure check (no broker)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import test_utils
from pydantic import SecretStr

from app.settings import Settings
from app.web.dashboard import Dashboard
from app.web.security import SECURITY_HEADERS, ExposureError, check_exposure, is_loopback
from app.web.standalone import build_web_app

TOKEN = secrets.token_urlsafe(24)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def open_client() -> AsyncIterator[Any]:
    app = build_web_app(Dashboard(settings()))
    async with test_utils.TestClient(test_utils.TestServer(app)) as client:
        yield client


@pytest.fixture
async def token_client() -> AsyncIterator[Any]:
    app = build_web_app(Dashboard(settings(web_auth_token=SecretStr(TOKEN))))
    async with test_utils.TestClient(test_utils.TestServer(app)) as client:
        yield client


def assert_secured(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.status, name)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/api/alerts", 200),
        ("GET", "/api/alerts?severity=extreme", 400),
        ("GET", "/api/alerts?limit=many", 400),
        ("GET", "/api/alerts/unknown", 404),
        ("GET", "/no/such/page", 404),
        ("GET", "/static/../routes.py", 404),
        ("POST", "/api/alerts", 405),
        ("DELETE", "/", 405),
        ("GET", "/healthz", 200),
        ("GET", "/readyz", 503),
        ("GET", "/metrics", 200),
    ],
)
async def test_every_response_carries_the_security_headers(
    open_client: Any, method: str, path: str, status: int
) -> None:
    response = await open_client.request(method, path)
    assert response.status == status
    assert_secured(response)


async def test_the_event_stream_carries_them_too(open_client: Any) -> None:
    response = await open_client.get("/api/events")
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert_secured(response)
    response.close()


@pytest.mark.parametrize(
    "path", ["/", "/api/alerts", "/api/stats", "/api/events", "/static/js/main.js", "/nope"]
)
async def test_without_the_token_only_probes_and_metrics_answer(
    token_client: Any, path: str
) -> None:
    response = await token_client.get(path)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert_secured(response)
    wrong = await token_client.get(path, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status == 401
    for path in ("/healthz", "/readyz", "/metrics"):
        assert (await token_client.get(path)).status in (200, 503), path


async def test_the_token_as_bearer_or_as_basic_password_opens_everything(
    token_client: Any,
) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    basic = {"Authorization": "Basic " + base64.b64encode(f"ops:{TOKEN}".encode()).decode()}
    for headers in (bearer, basic):
        for path in ("/", "/api/alerts", "/api/stats", "/static/js/main.js"):
            response = await token_client.get(path, headers=headers)
            assert response.status == 200, (path, headers)
            assert_secured(response)
    bad_basic = {"Authorization": "Basic " + base64.b64encode(b"ops:guess").decode()}
    assert (await token_client.get("/", headers=bad_basic)).status == 401
    assert (await token_client.get("/", headers={"Authorization": "Basic %%%"})).status == 401


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost"])
def test_loopback_needs_no_token(host: str) -> None:
    assert is_loopback(host)
    check_exposure(settings(web_host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "dashboard.internal"])  # noqa: S104
def test_beyond_loopback_the_token_is_required(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ExposureError, match="BRINKWATCH_WEB_AUTH_TOKEN"):
        check_exposure(settings(web_host=host))
    with pytest.raises(ExposureError):
        check_exposure(settings(web_host=host, web_auth_token=SecretStr("")))
    check_exposure(settings(web_host=host, web_auth_token=SecretStr(TOKEN)))
    assert TOKEN not in repr(settings(web_host=host, web_auth_token=SecretStr(TOKEN)))


@pytest.mark.parametrize("command", ["worker", "dashboard"])
def test_commands_refuse_to_serve_beyond_loopback_without_a_token(
    command: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRINKWATCH_")}
    env |= {"BRINKWATCH_WEB_HOST": "0.0.0.0", "BRINKWATCH_BOOTSTRAP_SERVERS": "127.0.0.1:9"}  # noqa: S104
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "set BRINKWATCH_WEB_AUTH_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_faust_pages_follow_the_settings() -> None:
    """Off by default (the real worker's 404s are in test_dashboard_api.py); on when asked."""
    from app.streaming.faust_app import create_app

    default = create_app(settings()).conf
    assert not (default.web_router_enabled or default.web_stats_enabled)
    assert not (default.web_graph_enabled or default.web_tables_enabled)
    assert create_app(settings(web_router_enabled=True)).conf.web_router_enabled
