"""Country actor recognition: names, demonyms, capitals, institutions and leaders -> ISO alpha-3.

The vocabulary (``actor_lexicon``: pycountry and actors.yaml) is handed to the engine's
``ActorScanner`` (native/src/actors.rs), which finds every mention in one Aho-Corasick pass:
case-sensitive, whole words, the longest match winning ("North Korea" beats "Korea", "Latin
America" beats "America" and is then dropped as a blocker). Ambiguous forms ("Georgia",
"Jordan", "the North") count only when the article's context says they are the country.
Python builds the ``ActorTag`` models from its dicts in one validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from app.domain import engine
from app.domain.actor_lexicon import ACTORS_PATH, ActorVocabulary, Context, load_vocabulary
from schemas import ActorTag

if TYPE_CHECKING:  # the engine's table types exist in its stub only
    from app._native import ActorContext, ActorForm

# Capitalised words that may stand next to a place name without making it part of a person's
# or an organisation's name ("In Jordan", "Georgia After Vote").
_FUNCTION_WORDS = frozenset(
    "A An And As At After Before But By During For From In Inside Into Near Of On Or Over The "
    "To Toward Towards Under Via With Without Says Said Visit Visits Across Against Between "
    "Amid Around About Beyond Within Is Are Was Were Has Have Will Would Could Should May Can "
    "Not No Than Then Now Why How What When Where Who Which While If So".split()
)

_TAGS: TypeAdapter[list[ActorTag]] = TypeAdapter(list[ActorTag])

# Mentions listed per actor and per article. A text that repeats a name tens of thousands of
# times (180 KB of one country name: 30,000 mentions, a 2.3 MB tagged record) must still give
# a record under Kafka's message limit; ordinary articles stay far below both caps.
MAX_MENTIONS_PER_ACTOR = 200
MAX_MENTIONS_PER_ARTICLE = 1000


class ActorRecognizer:
    """Finds the countries an article names, with every mention's exact offsets."""

    def __init__(self, vocabulary: ActorVocabulary) -> None:
        forms: list[ActorForm] = [
            {
                "text": form.text,
                "code": form.code,
                "kind": form.kind,
                "context": None if form.context is None else _context(form.context),
            }
            for form in vocabulary.forms.values()
            if any(char.isalnum() for char in form.text)
        ]
        self._scanner = engine.ActorScanner(
            forms=forms, names=vocabulary.names, function_words=set(_FUNCTION_WORDS)
        )

    @classmethod
    def load(cls, path: Path = ACTORS_PATH) -> ActorRecognizer:
        """Build the recogniser from pycountry and actors.yaml (done once per process)."""
        return cls(load_vocabulary(path))

    def find(self, title: str, body: str) -> list[ActorTag]:
        """Country actors, most mentioned first, each with its mentions in text order."""
        return _TAGS.validate_python(cap_mentions(self._scanner.find(title, body)))


def cap_mentions(actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the first mentions of each actor within the caps; count the rest as omitted.

    The article-wide budget goes to actors in their order (most mentioned first), so every
    actor keeps at least its first mention as long as the budget lasts.
    """
    if sum(len(actor["mentions"]) for actor in actors) <= MAX_MENTIONS_PER_ACTOR:
        return actors  # the common case: nothing to cap
    budget = MAX_MENTIONS_PER_ARTICLE
    # Reserve one mention for each actor after the current one, so none ends up with none.
    capped = []
    for index, actor in enumerate(actors):
        mentions = actor["mentions"]
        later = len(actors) - index - 1
        keep = max(1, min(len(mentions), MAX_MENTIONS_PER_ACTOR, budget - later))
        budget -= keep
        if keep < len(mentions):
            actor = {**actor, "mentions": mentions[:keep], "mentions_omitted": len(mentions) - keep}
        capped.append(actor)
    return capped


def _context(context: Context) -> ActorContext:
    return {
        "default": context.default,
        "confirm": list(context.confirm),
        "deny": list(context.deny),
        "requires_codes": sorted(context.requires_codes),
        "unless_codes": sorted(context.unless_codes),
        "person_like": context.person_like,
        "else_code": context.else_code,
    }
