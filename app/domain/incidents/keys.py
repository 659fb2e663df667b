"""Which alerts may share an incident (the grouping key) and the incident's deterministic id."""

from __future__ import annotations

import uuid
from typing import Literal

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
    the first actor (``by="first_actor"``, else the dyad's source), or of the countries the
    headline names other than ``home_country``, the one the article names most
    (``by="headline"``, else as ``first_actor``); an alert that names no country is keyed under
    ``home_country``.

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
    the reacting side). Among several headline countries the most named one wins, not the
    headline's first: "Seoul says North Korea fired a missile" is about North Korea.
    """
    if by == "headline":
        named = [code for code in alert.headline_actors if code != home_country]
        if named:
            rank = {code: index for index, code in enumerate(alert.actors)}
            return min(named, key=lambda code: rank.get(code, len(rank)))
        by = "first_actor"
    if by == "first_actor" and alert.actors:
        return alert.actors[0]
    country = main_country(alert)
    return home_country if country == NO_COUNTRY else country


def incident_id_for(key: str, first_alert_id: str) -> str:
    """Deterministic incident id: the same first alert under the same key gives the same id."""
    return str(uuid.uuid5(INCIDENT_ID_NAMESPACE, f"{key}|{first_alert_id}"))
