"""The detect stage's per-article work in the native core (``app._native.EscalationCore``,
native/src/escalation.rs and native/src/escalation/): the trigger scan, the checks of every
trigger in its sentence, dedupe, frames, scope, severity, categories and dyad, in one call
that returns plain data; this module builds the core from the detector's tables and the
``Detection`` from its result. The pure-Python detector stays the reference (and runs when
the core is not built); tests/unit/test_native_escalation.py checks that both agree.

The core calls three reference functions back, each only where its answer can matter:
``lower_keep_length`` for non-ASCII text, ``reported_history`` for windows that may hold a
year or a decade, ``reports_mass_casualties`` for sentences that may report deaths."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from app.domain.escalation.context import PhraseBits, is_glued
from app.domain.escalation.history import reported_history
from app.domain.escalation.ruleset import RuleSet
from app.domain.escalation.scope import reports_mass_casualties
from app.domain.escalation.selection import CompiledRule
from app.domain.escalation.textscan import lower_keep_length
from app.domain.findings import Detection
from schemas import AlertCategory, Dyad, SeverityLevel

try:
    from app import _native
except ImportError:  # not built (scripts/build_native.py): the pure-Python reference runs
    _native = None  # type: ignore[assignment]

TriggerTable = dict[str, tuple[list[int], bool]]  # padded key -> rule indexes, metaphor
NativeResult = tuple[list[dict[str, Any]], float, SeverityLevel, tuple[str, str | None] | None]

# One validation of every category with its evidence (dicts): pydantic-core builds the models.
_CATEGORIES = TypeAdapter(list[AlertCategory])


def native_core(
    ruleset: RuleSet,
    rules: list[CompiledRule],
    triggers: TriggerTable,
    context: dict[str, PhraseBits],
) -> _native.EscalationCore | None:
    """The native detector for these rules, or None: the core is not built, or a key is not
    ASCII (it matches bytes, one per character: see native/src/escalation/field.rs), or a
    trigger key holds no word (all punctuation)."""
    if _native is None:
        return None
    if not all(key.isascii() and key.strip() for key in triggers):
        return None
    if not all(form.isascii() for form in context):
        return None
    order = {category.id: i for i, category in enumerate(ruleset.categories)}
    severity = ruleset.severity
    scope = severity.scope
    violent = frozenset(scope.violence_categories)
    interstate = tuple(scope.interstate_codes)
    cues = ruleset.cues
    return _native.EscalationCore(
        triggers=[(key, ids, metaphor) for key, (ids, metaphor) in triggers.items()],
        context=[
            (form, is_glued(form), bits[0], _indexes(bits[1]), _indexes(bits[2]))
            for form, bits in context.items()
        ],
        rules=[
            (
                rule.spec.id,
                order[rule.category.id],
                rule.spec.cameo,
                rule.category.goldstein[rule.spec.cameo],
                rule.weight,
                rule.spec.needs_actor,
                rule.spec.unless_window,
                bool(rule.spec.near),
                rule.spec.window,
                rule.spec.direction,
                rule.spec.cameo.startswith(interstate),
            )
            for rule in rules
        ],
        categories=[
            (category.id, category.plover_type, category.quad_class, category.id in violent)
            for category in ruleset.categories
        ],
        cues=(
            cues.negation_window,
            cues.denial_window,
            cues.deescalation_window,
            cues.resolution_before,
            cues.resolution_after,
            cues.history_window,
            cues.hedge_window,
            severity.modifier_window,
        ),
        severity=(
            (
                severity.hedge_factor,
                severity.weak_context_factor,
                severity.background_factor,
                severity.weak_context_topics,
            ),
            severity.lead_sentences,
            (severity.category_boost, severity.max_category_boost, severity.modifier_boost),
            (severity.bands.medium, severity.bands.high, severity.bands.critical),
            (
                scope.mass_casualties,
                scope.interstate_floor,
                scope.domestic_cap,
                scope.national_cap,
                scope.conflict_topic,
                scope.crime_topic,
            ),
        ),
        lower=lower_keep_length,
        reported_history=reported_history,
        mass_casualties=reports_mass_casualties,
    )


def detection_of(result: NativeResult | None, rules_version: str) -> Detection | None:
    """The ``Detection`` of the core's result (None: nothing matched)."""
    if result is None:
        return None
    categories, severity, level, dyad = result
    return Detection(
        categories=_CATEGORIES.validate_python(categories),
        severity=severity,
        severity_level=level,
        dyad=None if dyad is None else Dyad(source=dyad[0], target=dyad[1]),
        rules_version=rules_version,
    )


def _indexes(bits: int) -> list[int]:
    """Rule indexes of a bit set (``1 << index`` per rule)."""
    return [index for index in range(bits.bit_length()) if bits >> index & 1]
