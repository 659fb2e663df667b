"""What to show from a broker log when something fails: its errors first, then its tail."""

from __future__ import annotations

import os
import re
from pathlib import Path

LOG_TAIL_LINES = 25
MAX_ERROR_LINES = 8
_ERROR_LINE_RE = re.compile(r"\] (ERROR|FATAL) |^Caused by: |^Error: |Exception in thread ")
_STACK_FRAME_RE = re.compile(r"^\s+(at |\.\.\. \d+ more)")


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The log's errors (ERROR/FATAL lines and ``Caused by:``, deduplicated) then its last lines."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 256 * 1024))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc})"
    errors: list[str] = []
    for line in text.splitlines():
        if _ERROR_LINE_RE.search(line) and line.strip() not in errors:
            errors.append(line.strip())
    summary = ""
    if errors:
        summary = "  errors:\n" + indent_tail("\n".join(errors[-MAX_ERROR_LINES:])) + "\n  tail:\n"
    kept = "\n".join(line for line in text.splitlines() if not _STACK_FRAME_RE.match(line))
    return summary + indent_tail(kept, lines)


def indent_tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])
