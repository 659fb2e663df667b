"""Which alerts may share an incident (the grouping key) and the incident's deterministic id."""

from __future__ import annotations

import uuid
from typing import Literal

from schemas import EscalationAlert

# Incident ids are uuid5 in this namespace over the grouping key and the first alert's id, so a
# replay (or a restart that reprocesses alerts) recomputes the same ids.
INCIDENT_ID_NAMESPACE = uuid.UUID("0b7a4f1e-6c2d-5e8a-9f3b-2d4c6e8a1b3c")
NO_COUNTRY = "-"
KeyBy = Literal["dyad_source", "first_actor"]


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
    """One country per alert: the dyad's source (``by="dyad_source"``, else the first actor) or
    the first actor (``by="first_actor"``, else the dyad's source); an alert that names no
    country is keyed under ``home_country``.

    One country rather than the (source, target) pair: outlets often name the same event's
    dyad differently (one finds no target, another reads it the other way round), while the
    country an article names first is usually the event's own. The text similarity inside the
    key separates unrelated events of the same country. A report of a domestic event often
    names no country at all (a shooting in a named city of the outlet's own country), while
    another report of it does: the home country of the outlets lets the two meet.
    """
    if by == "first_actor" and alert.actors:
        return alert.actors[0]
    country = main_country(alert)
    return home_country if country == NO_COUNTRY else country


def incident_id_for(key: str, first_alert_id: str) -> str:
    """Deterministic incident id: the same first alert under the same key gives the same id."""
    return str(uuid.uuid5(INCIDENT_ID_NAMESPACE, f"{key}|{first_alert_id}"))
