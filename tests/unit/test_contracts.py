"""The published contracts: versioned, documented, generated files in step, no app import."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from schemas import SCHEMA_VERSION
from schemas.export import CONTRACTS, path_for, render, stale_files
from tests.support.factories import make_alert


def test_committed_json_schemas_are_current() -> None:
    assert stale_files() == [], "run `brinkwatch schemas` and commit schemas/json/"


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_every_field_is_described_and_versioned(name: str) -> None:
    schema = json.loads(render(name))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["x-schema-version"] == SCHEMA_VERSION
    model, _ = CONTRACTS[name]
    undocumented = [f for f, info in model.model_fields.items() if not info.description]
    assert undocumented == []
    assert path_for(name).exists()


def test_schemas_package_never_imports_the_app() -> None:
    code = (
        "import sys, schemas, schemas.export;"
        "print(sorted(m for m in sys.modules if m == 'app' or m.startswith('app.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_published_alert_validates_against_its_json_schema() -> None:
    alert = make_alert()
    schema = json.loads(path_for("escalation_alert").read_text())
    jsonschema.validate(json.loads(alert.model_dump_json()), schema)
