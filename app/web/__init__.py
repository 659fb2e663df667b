"""The operator dashboard, JSON API and /metrics on the worker's web server."""

from __future__ import annotations

from typing import Any

from app.settings import Settings


def register_web(app: Any, topics: Any, settings: Settings) -> None:
    """Register the web views on the Faust app (placeholder until the dashboard lands)."""
