"""The detect stage: an Aho-Corasick scan for trigger terms over the lower-cased text, then
context checks only in the sentences that hold a trigger. The native core does the same work
per article when it is built (native.py); the Python here is the reference and the fallback."""

from __future__ import annotations

from pathlib import Path

import ahocorasick
from mypy_extensions import mypyc_attr

from app.domain.escalation.context import (
    ARMED,
    ContextIndex,
    ContextMatch,
    Window,
    context_table,
)
from app.domain.escalation.cues import CueChecker
from app.domain.escalation.mentions import MentionIndex
from app.domain.escalation.native import TriggerTable, detection_of, native_core
from app.domain.escalation.ruleset import RuleSet, expand, load_ruleset
from app.domain.escalation.scope import bound, scope_of
from app.domain.escalation.scoring import (
    Hit,
    categories_of,
    dyad_of,
    level_of,
    severity_of,
)
from app.domain.escalation.selection import (
    CompiledRule,
    dedupe,
    drop_framed,
    near_extent,
    vetoed,
)
from app.domain.escalation.textscan import (
    SentenceFinder,
    SpanSet,
    key,
    lower_keep_length,
    snippet,
    spaced,
)
from app.domain.findings import Detection
from schemas import TaggedArticle, TextField

Found = tuple[int, int, tuple[int, ...]]  # trigger start, end, indexes of its rules


# Compiled with mypyc; tests subclass it to inject faults or an oracle.
@mypyc_attr(allow_interpreted_subclasses=True)
class EscalationDetector:
    """Finds escalation language in a tagged article."""

    def __init__(self, ruleset: RuleSet, native: bool = True) -> None:
        """``native=False`` runs the pure-Python reference even when the core is built."""
        self.ruleset = ruleset
        self._label = ruleset.label
        severity = ruleset.severity
        self.cues = CueChecker(ruleset.cues, severity.modifier_window)
        context = context_table(
            ruleset.cues, severity.modifiers, severity.scope.armed_terms, ruleset.rules
        )
        self._context = ContextIndex(context)
        self._order = {c.id: i for i, c in enumerate(ruleset.categories)}
        categories = {c.id: c for c in ruleset.categories}
        self._rules: list[CompiledRule] = []
        for index, spec in enumerate(ruleset.rules):
            category = categories[spec.category]
            self._rules.append(
                CompiledRule(
                    spec=spec,
                    category=category,
                    weight=-category.goldstein[spec.cameo] * category.weight,
                    bit=1 << index,
                )
            )
        self._weak_topics = frozenset(ruleset.severity.weak_context_topics)
        table = _trigger_table(ruleset)
        self._automaton = ahocorasick.Automaton()
        for padded, (ids, metaphor) in table.items():
            self._automaton.add_word(padded, (len(padded), tuple(ids), metaphor))
        self._automaton.make_automaton()
        self._native = native_core(ruleset, self._rules, table, context) if native else None

    @classmethod
    def load(cls, rules_path: Path | None = None) -> EscalationDetector:
        """Build from the packaged rules, or an operator's file (raises ``RulesError``)."""
        return cls(load_ruleset(rules_path))

    @property
    def rules_version(self) -> str:
        """``<name>@<version>`` of the loaded rules."""
        return self.ruleset.label

    @property
    def native(self) -> bool:
        """True when the native core does the per-article work."""
        return self._native is not None

    def detect(self, article: TaggedArticle) -> Detection | None:
        """Escalation categories with evidence, severity and dyad; None when nothing matched."""
        core = self._native
        if core is None:
            return self.detect_reference(article)
        return detection_of(core.detect_article(article), self._label)

    def detect_reference(self, article: TaggedArticle) -> Detection | None:
        """``detect`` in pure Python: the reference the native core is checked against."""
        fields: tuple[tuple[TextField, str], ...] = (
            ("title", article.title),
            ("body", article.body),
        )
        found = [(field, text, *self._triggers(text)) for field, text in fields if text]
        if not any(triggers for _, _, _, triggers, _ in found):
            return None  # most articles of a stream: no trigger word at all
        mentions = MentionIndex(
            [(m.field, m.start, actor.code) for actor in article.actors for m in actor.mentions]
        )
        year = article.published_at.year
        hits: list[Hit] = []
        for field, text, lowered, triggers, metaphors in found:
            if triggers:
                hits.extend(self._check(field, text, lowered, triggers, metaphors, mentions, year))
        hits = drop_framed(dedupe(hits))
        if not hits:
            return None
        weak = self._weak_context(article)
        spec = self.ruleset.severity
        scope = scope_of(hits, mentions, article.topics, spec.scope)
        severity = bound(severity_of(hits, self.ruleset, weak), scope, spec.scope, spec.bands)
        return Detection(
            categories=categories_of(hits, self._order),
            severity=severity,
            severity_level=level_of(severity, self.ruleset),
            dyad=dyad_of(hits, mentions, [actor.code for actor in article.actors]),
            rules_version=self.ruleset.label,
        )

    def _weak_context(self, article: TaggedArticle) -> bool:
        """Sport/business/tech/arts article naming no country: evidence counts for less."""
        if article.actors or not article.topics:
            return False
        return article.topics[0].code in self._weak_topics

    def _triggers(self, text: str) -> tuple[str, list[Found], list[tuple[int, int]]]:
        """The lower-cased text, its triggers and the metaphor spans, from one pass."""
        lowered = lower_keep_length(text)
        found: list[Found] = []
        metaphors: list[tuple[int, int]] = []
        for last, (length, rule_ids, metaphor) in self._automaton.iter(spaced(lowered)):
            start, end = last - length + 1, last - 1
            if metaphor:
                metaphors.append((start, end))
            if rule_ids:
                found.append((start, end, rule_ids))
        return lowered, found, metaphors

    def _check(
        self,
        field: TextField,
        text: str,
        lowered: str,
        found: list[Found],
        metaphors: list[tuple[int, int]],
        mentions: MentionIndex,
        year: int,
    ) -> list[Hit]:
        """Hits of the triggers that pass their rules' conditions and the context cues."""
        sentences = SentenceFinder(text)
        question_title = field == "title" and text.rstrip().endswith("?")
        severity = self.ruleset.severity
        hits: list[Hit] = []
        current, low, context, armed = -1, "", list[ContextMatch](), False
        figurative = SpanSet(metaphors) if metaphors else None
        for start, end, rule_ids in found:
            if figurative is not None and figurative.overlaps(start, end):
                continue
            s_start, s_end = sentences.at(start)
            if end > s_end:
                continue
            if s_start != current:
                current, low = s_start, lowered[s_start:s_end]
                context = self._context.matches(low)
                armed = any(m.cues & ARMED for m in context)
            window = Window(low, start - s_start, end - s_start)
            candidates = []
            for index in rule_ids:
                rule = self._rules[index]
                if rule.spec.needs_actor and not mentions.names_any(field, s_start, s_end):
                    continue
                if rule.spec.unless and vetoed(rule, window, context):
                    continue
                extent = near_extent(rule, window, context)
                if extent is not None:
                    candidates.append((rule, extent))
            if not candidates:
                continue
            reason, hedged, modified = self.cues.check(window, context, year)
            if reason == "resolution":
                # A release, offer or condolence reframes material acts ("freed the
                # activists it arrested"); a demand or rejection around it still stands.
                candidates = [c for c in candidates if c[0].category.quad_class == 3]
            elif reason is not None:
                continue
            hedged = question_title or hedged
            lead = field == "title" or s_start <= sentences.lead_end(severity.lead_sentences)
            factor = severity.hedge_factor if hedged else 1.0
            sentence = text[s_start:s_end]
            for rule, (ss, se) in candidates:
                hits.append(
                    Hit(
                        rule=rule.spec,
                        category=rule.category,
                        weight=rule.weight * factor,
                        hedged=hedged,
                        modified=modified,
                        armed=armed,
                        lead=lead,
                        field=field,
                        start=s_start + ss,
                        end=s_start + se,
                        trigger_start=start,
                        trigger_end=end,
                        phrase=text[s_start + ss : s_start + se],
                        sentence=snippet(sentence, ss, se),
                        sentence_start=s_start,
                        sentence_end=s_end,
                    )
                )
        return hits


def _trigger_table(ruleset: RuleSet) -> TriggerTable:
    """Padded trigger keys with their rule indexes and whether they are metaphors. Keys are
    padded with spaces and the text has its punctuation turned into spaces (length-
    preserving), so the automaton only reports whole words: far fewer matches than raw
    substrings ("end" in "weekend") and no boundary checks afterwards."""
    table: TriggerTable = {}
    for index, spec in enumerate(ruleset.rules):
        for term in spec.terms:
            for form in expand(term):
                ids, _ = table.setdefault(key(form), ([], False))
                if index not in ids:
                    ids.append(index)
    for phrase in ruleset.cues.metaphor:
        for form in expand(phrase):
            ids, _ = table.get(key(form), ([], False))
            table[key(form)] = (ids, True)
    return table
