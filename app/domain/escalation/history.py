"""Explicit years near a trigger that mark it as reported history, relative to the article's
publication year.

A bare year is weak evidence: "troops attacked the town in 2019" is today's news in a 2019
article and history in a 2024 one, and an evaluation item stamped with today's date has no
real publication year. So a year marks history only when the text itself says so:

- a completed span that ended before the article's year ("1950-53", "from 1950 to 1953");
- a named past event ("the 2003 war", "during the 2008 invasion") before the article's year;
- a decade ("the 1990s", "the sixties");
- a bare "in/during/until YEAR" at least two years before the article's year ("until" one
  year is enough: it says the state ended), unless the sentence marks the act as still going
  on ("since 2014", "still", "has been", "continues"): then it is the current conflict.
"""

from __future__ import annotations

import re

_YEAR = r"((?:1[6-9]|20)\d\d)"
_BARE_YEAR = re.compile(
    r"\b(in|during|until|till)\s+(?:early\s+|late\s+|mid-?)?(?:the\s+year\s+)?" + _YEAR + r"\b"
)
_SPAN = re.compile(
    r"\b(?:from\s+|between\s+)?" + _YEAR + r"\s*(?:-|–|—|to|and|until)\s*((?:1[6-9]|20)?\d\d)\b"
)
_EVENT = re.compile(
    r"\b" + _YEAR + r"\s+(?:war|wars|invasion|conflict|uprising|revolution|coup|crisis|"
    r"massacre|genocide|attacks?|bombings?|offensive|intervention|insurgency|occupation)\b"
)
_DECADE = re.compile(
    r"\b(?:the\s+)?(?:(?:1[6-9]|20)\d0s|(?:fifties|sixties|seventies|eighties|nineties))\b"
)
_ONGOING = re.compile(r"\b(?:since|still|has been|have been|continues?|continuing|ongoing)\b")
_DIGIT = re.compile(r"\d")
CLEARLY_PAST = 2  # years before publication for a bare year to count as history


def reported_history(window: str, year: int) -> bool:
    """True when ``window`` (lower-cased words around a trigger) dates it before ``year``."""
    if _DIGIT.search(window) is None:
        return "ties" in window and _DECADE.search(window) is not None
    for match in _SPAN.finditer(window):
        first, last = match.group(1), match.group(2)
        end = int(last) if len(last) == 4 else int(first[:2] + last)
        if int(first) <= end < year:
            return True
    for match in _EVENT.finditer(window):
        if int(match.group(1)) < year:
            return True
    if _DECADE.search(window) is not None:
        return True
    ongoing = _ONGOING.search(window) is not None
    for match in _BARE_YEAR.finditer(window):
        past = year - int(match.group(2))
        if match.group(1) in ("until", "till") and past >= 1:
            return True
        if past >= CLEARLY_PAST and not ongoing:
            return True
    return False
