"""What both evaluation commands share: reading labelled JSONL, and turning an item into the
raw message a producer would send, so evaluation runs the worker's own code path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any


class EvalInputError(ValueError):
    """The evaluation file (or label map) cannot be used as given."""


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` per non-blank line; malformed lines are errors."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise EvalInputError(f"{path}:{number}: expected a JSON object")
            yield number, record


def raw_article(line: int, title: str, text: str, published: datetime) -> bytes:
    """The raw JSON message for one item (its URL names the line, for error reports)."""
    document = {
        "url": f"https://eval.invalid/{line}",
        "title": title,
        "body": text,
        "published_at": published.isoformat(),
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
