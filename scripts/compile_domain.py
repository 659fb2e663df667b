"""Compile the pure domain code (``app/domain``) to C extension modules with mypyc.

The domain stages run once per article in the worker's hot path; compiled, the same typed
Python runs about 1.2x faster overall and 1.4x in the detect stage (docs/performance.md).
The extension modules are built in place, next to their sources, so the editable install picks
them up, plus one shared library
(``brinkwatch_domain__mypyc...so``) at the repository root. Python imports an extension module
before a ``.py`` of the same name, so a stale build would hide source edits: the sources'
fingerprint is stored after each build, the build is redone whenever it changes, and a test
fails in CI when the loaded code is not the compiled current sources.

Usage::

    .venv/bin/python scripts/compile_domain.py           # build if the sources changed
    .venv/bin/python scripts/compile_domain.py --force   # rebuild
    .venv/bin/python scripts/compile_domain.py --clean   # remove the build: pure Python again
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.compiled import (  # noqa: E402  (the repository root must be importable first)
    GROUP,
    STAMP,
    built_files,
    compiled_sources,
    fingerprint,
)

BUILD_TEMP = ROOT / "build" / "mypyc"


def clean() -> None:
    for path in built_files():
        path.unlink()
    STAMP.unlink(missing_ok=True)


def build() -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    clean()
    sources = [str(p.relative_to(ROOT)) for p in compiled_sources()]
    os.chdir(ROOT)  # mypyc names modules by their path from the root
    setup(
        name="brinkwatch-domain",
        packages=[],
        py_modules=[],
        ext_modules=mypycify(sources, opt_level="3", group_name=GROUP, multi_file=True),
        script_args=["--quiet", "build_ext", "--inplace", "--parallel", "2", "--build-temp",
                     str(BUILD_TEMP)],
    )  # fmt: skip
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(fingerprint() + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    group.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = parser.parse_args()
    if args.clean:
        clean()
        print("compiled domain modules removed: the domain runs as pure Python")
        return 0
    current = STAMP.read_text(encoding="utf-8").strip() if STAMP.exists() else None
    if not args.force and current == fingerprint() and built_files():
        print("compiled domain modules are up to date")
        return 0
    print(f"compiling {len(compiled_sources())} domain modules with mypyc (about a minute)...")
    build()
    print(f"built {len(built_files())} extension modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
