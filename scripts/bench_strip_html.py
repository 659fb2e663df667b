"""strip_html on worst-case inputs: seconds per size for the linear scan and, in the same run,
for the former regular expressions (tests/support/regex_strip_html.py).

Linear means the time ratio between sizes follows the size ratio (10x the text, ~10x the
time); the regex version grows with the square. The regex version is skipped above
``--regex-max-kb`` (at 500 KB of ``<!--`` it would run for minutes).

    .venv/bin/python scripts/bench_strip_html.py            # 50, 100, 200, 500 KB
    .venv/bin/python scripts/bench_strip_html.py --regex-max-kb 200 --units '<!--' '<script '

"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.text import strip_html
from tests.support.regex_strip_html import regex_strip_html

UNITS = ["<!--", "<script ", "<style>", "<", "<p ", "<a href=x>text</a>"]
SIZES_KB = [50, 100, 200, 500]


def seconds(function: Callable[[str], str], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regex-max-kb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--units", nargs="*", default=UNITS, help="repeated to build each text")
    args = parser.parse_args()
    header = "input        size_kb  linear_s  ratio_to_50kb  regex_s  regex_ratio_to_50kb"
    print(header)
    for unit in args.units:
        base: dict[str, float] = {}
        for kb in SIZES_KB:
            text = (unit * (kb * 1000 // len(unit) + 1))[: kb * 1000]
            linear = seconds(strip_html, text, args.repeat)
            base.setdefault("linear", linear)
            row = f"{unit!r:12} {kb:7d}  {linear:8.4f}  {linear / base['linear']:13.1f}"
            if kb <= args.regex_max_kb:
                regex = seconds(regex_strip_html, text, 1)
                base.setdefault("regex", regex)
                row += f"  {regex:7.2f}  {regex / base['regex']:19.1f}"
            else:
                row += "        -                    -"
            print(row, flush=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
