"""Text helpers of the validate stage: HTML stripping here, whitespace normalisation in the
engine.

``strip_html`` runs in time linear in its input, whatever the input. Regular expressions such
as ``<!--.*?-->`` cannot promise that: tried at every ``<!--`` of a text with no ``-->``, each
attempt rescans to the end (quadratic; 40 KB of ``<!--`` held the event loop for seconds).
Here plain tags (no other ``<`` before their ``>``: nearly every tag of real HTML) go through
regular expressions whose matches stop at the next ``<``, so they never rescan. The other
heads (comments, script and style, a ``<`` with no ``>`` in reach) are resolved one by one,
and each kind of end they need (``>``, ``-->``, ``</script>``, ``</style>``) is searched for
once per region of the text: the next occurrence found, or the fact that there is none, is kept
and reused by every later head (``_NextMatch``). The output is the former regular expressions'
(tests/unit/test_strip_html_linear.py); ``scripts/bench_strip_html.py`` measures the time.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from app.domain.engine import normalize_whitespace

_BLOCK_NAMES = r"(?:p|div|br|li|h[1-6]|tr|blockquote|section|article)\b"
_MAX_TAG_CHARS = 2000  # a '<' whose '>' is further away is text ("a < b ... c > d")

# Plain tags: no other '<' before their '>'. Every match stops at the next '<' at the latest,
# so these regular expressions never rescan the text; runs of plain tags go through ``sub``.
_PLAIN_BLOCK_TAGS = re.compile(rf"</?{_BLOCK_NAMES}[^<>]*>", re.I).sub
_PLAIN_TAGS = re.compile(rf"<[^<>]{{0,{_MAX_TAG_CHARS}}}>").sub
# What is not plain: a block-tag head whose '>' (if any) comes after another '<'; a script,
# style or comment head; a '<' whose '>' comes after another '<' or too far away, or never.
_OTHER_BLOCK_HEAD = re.compile(rf"</?{_BLOCK_NAMES}(?![^<>]*>)", re.I).search
_OTHER_HEAD = re.compile(
    rf"<(?=(?:script|style)\b|!--)|<(?![^<>]{{0,{_MAX_TAG_CHARS}}}>)", re.I
).search
_RAW_HEAD = re.compile(r"<(script|style)\b", re.I)
_RAW_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I).search for name in ("script", "style")}


def strip_html(text: str) -> str:
    """Remove tags and decode entities, keeping paragraph breaks where block tags were.

    Block tags become a line break; comments, script and style elements and any other tag
    (a ``<`` with its ``>`` within 2,000 characters) become a space; a ``<`` that starts no
    tag stays. Entities are decoded last.
    """
    if "<" in text:
        text = _replace_block_tags(text)
        text = _replace_other_tags(text)
    if "&" in text:
        text = html.unescape(text)
    return text


class _NextMatch:
    """The next occurrence of a pattern at or after a position, for positions that only grow.

    A search result is kept: later queries before it reuse it, and "none from here on" answers
    every later query at once, so the text is scanned once per pattern overall.
    """

    __slots__ = ("_find", "_found", "_searched_from")

    def __init__(self, find: Callable[[int], tuple[int, int] | None]) -> None:
        self._find = find
        self._searched_from = -1
        self._found: tuple[int, int] | None = None

    def at_or_after(self, position: int) -> tuple[int, int] | None:
        """(start, end) of the first occurrence starting at ``position`` or later, or None."""
        found = self._found
        if 0 <= self._searched_from <= position and (found is None or found[0] >= position):
            return found
        self._searched_from = position
        self._found = self._find(position)
        return self._found


def _finder(text: str, needle: str) -> _NextMatch:
    def find(position: int) -> tuple[int, int] | None:
        start = text.find(needle, position)
        return None if start < 0 else (start, start + len(needle))

    return _NextMatch(find)


def _regex_finder(text: str, search: Callable[[str, int], re.Match[str] | None]) -> _NextMatch:
    def find(position: int) -> tuple[int, int] | None:
        match = search(text, position)
        return None if match is None else match.span()

    return _NextMatch(find)


def _replace_block_tags(text: str) -> str:
    """Each block tag (its head, then anything up to the next '>') -> a line break."""
    parts: list[str] = []
    gt = _finder(text, ">")
    copied = 0  # text[:copied] is done
    head = _OTHER_BLOCK_HEAD(text)
    while head is not None:
        at = head.start()
        end = gt.at_or_after(head.end())
        if end is None:
            break  # no '>' after this head: no block tag can end anywhere further on
        parts += (_PLAIN_BLOCK_TAGS("\n", text[copied:at]), "\n")
        copied = end[1]
        head = _OTHER_BLOCK_HEAD(text, copied)
    if not parts:
        return _PLAIN_BLOCK_TAGS("\n", text)
    parts.append(_PLAIN_BLOCK_TAGS("\n", text[copied:]))
    return "".join(parts)


def _replace_other_tags(text: str) -> str:
    """Script and style elements, comments and other tags -> a space each."""
    parts: list[str] = []
    gt = _finder(text, ">")
    comment_end = _finder(text, "-->")
    closes: dict[str, _NextMatch] = {}
    copied = 0
    head = _OTHER_HEAD(text)
    while head is not None:
        at = head.start()
        end = _tag_end(text, at, gt, comment_end, closes)
        if end is not None:
            parts += (_PLAIN_TAGS(" ", text[copied:at]), " ")
            copied = end
        elif gt.at_or_after(at + 1) is None:
            break  # no '>' further on: every kind of tag needs one, none can end any more
        head = _OTHER_HEAD(text, end or at + 1)
    if not parts:
        return _PLAIN_TAGS(" ", text)
    parts.append(_PLAIN_TAGS(" ", text[copied:]))
    return "".join(parts)


def _tag_end(
    text: str, at: int, gt: _NextMatch, comment_end: _NextMatch, closes: dict[str, _NextMatch]
) -> int | None:
    """Where the tag starting at ``text[at] == '<'`` ends, or None when it starts no tag."""
    raw = _RAW_HEAD.match(text, at)
    if raw is not None:
        name = raw[1].lower()
        close = closes.get(name)
        if close is None:
            search = _RAW_CLOSE.get(name) or re.compile(rf"</{re.escape(name)}\s*>", re.I).search
            close = closes[name] = _regex_finder(text, search)
        found = close.at_or_after(raw.end())
        if found is not None:
            return found[1]
    elif text.startswith("<!--", at):
        found = comment_end.at_or_after(at + 4)
        if found is not None:
            return found[1]
    found = gt.at_or_after(at + 1)
    if found is not None and found[0] - at - 1 <= _MAX_TAG_CHARS:
        return found[1]
    return None


__all__ = ["normalize_whitespace", "strip_html"]
