"""Generate the JSON Schema files in ``schemas/json/`` that consumers in any language read.

``python -m schemas.export`` rewrites them; a test fails when the committed files are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from schemas.alert import EscalationAlert
from schemas.article import Article, RawArticle, TaggedArticle
from schemas.deadletter import DeadLetter
from schemas.incident import Incident
from schemas.trend import TrendSpike
from schemas.version import SCHEMA_VERSION

JSON_DIR = Path(__file__).resolve().parent / "json"
# RawArticle is what producers send (validation view); the rest is what brinkwatch publishes.
CONTRACTS: dict[str, tuple[type[BaseModel], str]] = {
    "raw_article": (RawArticle, "validation"),
    "article": (Article, "serialization"),
    "tagged_article": (TaggedArticle, "serialization"),
    "escalation_alert": (EscalationAlert, "serialization"),
    "dead_letter": (DeadLetter, "serialization"),
    "incident": (Incident, "serialization"),
    "trend_spike": (TrendSpike, "serialization"),
}


def render(name: str) -> str:
    """The JSON Schema text of one contract."""
    model, mode = CONTRACTS[name]
    schema = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://brinkwatch.invalid/schemas/{name}.v{SCHEMA_VERSION}.json"
    schema["x-schema-version"] = SCHEMA_VERSION
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def path_for(name: str) -> Path:
    """Where a contract's schema file lives."""
    return JSON_DIR / f"{name}.schema.json"


def write_all() -> list[Path]:
    """Write every schema file; return their paths."""
    JSON_DIR.mkdir(exist_ok=True)
    paths = []
    for name in CONTRACTS:
        path = path_for(name)
        path.write_text(render(name), encoding="utf-8")
        paths.append(path)
    return paths


def stale_files() -> list[str]:
    """Names of the contracts whose committed file differs from the models."""
    return [
        name
        for name in CONTRACTS
        if not path_for(name).exists() or path_for(name).read_text(encoding="utf-8") != render(name)
    ]


if __name__ == "__main__":
    for written in write_all():
        print(written)
