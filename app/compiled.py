"""Whether the domain code runs compiled (mypyc extension modules) or as plain Python.

``scripts/compile_domain.py`` builds the extension modules in place; this module says which
sources it compiles, finds what it built and tells whether the build matches the sources, so
that benchmarks can state what they measured and CI can refuse a stale build.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "app" / "domain"
GROUP = "brinkwatch_domain"
STAMP = ROOT / "build" / "mypyc" / "sources.sha256"
# Read once at start-up and made of pydantic models, which mypyc leaves to the interpreter.
_INTERPRETED = frozenset({"ruleset.py", "__init__.py"})


def compiled_sources() -> list[Path]:
    """The domain modules that the build compiles."""
    return sorted(p for p in DOMAIN.rglob("*.py") if p.name not in _INTERPRETED)


def built_files() -> list[Path]:
    """Extension modules from the last build (empty when the domain is pure Python)."""
    return sorted([*DOMAIN.rglob("*.so"), *ROOT.glob(f"{GROUP}__mypyc*.so")])


def fingerprint() -> str:
    """A digest of the compiled sources and the interpreter version they were built for."""
    digest = hashlib.sha256(sys.version.encode())
    for path in compiled_sources():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def module_name(path: Path) -> str:
    """``app/domain/topics.py`` -> ``app.domain.topics``."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def loaded_compiled() -> dict[str, bool]:
    """Per compiled-source module: was it imported from an extension module?"""
    status = {}
    for path in compiled_sources():
        name = module_name(path)
        module = importlib.import_module(name)
        status[name] = not str(module.__file__).endswith(".py")
    return status


def describe() -> str:
    """One line for benchmark reports: compiled, partly compiled, stale or interpreted."""
    status = loaded_compiled()
    compiled = sum(status.values())
    if compiled == 0:
        return "domain code: interpreted (pure Python; scripts/compile_domain.py compiles it)"
    stamp = STAMP.read_text(encoding="utf-8").strip() if STAMP.exists() else ""
    state = "current" if stamp == fingerprint() else "STALE: sources changed since the build"
    return f"domain code: {compiled} of {len(status)} modules compiled with mypyc ({state})"
