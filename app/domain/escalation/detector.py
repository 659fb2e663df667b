"""The detect stage: an Aho-Corasick scan for trigger terms over the lower-cased text, then
context checks only in the sentences that hold a trigger."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from app.domain.escalation.cues import CueChecker, PhraseSet, words_after, words_before
from app.domain.escalation.ruleset import CategorySpec, RuleSet, RuleSpec, expand, load_ruleset
from app.domain.escalation.scoring import (
    Hit,
    Mention,
    categories_of,
    dyad_of,
    level_of,
    severity_of,
)
from app.domain.escalation.textscan import (
    LazySentences,
    key,
    lower_keep_length,
    snippet,
    spaced,
)
from app.domain.findings import Detection
from app.domain.text import Sentence
from schemas import TaggedArticle, TextField


@dataclass(frozen=True, slots=True)
class _Rule:
    spec: RuleSpec
    category: CategorySpec
    weight: float
    near: PhraseSet | None
    unless: PhraseSet | None


class EscalationDetector:
    """Finds escalation language in a tagged article."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.cues = CueChecker(ruleset.cues)
        self._order = {c.id: i for i, c in enumerate(ruleset.categories)}
        categories = {c.id: c for c in ruleset.categories}
        self._rules: list[_Rule] = []
        for spec in ruleset.rules:
            category = categories[spec.category]
            self._rules.append(
                _Rule(
                    spec=spec,
                    category=category,
                    weight=-category.goldstein[spec.cameo] * category.weight,
                    near=PhraseSet(spec.near) if spec.near else None,
                    unless=PhraseSet(spec.unless) if spec.unless else None,
                )
            )
        self._modifiers = PhraseSet(ruleset.severity.modifiers)
        self._weak_topics = frozenset(ruleset.severity.weak_context_topics)
        # Keys are padded with spaces and the text has its punctuation turned into spaces
        # (length-preserving), so the automaton only reports whole words: far fewer matches
        # than raw substrings ("end" in "weekend") and no boundary checks afterwards.
        table: dict[str, tuple[list[int], bool]] = {}
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
        self._automaton = ahocorasick.Automaton()
        for padded, (ids, metaphor) in table.items():
            self._automaton.add_word(padded, (len(padded), tuple(ids), metaphor))
        self._automaton.make_automaton()

    @classmethod
    def load(cls, rules_path: Path | None = None) -> EscalationDetector:
        """Build from the packaged rules, or an operator's file (raises ``RulesError``)."""
        return cls(load_ruleset(rules_path))

    @property
    def rules_version(self) -> str:
        """``<name>@<version>`` of the loaded rules."""
        return self.ruleset.label

    def detect(self, article: TaggedArticle) -> Detection | None:
        """Escalation categories with evidence, severity and dyad; None when nothing matched."""
        mentions: list[Mention] = sorted(
            (m.field, m.start, actor.code) for actor in article.actors for m in actor.mentions
        )
        year = article.published_at.year
        hits: list[Hit] = []
        fields: tuple[tuple[TextField, str], ...] = (
            ("title", article.title),
            ("body", article.body),
        )
        for field, text in fields:
            if text:
                hits.extend(self._scan(field, text, mentions, year))
        hits = _drop_framed(_dedupe(hits))
        if not hits:
            return None
        weak = self._weak_context(article)
        severity = severity_of(hits, self.ruleset, weak)
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

    def _scan(self, field: TextField, text: str, mentions: list[Mention], year: int) -> list[Hit]:
        lowered = lower_keep_length(text)
        found = []
        metaphors = []
        for last, (length, rule_ids, metaphor) in self._automaton.iter(spaced(lowered)):
            start, end = last - length + 1, last - 1
            if metaphor:
                metaphors.append((start, end))
            if rule_ids:
                found.append((start, end, rule_ids))
        if not found:
            return []
        sentences = LazySentences(text)
        question_title = field == "title" and text.rstrip().endswith("?")
        lead_sentences = self.ruleset.severity.lead_sentences
        hits: list[Hit] = []
        for start, end, rule_ids in found:
            if metaphors and any(s < end and start < e for s, e in metaphors):
                continue
            sentence = sentences.at(start)
            if sentence is None or end > sentence.end:
                continue
            low = lowered[sentence.start : sentence.end]
            ts, te = start - sentence.start, end - sentence.start
            candidates = []
            for index in rule_ids:
                rule = self._rules[index]
                if rule.spec.needs_actor and not _has_actor(mentions, field, sentence):
                    continue
                if rule.unless is not None and _vetoed(rule, low, ts, te):
                    continue
                extent = _near_extent(rule, low, ts, te)
                if extent is not None:
                    candidates.append((rule, extent))
            if not candidates:
                continue
            reason = self.cues.cancelled(low, ts, te, year)
            if reason == "resolution":
                # A release, offer or condolence reframes material acts ("freed the
                # activists it arrested"); a demand or rejection around it still stands.
                candidates = [c for c in candidates if c[0].category.quad_class == 3]
            elif reason is not None:
                continue
            hedged = question_title or self.cues.hedged(low, ts)
            modified = self._modified(low, ts, te)
            lead = field == "title" or sentences.is_lead(sentence, lead_sentences)
            factor = self.ruleset.severity.hedge_factor if hedged else 1.0
            for rule, (ss, se) in candidates:
                hits.append(
                    Hit(
                        rule=rule.spec,
                        category=rule.category,
                        weight=rule.weight * factor,
                        hedged=hedged,
                        modified=modified,
                        lead=lead,
                        field=field,
                        start=sentence.start + ss,
                        end=sentence.start + se,
                        trigger_start=start,
                        trigger_end=end,
                        phrase=text[sentence.start + ss : sentence.start + se],
                        sentence=snippet(sentence, ss, se),
                        sentence_start=sentence.start,
                        sentence_end=sentence.end,
                    )
                )
        return hits

    def _modified(self, low: str, ts: int, te: int) -> bool:
        window_size = self.ruleset.severity.modifier_window
        window = words_before(low, ts, window_size) + low[ts:te] + words_after(low, te, window_size)
        return self._modifiers.search(window)


def _near_extent(rule: _Rule, low: str, ts: int, te: int) -> tuple[int, int] | None:
    """The evidence span: the trigger, stretched to its required nearby word if any."""
    if rule.near is None:
        return ts, te
    direction = rule.spec.direction
    best: tuple[int, int] | None = None
    if direction in ("after", "any"):
        after = words_after(low, te, rule.spec.window)
        spans = rule.near.spans(after)
        if spans:
            best = ts, te + min(spans)[1]
    if best is None and direction in ("before", "any"):
        before = words_before(low, ts, rule.spec.window)
        spans = rule.near.spans(before)
        if spans:
            best = ts - len(before) + max(spans)[0], te
    return best


def _vetoed(rule: _Rule, low: str, ts: int, te: int) -> bool:
    """A rule's ``unless`` word in its window (or anywhere in the sentence) vetoes it."""
    assert rule.unless is not None
    size = rule.spec.unless_window
    if size == 0:
        return rule.unless.search(low)
    window = words_before(low, ts, size) + low[ts:te] + words_after(low, te, size)
    return rule.unless.search(window)


def _has_actor(mentions: list[Mention], field: TextField, sentence: Sentence) -> bool:
    return any(f == field and sentence.start <= s < sentence.end for f, s, _ in mentions)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per category and trigger: the most severe (then most specific) rule."""
    best: dict[tuple[str, str, int], Hit] = {}
    for hit in hits:
        key = (hit.category.id, hit.field, hit.trigger_start)
        current = best.get(key)
        if current is None or (hit.weight, len(hit.rule.cameo)) > (
            current.weight,
            len(current.rule.cameo),
        ):
            best[key] = hit
    kept = list(best.values())
    # A shorter match inside a longer one of the same category adds nothing to explain.
    return [
        hit
        for hit in kept
        if not any(
            other is not hit
            and other.category.id == hit.category.id
            and other.field == hit.field
            and other.start <= hit.start
            and hit.end <= other.end
            and (other.end - other.start) > (hit.end - hit.start)
            for other in kept
        )
    ]


def _drop_framed(hits: list[Hit]) -> list[Hit]:
    """Drop a trigger that is the object of a verbal frame: the "sanctions" in "threatened
    sanctions" or the "attacking" in "accused X of attacking" are not events of their own."""
    frames = [
        h for h in hits if h.category.quad_class == 3 and h.rule.near and h.end > h.trigger_end
    ]
    if not frames:
        return hits
    return [
        hit
        for hit in hits
        if not any(
            f is not hit
            and f.field == hit.field
            and f.trigger_end <= hit.trigger_start < f.end
            and f.category.id != hit.category.id
            for f in frames
        )
    ]
