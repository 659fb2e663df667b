"""Scope: what an article is about bounds its severity band.

brinkwatch's users watch situations between states or armed groups. CAMEO weighs a killing the
same in a war and in a bar fight, so the Goldstein-based severity puts most crime news at
``critical``. The scope keeps the weights but bounds the band by the article's own signals:

- ``critical`` needs a firm (unhedged) violent hit in the title or lead whose own sentence
  names an armed force or group, or reports mass casualties (armed conflict, mass violence,
  military acts between states), in an article whose topics rank conflict above crime (a
  court or police story about such violence is ``high``);
- ``high`` needs an armed force or group, two states (around an interstate code) or mass
  casualties in a firm hit's sentence; otherwise (domestic violence, crime, verbal conflict
  without a second state) the article stays ``medium``, however high the CAMEO weights;
- a firm interstate escalation (force threats, cut ties, mobilisation, sanctions, seizures,
  violence with two states named in the sentence) in the lead is at least ``high``.

Caps and floor stay inside the medium..critical range (checked when the rules load), so
whether an article alerts at ``medium`` never changes: only how loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.escalation.mentions import MentionIndex
from app.domain.escalation.ruleset import Bands, ScopeSpec
from app.domain.escalation.scoring import Hit
from schemas import TopicTag

# A count, not an age (", 34, was killed") nor a year: no comma right after the digits.
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+|dozens|scores|hundreds|thousands)(?![\d,])"
_CASUALTIES = (
    re.compile(
        _NUMBER + r"\s+(?:\w+\s+){0,3}?(?:were\s+|have\s+been\s+|had\s+been\s+|are\s+)?"
        r"(?:killed|dead|died|slain|massacred)\b"
    ),
    re.compile(
        r"\b(?:killing|killed|kills|death toll\s+(?:\w+\s+){0,3}?)\s*(?:at least\s+)?" + _NUMBER
    ),
)
_WORDS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}


@dataclass(frozen=True, slots=True)
class Scope:
    """The article-level signals that bound its band."""

    armed_violence: bool  # a firm violent lead hit with armed actors or mass casualties
    armed: bool  # an armed force or group named in a firm hit's sentence
    interstate: bool  # two states named in the sentence of a firm interstate-code hit
    mass: bool  # mass casualties in a firm violence hit's sentence
    conflict_led: bool  # the conflict topic ranks above the crime topic
    escalation_in_lead: bool  # an interstate hit in the title or lead sentences


def scope_of(
    hits: list[Hit], mentions: MentionIndex, topics: list[TopicTag], spec: ScopeSpec
) -> Scope:
    """The signals of a detection's hits and the article's topics."""
    violent = frozenset(spec.violence_categories)
    firm = [hit for hit in hits if not hit.hedged]
    violence_hits = [hit for hit in firm if hit.category.id in violent]
    mass = [hit for hit in violence_hits if _casualties(hit.sentence) >= spec.mass_casualties]
    mass_ids = {id(hit) for hit in mass}  # identity: a list lookup compared whole hits
    interstate_hits = [
        hit
        for hit in firm
        if hit.rule.cameo.startswith(tuple(spec.interstate_codes))
        and len(set(mentions.codes_between(hit.field, hit.sentence_start, hit.sentence_end))) > 1
    ]
    ranks = {topic.code: rank for rank, topic in enumerate(topics)}
    conflict = ranks.get(spec.conflict_topic)
    crime = ranks.get(spec.crime_topic)
    return Scope(
        armed_violence=any(
            hit.lead and (hit.armed or id(hit) in mass_ids) for hit in violence_hits
        ),
        armed=any(hit.armed for hit in firm),
        interstate=bool(interstate_hits),
        mass=bool(mass),
        conflict_led=conflict is not None and (crime is None or conflict < crime),
        escalation_in_lead=any(hit.lead for hit in interstate_hits),
    )


def bound(severity: float, scope: Scope, spec: ScopeSpec, bands: Bands) -> float:
    """The severity with the scope's caps and floor applied (alerting at medium unchanged)."""
    if severity >= bands.critical and not (scope.armed_violence and scope.conflict_led):
        severity = spec.national_cap
    if severity >= bands.high and not (scope.armed or scope.interstate or scope.mass):
        severity = spec.domestic_cap
    if bands.medium <= severity < spec.interstate_floor and scope.escalation_in_lead:
        severity = spec.interstate_floor
    return severity


def reports_mass_casualties(sentence: str, threshold: int) -> bool:
    """True when a sentence reports at least ``threshold`` dead (the native core's check)."""
    return _casualties(sentence) >= threshold


def _casualties(sentence: str) -> int:
    """The largest number of dead a sentence reports (0 when none)."""
    low = sentence.lower()
    if "kill" not in low and "dead" not in low and "died" not in low and "slain" not in low:
        return 0
    best = 0
    for pattern in _CASUALTIES:
        for match in pattern.finditer(low):
            word = match.group(1)
            value = _WORDS.get(word) or int(word.replace(",", "") or 0)
            if "," not in word and 1800 <= value <= 2100:
                continue  # a year ("the 2015 attacks killed"), not a count
            best = max(best, value)
    return best
