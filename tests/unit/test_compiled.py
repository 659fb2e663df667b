"""The shipped domain code is the mypyc build of the current sources (scripts/compile_domain.py):
a stale build would run old code while the tests read new sources."""

from __future__ import annotations

import os

import pytest

from app.compiled import STAMP, fingerprint, loaded_compiled


def test_the_domain_build_is_of_the_current_sources() -> None:
    status = loaded_compiled()
    if not any(status.values()):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must test the compiled domain: run scripts/compile_domain.py")
        pytest.skip("domain modules are not compiled here (pure Python): nothing to check")
    interpreted = [name for name, compiled in status.items() if not compiled]
    assert not interpreted, f"partly compiled build; interpreted: {interpreted}"
    assert STAMP.exists(), "compiled modules without a build stamp: rebuild them"
    assert STAMP.read_text(encoding="utf-8").strip() == fingerprint(), (
        "the compiled domain modules are older than their sources: "
        "run .venv/bin/python scripts/compile_domain.py"
    )
