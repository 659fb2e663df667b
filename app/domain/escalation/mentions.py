"""Where an article names its country actors, indexed by field and offset.

The detect stage asks, per trigger and per hit, which actors a stretch of text names (its
sentence, or the part before or after the trigger). A scan of every mention per question made
the stage quadratic in the article's length (about a second for a 480 KB article); a bisect
per question keeps it linear.
"""

from __future__ import annotations

from bisect import bisect_left

from schemas import TextField

Mention = tuple[TextField, int, str]  # field, start offset, actor code


class MentionIndex:
    """The mentions of one article, by field, in offset order (ties by actor code)."""

    def __init__(self, mentions: list[Mention]) -> None:
        self._starts: dict[str, list[int]] = {}
        self._codes: dict[str, list[str]] = {}
        for field, start, code in sorted(mentions):
            self._starts.setdefault(field, []).append(start)
            self._codes.setdefault(field, []).append(code)

    def codes_between(self, field: TextField, start: int, end: int) -> list[str]:
        """Actor codes of the mentions starting in ``field[start:end]``, in offset order."""
        starts = self._starts.get(field)
        if not starts:
            return []
        low = bisect_left(starts, start)
        return self._codes[field][low : bisect_left(starts, end, low)]

    def names_any(self, field: TextField, start: int, end: int) -> bool:
        """True when a mention starts in ``field[start:end]``."""
        starts = self._starts.get(field)
        if not starts:
            return False
        low = bisect_left(starts, start)
        return low < len(starts) and starts[low] < end
