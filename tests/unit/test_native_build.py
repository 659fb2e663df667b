"""The native core that runs is the build of the current Rust sources (scripts/build_native.py):
a stale library would run old code while the tests read new sources."""

from __future__ import annotations

import os

import pytest

from app.native_build import fingerprint, is_current, is_loaded, library_path


def test_the_native_core_is_the_build_of_the_current_sources() -> None:
    if not is_loaded():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must test the native core: run scripts/build_native.py")
        pytest.skip("the native core is not built here (pure-Python reference): nothing to check")
    assert library_path().exists()
    assert is_current(), (
        f"app/_native is older than native/src (sources {fingerprint()[:12]}): "
        "run .venv/bin/python scripts/build_native.py"
    )
