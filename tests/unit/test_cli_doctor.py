"""`brinkwatch --version` and `brinkwatch doctor` say what runs: the engine and its build."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from app import _native
from app.cli.main import main

LOCK = Path(__file__).parents[2] / "native" / "Cargo.lock"


def test_version_names_the_engine_and_its_build() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("brinkwatch ")
    assert "engine: brinkwatch-native" in result.output
    assert "release build" in result.output


def test_doctor_names_the_rules_and_their_languages() -> None:
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "escalation rules: brinkwatch-escalation@" in result.output
    assert "languages en" in result.output


def test_the_reported_crates_are_the_locked_ones() -> None:
    locked = dict(re.findall(r'name = "([^"]+)"\nversion = "([^"]+)"', LOCK.read_text()))
    for name, version in re.findall(r"([a-z-]+) (\d+\.\d+)", _native.build_info()["crates"]):
        assert locked[name].startswith(version + "."), (name, version, locked[name])
    assert locked["pyo3"].startswith(_native.build_info()["pyo3"] + ".")
