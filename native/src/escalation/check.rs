//! The per-field work of the detect stage: the trigger scan (`_triggers`) and the checks of
//! each trigger in its sentence (`_check`): rule conditions, cues, hedges, lead.

use pyo3::prelude::*;

use super::context::{sentence_matches, space_offsets, ContextMatch, Window, ARMED};
use super::cues::{self, Reason};
use super::field::FieldText;
use super::sentences::SentenceFinder;
use super::tables::{Direction, Rule, Tables};
use super::words::PhraseMatch;

/// One match of a rule that passed its checks (the reference's `Hit`, with its strings left
/// to be cut from the field when needed).
#[derive(Clone, Debug)]
pub struct Hit {
    pub rule: usize,
    pub category: usize,
    pub weight: f64,
    pub hedged: bool,
    pub modified: bool,
    pub armed: bool,
    pub lead: bool,
    pub title: bool,
    pub start: usize,
    pub end: usize,
    pub trigger_start: usize,
    pub trigger_end: usize,
    pub sentence_start: usize,
    pub sentence_end: usize,
}

/// A trigger: its offsets in the lower-cased text and its key's index in the tables.
struct Trigger {
    start: usize,
    end: usize,
    key: usize,
}

/// What one scan of a field finds: its triggers, in pyahocorasick's order (by end, then the
/// longest key first: its output links run from the longest suffix to the shortest), its
/// metaphor spans and its context phrases (by start).
struct Found {
    triggers: Vec<Trigger>,
    metaphors: Vec<(usize, usize)>,
    phrases: Vec<PhraseMatch>,
}

fn scan_words(tables: &Tables, field: &FieldText<'_, '_>) -> Found {
    let (keys, phrases) = tables.words.find(&field.spaced, &field.folded);
    // Keys are padded with spaces: in the lower-cased text the word runs from the match's
    // start (its leading space, one off for the padding) to two before its end.
    let mut found: Vec<Trigger> =
        keys.into_iter().map(|m| Trigger { start: m.start, end: m.end - 2, key: m.key }).collect();
    found.sort_by(|a, b| a.end.cmp(&b.end).then(a.start.cmp(&b.start)));
    let mut metaphors = Vec::new();
    let mut triggers = Vec::with_capacity(found.len());
    for trigger in found {
        let entry = &tables.trigger_entries[trigger.key];
        if entry.metaphor {
            metaphors.push((trigger.start, trigger.end));
        }
        if !entry.rules.is_empty() {
            triggers.push(trigger);
        }
    }
    Found { triggers, metaphors, phrases }
}

/// Metaphor spans asked whether any overlaps a range (`textscan.SpanSet`).
struct SpanSet {
    spans: Vec<(usize, usize)>,
    longest: usize,
}

impl SpanSet {
    fn new(mut spans: Vec<(usize, usize)>) -> Self {
        spans.sort_by_key(|span| span.1);
        let longest = spans.iter().map(|(s, e)| e - s).max().unwrap_or(0);
        SpanSet { spans, longest }
    }

    fn overlaps(&self, start: usize, end: usize) -> bool {
        let first = self.spans.partition_point(|span| span.1 <= start);
        for &(span_start, span_end) in &self.spans[first..] {
            if span_end >= end + self.longest {
                return false; // this span and every later one start at or after `end`
            }
            if span_start < end {
                return true;
            }
        }
        false
    }
}

/// What the checks need beyond the field: the starts of its actor mentions (sorted), the
/// publication year and the reference's history check.
pub struct FieldContext<'a> {
    pub mention_starts: &'a [usize],
    pub year: i64,
    pub reported_history: &'a dyn Fn(&str, i64) -> PyResult<bool>,
    /// The reference's `lower_keep_length`, for history windows with non-ASCII characters.
    pub lower: &'a Py<PyAny>,
}

/// The sentence a trigger sits in, with what every trigger in it shares.
struct SentenceState {
    start: usize,
    end: usize,
    spaces: Vec<usize>,
    /// Its context matches and whether they name an armed force, found when first needed.
    context: Option<(Vec<ContextMatch>, bool)>,
}

/// The sentence's context matches and whether they name an armed force, found once.
fn sentence_context<'c>(
    context: &'c mut Option<(Vec<ContextMatch>, bool)>,
    tables: &Tables,
    phrases: &[PhraseMatch],
    (start, end): (usize, usize),
) -> &'c (Vec<ContextMatch>, bool) {
    context.get_or_insert_with(|| {
        let matches = sentence_matches(phrases, &tables.context_entries, start, end);
        let armed = matches.iter().any(|m| m.cues & ARMED != 0);
        (matches, armed)
    })
}

pub fn scan(
    tables: &Tables,
    field: &FieldText<'_, '_>,
    context: &FieldContext<'_>,
) -> PyResult<Vec<Hit>> {
    let Found { triggers, metaphors, phrases } = scan_words(tables, field);
    let mut hits = Vec::new();
    if triggers.is_empty() {
        return Ok(hits);
    }
    let mut sentences = SentenceFinder::new(&field.marks, &field.newlines);
    let question_title = field.title && field.ends_with_question();
    let figurative = (!metaphors.is_empty()).then(|| SpanSet::new(metaphors));
    let severity = &tables.severity;
    let mut current: Option<SentenceState> = None;
    let mut rules: Vec<usize> = Vec::new();
    let mut candidates: Vec<(usize, (usize, usize))> = Vec::new();
    for trigger in &triggers {
        let (start, end) = (trigger.start, trigger.end);
        if figurative.as_ref().is_some_and(|spans| spans.overlaps(start, end)) {
            continue;
        }
        let Some((s_start, s_end)) = sentences.at(start) else {
            return Err(pyo3::exceptions::PyIndexError::new_err("trigger outside any sentence"));
        };
        // A trigger starts with a word character, so inside its sentence; one that runs past
        // the sentence's end is not checked.
        if end > s_end || start < s_start {
            continue;
        }
        if current.as_ref().is_none_or(|state| state.start != s_start) {
            let spaces = space_offsets(&field.folded[s_start..s_end]);
            current = Some(SentenceState { start: s_start, end: s_end, spaces, context: None });
        }
        let Some(state) = current.as_mut() else { continue };
        let folded = &field.folded[state.start..state.end];
        let window = Window::new(folded, &state.spaces, start - s_start, end - s_start);
        rules.clear();
        rules.extend(tables.trigger_entries[trigger.key].rules.iter().copied().filter(|&index| {
            !tables.rules[index].needs_actor || names_any(context.mention_starts, s_start, s_end)
        }));
        if rules.is_empty() {
            continue; // the sentence's context is not needed (yet)
        }
        let span = (state.start, state.end);
        let (matches, armed) = sentence_context(&mut state.context, tables, &phrases, span);
        let armed = *armed;
        candidates.clear();
        for &index in &rules {
            let rule = &tables.rules[index];
            if vetoed(tables, index, rule, &window, matches) {
                continue;
            }
            if let Some(extent) = near_extent(tables, index, rule, &window, matches) {
                candidates.push((index, extent));
            }
        }
        if candidates.is_empty() {
            continue;
        }
        let mut history = |first: usize, last: usize| -> PyResult<bool> {
            let before = field.lowered(s_start + first, start, context.lower)?;
            let after = field.lowered(start, s_start + last, context.lower)?;
            (context.reported_history)(&format!("{before} {after}"), context.year)
        };
        let outcome = cues::check(&tables.cues, &window, matches, folded, &mut history)?;
        match outcome.reason {
            // A release, offer or condolence reframes material acts ("freed the activists
            // it arrested"); a demand or rejection around it still stands.
            Some(Reason::Resolution) => candidates.retain(|&(index, _)| {
                tables.categories[tables.rules[index].category].quad_class == 3
            }),
            Some(_) => continue,
            None => {}
        }
        let hedged = question_title || outcome.hedged;
        let lead = field.title || s_start <= sentences.lead_end(severity.lead_sentences);
        let factor = if hedged { severity.hedge_factor } else { 1.0 };
        for &(index, (ss, se)) in &candidates {
            let rule = &tables.rules[index];
            hits.push(Hit {
                rule: index,
                category: rule.category,
                weight: rule.weight * factor,
                hedged,
                modified: outcome.modified,
                armed,
                lead,
                title: field.title,
                start: s_start + ss,
                end: s_start + se,
                trigger_start: start,
                trigger_end: end,
                sentence_start: s_start,
                sentence_end: s_end,
            });
        }
    }
    Ok(hits)
}

/// True when a mention starts in `[start, end)` (`MentionIndex.names_any`).
fn names_any(starts: &[usize], start: usize, end: usize) -> bool {
    let low = starts.partition_point(|&s| s < start);
    starts.get(low).is_some_and(|&s| s < end)
}

/// A rule's `unless` word in its window (or anywhere in the sentence) vetoes it.
fn vetoed(
    tables: &Tables,
    index: usize,
    rule: &Rule,
    window: &Window<'_>,
    matches: &[ContextMatch],
) -> bool {
    let size = rule.unless_window;
    matches.iter().any(|m| {
        tables.context_entries[m.phrase].unless.contains(&index)
            && (size == 0
                || (window.reaches_back(m.start, size) && window.reaches_ahead(m.end, size)))
    })
}

/// The evidence span: the trigger, stretched to its required nearby word if any (the first
/// one after it, else the last one before it, within the rule's window).
fn near_extent(
    tables: &Tables,
    index: usize,
    rule: &Rule,
    window: &Window<'_>,
    matches: &[ContextMatch],
) -> Option<(usize, usize)> {
    let (ts, te) = (window.start, window.end);
    if !rule.has_near {
        return Some((ts, te));
    }
    let near = |m: &&ContextMatch| tables.context_entries[m.phrase].near.contains(&index);
    if rule.direction != Direction::Before {
        let ahead = matches
            .iter()
            .filter(near)
            .filter(|m| m.start >= te && window.reaches_ahead(m.end, rule.window))
            .map(|m| (m.start, m.end))
            .min();
        if let Some((_, end)) = ahead {
            return Some((ts, end));
        }
    }
    if rule.direction != Direction::After {
        let back = matches
            .iter()
            .filter(near)
            .filter(|m| m.end <= ts && window.reaches_back(m.start, rule.window))
            .map(|m| (m.start, m.end))
            .max();
        if let Some((start, _)) = back {
            return Some((start, te));
        }
    }
    None
}
