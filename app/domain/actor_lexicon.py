"""The country-actor vocabulary (pycountry names plus ``actors.yaml``) and its compiled index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pycountry
import yaml

ACTORS_PATH = Path(__file__).parent / "rules" / "actors.yaml"

Kind = Literal["name", "demonym", "capital", "leader", "institution"]
_KINDS: dict[str, Kind] = {
    "names": "name",
    "demonyms": "demonym",
    "capitals": "capital",
    "leaders": "leader",
    "institutions": "institution",
}


class ActorLexiconError(ValueError):
    """The actor vocabulary is malformed or contradicts itself."""


@dataclass(frozen=True, slots=True)
class Context:
    """When an ambiguous form names a country (see the ``ambiguous`` section of actors.yaml)."""

    default: bool = True
    confirm: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    requires_codes: frozenset[str] = frozenset()
    unless_codes: frozenset[str] = frozenset()
    person_like: bool = False
    else_code: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """One surface form; ``code`` None marks a blocker phrase that names no country."""

    text: str
    code: str | None
    kind: Kind
    context: Context | None = None


@dataclass(slots=True)
class ActorVocabulary:
    """Every surface form and the display name of every country."""

    forms: dict[str, Form] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, form: Form, *, override: bool = False) -> None:
        """Register a form; a second, different meaning for the same text is an error."""
        known = self.forms.get(form.text)
        if known is not None and not override and known.code != form.code:
            raise ActorLexiconError(
                f"{form.text!r} is listed for both {known.code} and {form.code}"
            )
        self.forms[form.text] = form


def load_vocabulary(path: Path = ACTORS_PATH) -> ActorVocabulary:
    """Build the vocabulary: ISO names first, the YAML's forms on top of them."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    skip = set(document.get("skip_iso_names", []))
    vocabulary = ActorVocabulary()
    iso_forms: dict[str, Form] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        vocabulary.names[country.alpha_3] = common or country.name
        for name in (country.name, common):
            # "Korea, Republic of" style names never occur in running text.
            if name and name not in skip and "," not in name and "(" not in name:
                iso_forms[name] = Form(name, country.alpha_3, "name")
    vocabulary.forms.update(iso_forms)
    for code, spec in (document.get("countries") or {}).items():
        if code not in vocabulary.names:
            raise ActorLexiconError(f"{path}: {code} is not an ISO 3166-1 alpha-3 code")
        if spec.get("name"):
            vocabulary.names[code] = str(spec["name"])
        for section, kind in _KINDS.items():
            for text in spec.get(section) or []:
                for variant in _variants(str(text), kind):
                    # The YAML may re-assign an ISO name; within the YAML a clash is a mistake.
                    vocabulary.add(Form(variant, code, kind), override=variant in iso_forms)
    for entry in document.get("ambiguous") or []:
        context = Context(
            default=bool(entry.get("default", True)),
            confirm=tuple(entry.get("confirm", [])),
            deny=tuple(entry.get("deny", [])),
            requires_codes=frozenset(entry.get("requires_codes", [])),
            unless_codes=frozenset(entry.get("unless_codes", [])),
            person_like=bool(entry.get("person_like", False)),
            else_code=entry.get("else_code"),
        )
        vocabulary.add(
            Form(str(entry["surface"]), str(entry["code"]), entry.get("kind", "name"), context),
            override=True,
        )
    for text in document.get("blockers") or []:
        vocabulary.add(Form(str(text), None, "name"), override=True)
    return vocabulary


def _variants(text: str, kind: Kind) -> list[str]:
    variants = [text]
    if kind == "demonym" and text[-1] in "ni" and not text.endswith("ese"):
        variants.append(text + "s")  # Ukrainian -> Ukrainians, Israeli -> Israelis
    if kind == "leader" and "-" in text:
        variants.append(text.replace("-", " "))  # Kim Jong-un -> Kim Jong un
        spaced = " ".join(part[:1].upper() + part[1:] for part in text.replace("-", " ").split())
        variants.append(spaced)  # Kim Jong Un
    return list(dict.fromkeys(variants))


# --- The vocabulary compiled for matching --------------------------------------------------

# A leading article is part of the mention ("the North") but not of the text searched for.
_ARTICLES = ("the ", "The ")
# At a form's end: no letter or digit may follow. ``[^\W_]`` is exactly ``str.isalnum``.
_WORD_END = r"(?![^\W_])"

_Node = dict[str, "_Node"]  # a trie of characters; the key "" marks the end of a string


@dataclass(frozen=True, slots=True)
class Entry:
    """What a match of one searched string can be, and what else the scan must look at."""

    # (length, lead, form) for the string's forms and for those of shorter forms it starts
    # with (ending on a word boundary inside it): longest first, vocabulary order on ties.
    choices: tuple[tuple[int, str, Form], ...]
    # Offsets inside the string where another scanned string may start (overlaps).
    inner: tuple[int, ...]
    # What, right before this string, makes it the tail of a form that starts in lower case
    # ("mainland " + "China", "inter-" + "Korean").
    prefixes: tuple[str, ...]
    # The form when nothing more is to be checked (the usual case): no lead, no overlaps.
    plain: Form | None


def _entry(
    choices: tuple[tuple[int, str, Form], ...], inner: tuple[int, ...], prefixes: tuple[str, ...]
) -> Entry:
    simple = choices and not choices[0][1] and not inner and not prefixes
    return Entry(choices, inner, prefixes, choices[0][2] if simple else None)


@dataclass(frozen=True, slots=True)
class ActorIndex:
    """The vocabulary as two tries compiled to regular expressions.

    ``scanner`` is run over the whole text: it holds every searched string that starts with a
    capital letter, plus the capitalised tail of each form that starts in lower case, so its
    first characters are rare in running text and the regex engine skips the rest in C.
    ``lower`` matches the lower-case-initial forms, only where ``scanner`` found their tail;
    ``unanchored`` lists those without a capitalised tail (found with ``str.find``).
    ``scanned`` are the strings of ``scanner``, each with whether it must end a word (the
    native core's scan is built from them).
    """

    scanner: re.Pattern[str]
    lower: re.Pattern[str]
    entries: dict[str, Entry]
    unanchored: tuple[str, ...]
    scanned: tuple[tuple[str, bool], ...]


def compile_index(vocabulary: ActorVocabulary) -> ActorIndex:
    """Compile the forms for :class:`~app.domain.actors.ActorRecognizer` (once per process)."""
    by_text: dict[str, list[tuple[str, Form]]] = {}
    for text, form in vocabulary.forms.items():
        lead = next((a for a in _ARTICLES if text.startswith(a)), "")
        searched = text[len(lead) :]
        if any(char.isalnum() for char in searched):
            by_text.setdefault(searched, []).append((lead, form))
    capitalised = {s for s in by_text if s[0].isupper()}
    tails: dict[str, list[str]] = {}  # capitalised tail -> what precedes it in the form
    unanchored: list[str] = []
    for searched in by_text.keys() - capitalised:
        cut = _anchor(searched)
        if cut:
            tails.setdefault(searched[cut:], []).append(searched[:cut])
        else:
            unanchored.append(searched)
    scanned = capitalised | tails.keys()
    starts = {s[:i] for s in scanned for i in range(1, len(s) + 1)}
    entries: dict[str, Entry] = {}
    for searched in scanned | by_text.keys():
        inner = (
            tuple(i for i in range(1, len(searched)) if _may_start(searched, i, scanned, starts))
            if searched in scanned
            else ()
        )
        prefixes = tuple(
            prefix
            for i in range(1, len(searched) + 1)
            if _ends_word(searched, i)
            for prefix in tails.get(searched[:i], ())
        )
        entries[searched] = _entry(_choices(searched, by_text), inner, prefixes)
    return ActorIndex(
        scanner=_trie_regex(scanned),
        lower=_trie_regex(by_text.keys() - capitalised),
        entries=entries,
        unanchored=tuple(sorted(unanchored)),
        scanned=tuple((text, text[-1].isalnum()) for text in sorted(scanned)),
    )


def _choices(
    searched: str, by_text: dict[str, list[tuple[str, Form]]]
) -> tuple[tuple[int, str, Form], ...]:
    return tuple(
        (i, lead, form)
        for i in range(len(searched), 0, -1)
        if _ends_word(searched, i)
        for lead, form in by_text.get(searched[:i], ())
    )


def _ends_word(text: str, cut: int) -> bool:
    """Whether ``text[:cut]`` may be a whole-word match inside ``text``."""
    return cut == len(text) or not (text[cut - 1].isalnum() and text[cut].isalnum())


def _anchor(text: str) -> int:
    """Where the first capitalised word after the first starts in ``text``; 0 if none."""
    for i in range(1, len(text)):
        if text[i].isupper() and not text[i - 1].isalnum():
            return i
    return 0


def _may_start(text: str, cut: int, scanned: set[str], starts: set[str]) -> bool:
    """Whether a scanned string may start at ``text[cut]`` (on a word start) inside ``text``."""
    if text[cut - 1].isalnum():
        return False
    rest = text[cut:]
    return rest in starts or any(rest[:i] in scanned for i in range(1, len(rest)))


def _trie_regex(strings: set[str]) -> re.Pattern[str]:
    """One pattern for all the strings: longest first where several match, whole words."""
    root: _Node = {}
    for text in sorted(strings):
        node = root
        for char in text:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_branches(root, "") if root else "(?!)")


def _branches(node: _Node, last: str) -> str:
    # Continuations come before the end of a string, so the engine returns the longest match
    # and falls back to a shorter one when a longer one fails its word-end check.
    parts = [re.escape(char) + _branches(child, char) for char, child in node.items() if char]
    if "" in node:
        parts.append(_WORD_END if last.isalnum() else "")
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
