"""The country-actor vocabulary: pycountry names plus ``actors.yaml``."""

from __future__ import annotations

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
