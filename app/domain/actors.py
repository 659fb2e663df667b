"""Country actor recognition: names, demonyms, capitals, institutions and leaders -> ISO alpha-3.

Each surface form is indexed by its first word. One byte-level split of the text and a set
intersection tell which first words occur (cheap: no per-character scan in Python); only those
are searched for, case-sensitively, with whole-word checks; a longest-match rule picks the
mentions ("North Korea" beats "Korea", "Latin
America" beats "America" and is then dropped as a blocker); ambiguous forms ("Georgia",
"Jordan", "the North") count only when the article's context says they are the country.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from app.domain.actor_lexicon import ACTORS_PATH, Context, Form, load_vocabulary
from schemas import ActorMention, ActorTag, TextField

# Capitalised words that may stand next to a place name without making it part of a person's
# or an organisation's name ("In Jordan", "Georgia After Vote").
_FUNCTION_WORDS = frozenset(
    "A An And As At After Before But By During For From In Inside Into Near Of On Or Over The "
    "To Toward Towards Under Via With Without Says Said Visit Visits Across Against Between "
    "Amid Around About Beyond Within Is Are Was Were Has Have Will Would Could Should May Can "
    "Not No Than Then Now Why How What When Where Who Which While If So".split()
)

_Found = tuple[TextField, int, int, Form]
# ASCII letters and digits kept (case too), other ASCII bytes to spaces: the first words of
# forms and of the text are compared after the same cut.
_WORD_BYTES = bytes(c if chr(c).isalnum() or c >= 128 else 32 for c in range(256))
_UNICODE_PUNCTUATION = ("\u2018", "\u2019", "\u201c", "\u201d", "\u2013", "\u2014")
# A leading article is part of the mention ("the North") but not of the word we search for.
_ARTICLES = ("the ", "The ")


def _words(text: str) -> list[bytes]:
    for mark in _UNICODE_PUNCTUATION:
        if mark in text:
            text = text.replace(mark, " ")
    return text.encode("utf-8").translate(_WORD_BYTES).split()


class ActorRecognizer:
    """Finds the countries an article names, with every mention's exact offsets."""

    def __init__(
        self, forms: dict[bytes, tuple[tuple[str, str, Form], ...]], names: dict[str, str]
    ):
        # first word -> (lead article, searched text, form), longest first
        self._forms = forms
        self._heads = frozenset(forms)
        self._names = names

    @classmethod
    def load(cls, path: Path = ACTORS_PATH) -> ActorRecognizer:
        """Build the recogniser from pycountry and actors.yaml (done once per process)."""
        vocabulary = load_vocabulary(path)
        index: dict[bytes, list[tuple[str, str, Form]]] = {}
        for text, form in vocabulary.forms.items():
            lead = next((a for a in _ARTICLES if text.startswith(a)), "")
            core = text[len(lead) :]
            words = _words(core)
            if words:
                index.setdefault(words[0], []).append((lead, core, form))
        forms = {
            head: tuple(sorted(entries, key=lambda e: -len(e[1])))
            for head, entries in index.items()
        }
        return cls(forms, vocabulary.names)

    def find(self, title: str, body: str) -> list[ActorTag]:
        """Country actors, most mentioned first, each with its mentions in text order."""
        found = [*self._scan("title", title), *self._scan("body", body)]
        if not found:
            return []
        sure = {form.code for _, _, _, form in found if form.context is None and form.code}
        whole = f"{title}\n{body}"
        mentions: dict[str, list[ActorMention]] = {}
        for field, start, end, form in found:
            text = title if field == "title" else body
            code = form.code
            if code is not None and form.context is not None:
                code = _resolve(form.context, code, text, start, end, whole, sure)
            if code is None:  # a blocker, or an ambiguous form the context rules out
                continue
            mentions.setdefault(code, []).append(
                ActorMention(
                    text=text[start:end], field=field, start=start, end=end, kind=form.kind
                )
            )
        order = {code: i for i, code in enumerate(mentions)}  # first mention first on ties
        ranked = sorted(mentions, key=lambda code: (-len(mentions[code]), order[code]))
        return [
            ActorTag(code=code, name=self._names.get(code, code), mentions=mentions[code])
            for code in ranked
        ]

    def _scan(self, field: TextField, text: str) -> list[_Found]:
        if not text or text.isupper():
            # ALL-CAPS headlines defeat case-sensitive matching; they carry little extra anyway.
            return []
        candidates: list[tuple[int, int, Form]] = []
        for head in self._heads.intersection(_words(text)):
            needle = head.decode("utf-8")
            at = text.find(needle)
            while at >= 0:
                for lead, core, form in self._forms[head]:
                    end = at + len(core)
                    if not text.startswith(core, at) or (
                        core[-1].isalnum() and end < len(text) and text[end].isalnum()
                    ):
                        continue
                    if at > 0 and text[at - 1].isalnum():
                        break  # inside a longer word: "Iran" in "Tehran"? no form can start here
                    start = at - len(lead)
                    if lead and (start < 0 or text[start:at] != lead):
                        continue
                    candidates.append((start, end, form))
                    break
                at = text.find(needle, at + 1)
        candidates.sort(key=lambda c: c[0])
        if all(a[1] <= b[0] for a, b in pairwise(candidates)):
            return [(field, start, end, form) for start, end, form in candidates]  # usual case
        # Overlaps: unambiguous forms and blockers first, then longest, then leftmost, so "The
        # North Koreans" is a demonym, not the contextual "The North" followed by a fragment.
        candidates.sort(key=lambda c: (c[2].context is not None, c[0] - c[1], c[0]))
        chosen: list[_Found] = []
        for start, end, form in candidates:
            if all(end <= s or start >= e for _, s, e, _ in chosen):
                chosen.append((field, start, end, form))
        chosen.sort(key=lambda c: c[1])
        return chosen


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
