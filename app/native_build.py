"""Whether the native core (``app._native``, Rust, built from ``native/``) is loaded, and
whether it is the build of the current sources.

``scripts/build_native.py`` builds it with cargo and copies the library next to this file;
this module names its sources and the fingerprint stored after each build, so the build is
redone when they change, benchmarks can say what they measured and CI can refuse a stale or
missing build.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRATE = ROOT / "native"
MODULE = "app._native"
STAMP = ROOT / "build" / "native" / "sources.sha256"


def sources() -> list[Path]:
    """The files the native build depends on."""
    return sorted(
        [CRATE / "Cargo.toml", CRATE / "Cargo.lock", *(CRATE / "src").rglob("*.rs")],
    )


def library_path() -> Path:
    """Where the built extension module goes: ``app/_native.<python's extension suffix>``."""
    return ROOT / "app" / ("_native" + importlib.machinery.EXTENSION_SUFFIXES[0])


def fingerprint() -> str:
    """A digest of the crate's sources and the interpreter version the module is built for."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sources():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_loaded() -> bool:
    """True when ``app._native`` imports (the domain then uses it instead of pure Python)."""
    try:
        importlib.import_module(MODULE)
    except ImportError:
        return False
    return True


def is_current() -> bool:
    """True when the built module's stamp matches the current sources."""
    return STAMP.exists() and STAMP.read_text(encoding="utf-8").strip() == fingerprint()


def describe() -> str:
    """One line for benchmark reports."""
    if not is_loaded():
        return "native core: not built (pure-Python reference; scripts/build_native.py builds it)"
    state = "current" if is_current() else "STALE: sources changed since the build"
    return f"native core: loaded ({state})"
