"""Write or check the golden outputs of the pipeline (app/evaluation/goldens.py says what they
hold). ``--check`` prints a readable diff and exits 1 when any set differs; ``--update``
rewrites the files (commit them with a message that explains every difference).

Usage::

    .venv/bin/python scripts/goldens.py --check [--set NAME ...] [--limit N]
    .venv/bin/python scripts/goldens.py --update [--set NAME ...]

Sets built from ../shared are skipped with a message when it is absent.
"""

from __future__ import annotations

import argparse
import sys

from app.evaluation.goldens import SETS, SHARED, compare, compute, describe, golden_pipeline
from app.evaluation.goldens import read as read_golden
from app.evaluation.goldens import write as write_golden


def main(argv: list[str] | None = None) -> int:
    """Check or update the chosen golden sets; 1 when a check finds differences."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="compare with the golden files")
    mode.add_argument("--update", action="store_true", help="rewrite the golden files")
    names = [golden.name for golden in SETS]
    parser.add_argument("--set", dest="sets", action="append", choices=names, help="only these")
    parser.add_argument("--limit", type=int, default=20, help="items printed per set")
    args = parser.parse_args(argv)

    pipeline = golden_pipeline()
    failed = False
    for golden in SETS:
        if args.sets and golden.name not in args.sets:
            continue
        if golden.needs_shared and not SHARED.is_dir():
            print(f"{golden.name}: skipped ({SHARED} is absent)")
            continue
        records = compute(golden, pipeline)
        if args.update:
            write_golden(golden, records)
            print(f"{golden.name}: wrote {len(records)} records to {golden.path}")
            continue
        if not golden.path.exists():
            print(f"{golden.name}: no golden file {golden.path} (run with --update)")
            failed = True
            continue
        changes = compare(read_golden(golden), records)
        if not changes:
            print(f"{golden.name}: {len(records)} records, no difference")
            continue
        failed = True
        print(f"{golden.name}:")
        for line in describe(changes, args.limit):
            print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
