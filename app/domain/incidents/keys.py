"""Which alerts may share an incident (the grouping key) and the incident's deterministic id."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Literal

from app.domain.actors import ActorRecognizer
from schemas import EscalationAlert

# Incident ids are uuid5 in this namespace over the grouping key and the first alert's id, so a
# replay (or a restart that reprocesses alerts) recomputes the same ids.
INCIDENT_ID_NAMESPACE = uuid.UUID("0b7a4f1e-6c2d-5e8a-9f3b-2d4c6e8a1b3c")
NO_COUNTRY = "-"
KeyBy = Literal["dyad_source", "first_actor", "headline"]


def main_country(alert: EscalationAlert) -> str:
    """The main country the alert names: the dyad's source, else the first actor, else ``-``."""
    if alert.dyad is not None:
        return alert.dyad.source
    if alert.actors:
        return alert.actors[0]
    return NO_COUNTRY


def grouping_key(
    alert: EscalationAlert, home_country: str = NO_COUNTRY, by: KeyBy = "dyad_source"
) -> str:
    """One country per alert: the dyad's source (``by="dyad_source"``, else the first actor),
    the first actor (``by="first_actor"``, else the dyad's source), or (``by="headline"``) of
    the countries the headline names other than ``home_country``, the one its lead names
    first (else the one the article names most); when the headline names none, the article's
    most named country if its lead names it too, else ``home_country``. An alert that names
    no country is keyed under ``home_country``.

    One country rather than the (source, target) pair: outlets often name the same event's
    dyad differently (one finds no target, another reads it the other way round), while the
    country an article names first is usually the event's own. The text similarity inside the
    key separates unrelated events of the same country. A report of a domestic event often
    names no country at all (a shooting in a named city of the outlet's own country), while
    another report of it does: the home country of the outlets lets the two meet.

    The headline names the event's place more reliably than the body's counts do: a US
    reaction to an attack abroad mentions the United States most, while its headline names
    the country attacked, as the reports from there do. The home country is passed over in
    the headline for the same reason (the outlets' own country is named in many reports as
    the reacting side). Among several headline countries the one the lead names first wins
    (then the most named one), not the headline's first: "Seoul says North Korea fired a
    missile" is about North Korea, and its lead says so first ("North Korea fired ..."). A
    headline that names no foreign country is most often a domestic story, whose body may
    still name a country somewhere (a company's foreign owner, a word the recogniser reads
    as a country): the body's most named country is the key only when the lead (who did
    what, where) names it as well.
    """
    if by == "headline":
        named = [code for code in alert.headline_actors if code != home_country]
        if len(named) == 1:
            return named[0]
        # Alerts before contract 1.4 have no lead: the body's counts alone.
        in_lead = lead_countries(alert.lead) if alert.lead is not None else []
        if named:
            rank = {code: index for index, code in enumerate(alert.actors)}
            lead_rank = {code: index for index, code in enumerate(in_lead)}
            return min(
                named,
                key=lambda code: (lead_rank.get(code, len(lead_rank)), rank.get(code, len(rank))),
            )
        if alert.lead is not None:
            first = alert.actors[0] if alert.actors else NO_COUNTRY
            return first if first in in_lead else home_country
        by = "first_actor"
    if by == "first_actor" and alert.actors:
        return alert.actors[0]
    country = main_country(alert)
    return home_country if country == NO_COUNTRY else country


def lead_countries(lead: str) -> list[str]:
    """The countries a lead names, in the order it first names them (the same recogniser as
    the pipeline's actors)."""
    tags = _recognizer().find("", lead)
    return [tag.code for tag in sorted(tags, key=lambda tag: min(m.start for m in tag.mentions))]


@lru_cache(maxsize=1)
def _recognizer() -> ActorRecognizer:
    return ActorRecognizer.load()


def incident_id_for(key: str, first_alert_id: str) -> str:
    """Deterministic incident id: the same first alert under the same key gives the same id."""
    return str(uuid.uuid5(INCIDENT_ID_NAMESPACE, f"{key}|{first_alert_id}"))
