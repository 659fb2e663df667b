"""Build the native core (``native/``, Rust with PyO3) into ``app/_native*.so`` with cargo.

The build runs only when the crate's sources changed since the last one (their fingerprint is
stored in ``build/native``), so ``make`` stays fast on a warm machine. Crates come from
crates.io at the versions in ``native/Cargo.lock`` (``--locked``).

Usage::

    .venv/bin/python scripts/build_native.py           # build if the sources changed
    .venv/bin/python scripts/build_native.py --force   # rebuild
    .venv/bin/python scripts/build_native.py --clean   # remove it: the domain runs pure Python
    python scripts/build_native.py --install LIB       # put a library built elsewhere in place
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.native_build import CRATE, STAMP, fingerprint, library_path  # noqa: E402

TARGET = ROOT / "build" / "native" / "target"


def cargo() -> str:
    """cargo from PATH, or from rustup's default place (not always on a CI job's PATH)."""
    found = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    if not Path(found).exists():
        raise SystemExit("missing prerequisite: cargo (Rust, from rustup), to build native/")
    return found


def clean() -> None:
    library_path().unlink(missing_ok=True)
    STAMP.unlink(missing_ok=True)


def build() -> None:
    env = {**os.environ, "PYO3_PYTHON": sys.executable, "CARGO_TARGET_DIR": str(TARGET)}
    command = [cargo(), "build", "--release", "--locked", "--quiet"]
    subprocess.run(command, cwd=CRATE, env=env, check=True)  # noqa: S603  (our own cargo, fixed args)
    install(TARGET / "release" / "lib_native.so")


def install(library: Path) -> None:
    """Put a built library in place and stamp it as the build of the current sources."""
    # Copy to a temporary name and rename: a running process keeps its mapped old file.
    staged = library_path().with_suffix(".tmp")
    shutil.copyfile(library, staged)
    staged.replace(library_path())
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(fingerprint() + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    group.add_argument("--clean", action="store_true", help="remove the built module")
    group.add_argument(
        "--install", type=Path, metavar="LIB", help="install a library built elsewhere"
    )
    args = parser.parse_args()
    if args.install:
        install(args.install)
        print(f"installed {args.install} as {library_path().relative_to(ROOT)}")
        return 0
    if args.clean:
        clean()
        print("native core removed: the domain runs its pure-Python reference code")
        return 0
    current = STAMP.read_text(encoding="utf-8").strip() if STAMP.exists() else None
    if not args.force and current == fingerprint() and library_path().exists():
        print("native core is up to date")
        return 0
    print("building the native core with cargo (about half a minute)...")
    build()
    print(f"built {library_path().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
