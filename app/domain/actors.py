"""Country actor recognition: names, demonyms, capitals, institutions and leaders -> ISO alpha-3.

Every surface form is compiled into one regular expression shaped as a trie (see
``actor_lexicon.compile_index``), so a single ``finditer`` in C finds, at each place where a
form starts, the longest one that ends on a whole word; Python works only per match (a dozen
in a 3 KB article). Matching is case-sensitive, and the longest match wins ("North Korea"
beats "Korea", "Latin America" beats "America" and is then dropped as a blocker). Ambiguous
forms ("Georgia", "Jordan", "the North") count only when the article's context says they are
the country; those rules run only for the ambiguous forms actually found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mypy_extensions import mypyc_attr
from pydantic import TypeAdapter

try:
    from app import _native

    NATIVE = True
except ImportError:  # not built (scripts/build_native.py): the pure-Python reference runs
    NATIVE = False

from app.domain.actor_lexicon import (
    ACTORS_PATH,
    ActorIndex,
    Context,
    Entry,
    Form,
    compile_index,
    load_vocabulary,
)
from schemas import ActorTag

# Capitalised words that may stand next to a place name without making it part of a person's
# or an organisation's name ("In Jordan", "Georgia After Vote").
_FUNCTION_WORDS = frozenset(
    "A An And As At After Before But By During For From In Inside Into Near Of On Or Over The "
    "To Toward Towards Under Via With Without Says Said Visit Visits Across Against Between "
    "Amid Around About Beyond Within Is Are Was Were Has Have Will Would Could Should May Can "
    "Not No Than Then Now Why How What When Where Who Which While If So".split()
)

# One validation call for all tags and their mentions (pydantic-core, no Python per field):
# cheaper than building each ActorMention, and model_construct is slower still.
_TAGS: TypeAdapter[list[ActorTag]] = TypeAdapter(list[ActorTag])

_Found = tuple[int, int, Form]  # start, end, form
_Match = tuple[int, int, str]  # start, end, the searched string that matched


# Compiled with mypyc; tests subclass it to inject faults or an oracle.
@mypyc_attr(allow_interpreted_subclasses=True)
class ActorRecognizer:
    """Finds the countries an article names, with every mention's exact offsets."""

    def __init__(self, index: ActorIndex, names: dict[str, str], native: bool = NATIVE):
        """``native``: scan with the native core (the same matches, about 10x faster)."""
        self._index = index
        self._find = (
            _native.FormScanner(list(index.scanned)).find if native else self._find_reference
        )
        self._entries = index.entries
        self._names = names

    @classmethod
    def load(cls, path: Path = ACTORS_PATH) -> ActorRecognizer:
        """Build the recogniser from pycountry and actors.yaml (done once per process)."""
        vocabulary = load_vocabulary(path)
        return cls(compile_index(vocabulary), vocabulary.names)

    def find(self, title: str, body: str) -> list[ActorTag]:
        """Country actors, most mentioned first, each with its mentions in text order."""
        in_title, in_body = self._scan(title), self._scan(body)
        if not in_title and not in_body:
            return []
        sure = {f.code for *_, f in in_title + in_body if f.context is None and f.code}
        whole = ""  # title and body, built only for an ambiguous form's context cues
        mentions: dict[str, list[dict[str, Any]]] = {}
        for field, text, found in (("title", title, in_title), ("body", body, in_body)):
            for start, end, form in found:
                code = form.code
                if code is not None and form.context is not None:
                    whole = whole or f"{title}\n{body}"
                    code = _resolve(form.context, code, text, start, end, whole, sure)
                if code is None:  # a blocker, or an ambiguous form the context rules out
                    continue
                mentions.setdefault(code, []).append(
                    {
                        "text": text[start:end],
                        "field": field,
                        "start": start,
                        "end": end,
                        "kind": form.kind,
                    }
                )
        order = {code: i for i, code in enumerate(mentions)}  # first mention first on ties
        ranked = sorted(mentions, key=lambda code: (-len(mentions[code]), order[code]))
        names = self._names
        return _TAGS.validate_python(
            [
                {"code": code, "name": names.get(code, code), "mentions": mentions[code]}
                for code in ranked
            ]
        )

    def _scan(self, text: str) -> list[_Found]:
        """The chosen mentions in one field (blockers and ambiguous forms included)."""
        if not text or text.isupper():
            # ALL-CAPS headlines defeat case-sensitive matching; they carry little extra anyway.
            return []
        entries = self._entries
        found: list[_Found] = []
        others: list[tuple[int, Entry]] = []
        for at, end, searched in self._find(text):
            entry = entries[searched]
            if entry.plain is None:
                others.append((at, entry))
            elif not at or not text[at - 1].isalnum():  # else inside a word: "Iran" in "TIran"
                found.append((at, end, entry.plain))
        if not others and not self._index.unanchored:
            return found  # the usual case: finditer's matches are in order and never overlap
        self._scan_more(text, others, found)
        # The same place can be reached twice (from a match and from one it overlaps); a span
        # always holds the same form, so one entry per span.
        found = sorted({c[:2]: c for c in found}.values(), key=lambda c: c[0])
        chosen: list[_Found] = []
        cluster: list[_Found] = []
        cluster_end = 0
        for candidate in found:
            if candidate[0] >= cluster_end:  # overlaps nothing before it: a new cluster
                chosen += _without_overlaps(cluster) if len(cluster) > 1 else cluster
                cluster = []
            cluster.append(candidate)
            cluster_end = max(cluster_end, candidate[1])
        chosen += _without_overlaps(cluster) if len(cluster) > 1 else cluster
        return chosen

    def _find_reference(self, text: str) -> list[_Match]:
        """Each place where a scanned string starts, the longest one there (pure Python)."""
        return [(m.start(), m.end(), m[0]) for m in self._index.scanner.finditer(text)]

    def _scan_more(self, text: str, todo: list[tuple[int, Entry]], found: list[_Found]) -> None:
        """Matches that need more than a look-up: a lead ("the North"), forms starting inside
        the match ("Korea" in "North Korea"), tails of lower-case forms ("mainland China")."""
        index, entries = self._index, self._entries
        for searched in index.unanchored:
            at = text.find(searched)
            while at >= 0:
                match = index.lower.match(text, at)
                if match:
                    todo.append((at, entries[match[0]]))
                at = text.find(searched, at + 1)
        visited: set[int] = set()
        while todo:
            at, entry = todo.pop()
            if not at or not text[at - 1].isalnum():
                for length, lead, form in entry.choices:
                    start = at - len(lead)
                    if not lead or (start >= 0 and text.startswith(lead, start)):
                        found.append((start, at + length, form))
                        break
            for prefix in entry.prefixes:
                start = at - len(prefix)
                if start >= 0 and text.startswith(prefix, start) and start not in visited:
                    visited.add(start)
                    match = index.lower.match(text, start)
                    if match:
                        todo.append((start, entries[match[0]]))
            for offset in entry.inner:
                if at + offset not in visited:
                    visited.add(at + offset)
                    match = index.scanner.match(text, at + offset)
                    if match:
                        todo.append((at + offset, entries[match[0]]))


def _without_overlaps(cluster: list[_Found]) -> list[_Found]:
    """Greedy choice among overlapping candidates, returned in text order.

    Unambiguous forms and blockers first, then longest, then leftmost, so "The North Koreans"
    is a demonym, not the contextual "The North" followed by a fragment.
    """
    chosen: list[_Found] = []
    for start, end, form in sorted(
        cluster, key=lambda c: (c[2].context is not None, c[0] - c[1], c[0])
    ):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, form))
    return sorted(chosen, key=lambda c: c[0])


def _resolve(
    context: Context, code: str, text: str, start: int, end: int, whole: str, sure: set[str]
) -> str | None:
    """The country an ambiguous mention names in this article, or None."""
    if context.requires_codes and not context.requires_codes & sure:
        return None
    if context.unless_codes & sure:
        return None
    if context.person_like and _next_to_capitalised(text, start, end):
        return None
    if any(cue in whole for cue in context.confirm):
        return code
    if not context.default:
        return None
    if any(cue in whole for cue in context.deny):
        return context.else_code
    return code


def _next_to_capitalised(text: str, start: int, end: int) -> bool:
    """True for "Michael Jordan", "Washington Post": a capitalised name word right beside."""
    before = text[:start]
    if before.endswith(" "):
        words = before[:-1].rsplit(None, 1)
        previous = words[-1] if words else ""
        if previous[:1].isupper() and previous.isalpha() and previous not in _FUNCTION_WORDS:
            return True
    after = text[end:]
    if after.startswith(" "):
        following = after[1:].split(None, 1)
        word = following[0] if following else ""
        word = word.rstrip(".,;:!?'\"")
        if word[:1].isupper() and word.isalpha() and word not in _FUNCTION_WORDS:
            return True
    return False
