//! The per-field work of the detect stage: trigger keys found on the spaced text, context
//! phrases on the folded text, then each trigger checked in its sentence: the rule's actor,
//! `unless` and `near` conditions, and the cues (negation, denial, de-escalation, resolution,
//! reported history, hedges, strong modifiers). Every trigger that passes a rule's conditions
//! becomes a `Hit`, cancelled or not (the judgement drops cancelled ones).

use std::cell::OnceCell;
use std::sync::LazyLock;

use regex::Regex;

use super::field::{spaced, Field};
use super::rules::{
    Direction, Rule, Tables, ARMED, DEESCALATION, DENIAL, HEDGE, HISTORY, MODIFIER, NEGATION,
    RESOLUTION,
};
use crate::text::matches_at;

/// Why a trigger reports no new escalation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reason {
    Negation,
    Denial,
    Deescalation,
    Resolution,
    History,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Negation => "negation",
            Reason::Denial => "denial",
            Reason::Deescalation => "deescalation",
            Reason::Resolution => "resolution",
            Reason::History => "history",
        }
    }
}

/// One match of a rule in a sentence, with everything the judgement reads. Offsets are
/// character offsets in the field.
#[derive(Clone, Debug)]
pub struct Hit {
    pub rule: usize,
    pub category: usize,
    /// The rule's weight, times the hedge factor when hedged.
    pub weight: f64,
    pub title: bool,
    pub start: usize,
    pub end: usize,
    pub trigger_start: usize,
    pub trigger_end: usize,
    pub sentence: usize,
    pub sentence_start: usize,
    pub sentence_end: usize,
    /// In the title or the first sentences of the body.
    pub lead: bool,
    pub hedged: bool,
    pub cancelled: Option<Reason>,
    /// A strong modifier ("all", "military") sits next to the trigger.
    pub modified: bool,
    /// An armed force or group is named in the sentence.
    pub armed: bool,
}

/// A context phrase in a field: character offsets and its entry.
#[derive(Clone, Copy)]
struct Phrase {
    start: usize,
    end: usize,
    entry: usize,
}

/// Word windows around a trigger in its sentence: the words are what splitting the folded
/// sentence on single spaces gives, the trigger's own leading or trailing space counting as a
/// split.
struct Window<'a> {
    spaces: &'a [usize],
    sentence: (usize, usize),
    start: usize,
    end: usize,
    lead: usize,
    trail: usize,
}

impl Window<'_> {
    fn count(&self, from: usize, to: usize) -> usize {
        let below = |x: usize| self.spaces.partition_point(|&p| p < x);
        if to <= from {
            0
        } else {
            below(to) - below(from)
        }
    }

    /// True when `[offset, start)` lies within the `count` words before the trigger.
    fn reaches_back(&self, offset: usize, count: usize) -> bool {
        offset >= self.start || self.count(offset, self.start) < count + self.lead
    }

    /// True when `[end, offset)` lies within the `count` words after the trigger.
    fn reaches_ahead(&self, offset: usize, count: usize) -> bool {
        offset <= self.end || self.count(self.end, offset) < count + self.trail
    }

    /// Start of the `count` words before the trigger (a space, or the sentence start).
    fn before(&self, count: usize) -> usize {
        let splits = count + self.lead;
        let earlier = self.spaces.partition_point(|&p| p < self.start);
        match splits {
            0 => self.start,
            _ if splits > earlier => self.sentence.0,
            _ => self.spaces[earlier - splits],
        }
    }

    /// End of the `count` words after the trigger (a space, or the sentence end).
    fn after(&self, count: usize) -> usize {
        let splits = count + self.trail;
        if splits == 0 {
            return self.end;
        }
        let first = self.spaces.partition_point(|&p| p < self.end);
        self.spaces.get(first + splits - 1).copied().unwrap_or(self.sentence.1)
    }
}

/// A trigger key found in a field: character offsets of its words, its entry.
pub type Trigger = (usize, usize, usize);

/// The trigger keys of a field's text (metaphors included), by end, the longest first; empty
/// when none of them has a rule (most articles: nothing more is done with them).
pub fn triggers(tables: &Tables, text: &str) -> Vec<Trigger> {
    let spaced = spaced(text);
    let bytes = spaced.as_bytes();
    // Keys are padded with spaces: a match runs from the space before its first word to the
    // space after its last (one character off for the padding). Byte offsets become character
    // offsets only for the matches (a cursor that moves forward with the words).
    let mut found: Vec<Trigger> = Vec::new();
    let (mut cursor_byte, mut cursor_char) = (0, 0);
    let mut at = 0; // byte offset of the space before the current word
    while at + 1 < bytes.len() {
        let start = at + 1;
        let end = start + bytes[start..].iter().position(|&b| b == b' ').unwrap_or(0);
        // A key begins here only if it is this word alone, or if its first two words are
        // this word and the next (a single space apart): the automaton runs only then.
        let begins_key = end > start
            && tables.trigger_head_pairs.may_begin(bytes, start)
            && tables.trigger_heads.get(&spaced[start..end]).is_some_and(|head| {
                head.alone
                    || (head.longer && bytes.get(end + 1).is_some_and(|&b| b != b' ') && {
                        let next = end + 1;
                        let stop =
                            next + bytes[next..].iter().position(|&b| b == b' ').unwrap_or(0);
                        tables.trigger_bigrams.contains(&spaced[start..stop])
                    })
            });
        if begins_key {
            cursor_char += spaced[cursor_byte..at].chars().count();
            cursor_byte = at;
            // Overlapping matches include keys that end a longer one (" strikes " in
            // " air strikes "): their start is not `at`.
            for m in matches_at(&tables.triggers, &spaced, at) {
                let start = cursor_char + spaced[at..m.start()].chars().count();
                let end = start + spaced[m.start()..m.end()].chars().count() - 2;
                found.push((start, end, m.pattern().as_usize()));
            }
        }
        at = end;
    }
    if !found.iter().any(|&(_, _, key)| !tables.trigger_entries[key].rules.is_empty()) {
        return Vec::new();
    }
    found.sort_unstable();
    found.sort_by_key(|&(_, end, _)| end);
    found
}

/// The hits of one field's triggers. `mention_starts`: where actors are named in it (sorted);
/// `year`: the article's publication year (explicit years are judged against it).
pub fn scan(
    tables: &Tables,
    field: &Field<'_>,
    triggers: &[Trigger],
    mention_starts: &[usize],
    year: i64,
) -> Vec<Hit> {
    let metaphors: Vec<(usize, usize)> = triggers
        .iter()
        .filter(|&&(_, _, key)| tables.trigger_entries[key].metaphor)
        .map(|&(start, end, _)| (start, end))
        .collect();
    let sentences = field.sentences();
    // Context phrases are looked for only in the sentences that hold a trigger (and those a
    // rule's `near` looks back on), once each.
    let phrases_of: Vec<OnceCell<Vec<Phrase>>> = vec![OnceCell::new(); sentences.len()];
    let lead_end =
        sentences.get(tables.severity.lead_sentences - 1).map_or(field.text.chars, |s| s.0);
    let question_title = field.title && field.text.text.trim_end().ends_with('?');
    let mut hits = Vec::new();
    for &(start, end, key) in triggers {
        let rules = &tables.trigger_entries[key].rules;
        if rules.is_empty() || metaphors.iter().any(|&(s, e)| s < end && start < e) {
            continue;
        }
        // A trigger starts with a letter or digit, so inside a sentence; one that runs past
        // its sentence's end is not checked.
        let index = sentences.partition_point(|s| s.1 <= start);
        let Some(&(s0, s1)) = sentences.get(index) else { continue };
        if end > s1 || start < s0 {
            continue;
        }
        let names_actor = {
            let low = mention_starts.partition_point(|&m| m < s0);
            mention_starts.get(low).is_some_and(|&m| m < s1)
        };
        let context: &[Phrase] =
            phrases_of[index].get_or_init(|| context_phrases(tables, field, (s0, s1)));
        let armed = context.iter().any(|p| tables.context_entries[p.entry].cues & ARMED != 0);
        let spaces_from = field.spaces.partition_point(|&p| p < s0);
        let spaces_to = field.spaces.partition_point(|&p| p < s1);
        let window = Window {
            spaces: &field.spaces[spaces_from..spaces_to],
            sentence: (s0, s1),
            start,
            end,
            lead: usize::from(start > s0 && field.spaces.binary_search(&(start - 1)).is_ok()),
            trail: usize::from(end < s1 && field.spaces.binary_search(&end).is_ok()),
        };
        let candidates: Vec<(usize, (usize, usize))> = rules
            .iter()
            .filter(|&&index| !tables.rules[index].needs_actor || names_actor)
            .filter(|&&index| !vetoed(tables, index, &window, context))
            .filter_map(|&rule| {
                near_extent(tables, rule, &window, context)
                    .or_else(|| {
                        near_in_earlier_sentences(
                            tables,
                            rule,
                            field,
                            &sentences,
                            &phrases_of,
                            index,
                        )
                        .then_some((start, end))
                    })
                    .map(|extent| (rule, extent))
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let cues = check_cues(tables, field, &window, context, year);
        let hedged = question_title || cues.hedged;
        let factor = if hedged { tables.severity.hedge_factor } else { 1.0 };
        for (rule_index, (from, to)) in candidates {
            let rule = &tables.rules[rule_index];
            // A release, offer or condolence reframes material acts ("freed the activists it
            // arrested"); a demand or rejection around it still stands.
            let cancelled = match cues.reason {
                Some(Reason::Resolution) if tables.categories[rule.category].quad_class == 3 => {
                    None
                }
                reason => reason,
            };
            hits.push(Hit {
                rule: rule_index,
                category: rule.category,
                weight: rule.weight * factor,
                title: field.title,
                start: from,
                end: to,
                trigger_start: start,
                trigger_end: end,
                sentence: index,
                sentence_start: s0,
                sentence_end: s1,
                lead: field.title || s0 <= lead_end,
                hedged,
                cancelled,
                modified: cues.modified,
                armed,
            });
        }
    }
    hits
}

/// The whole-word context phrases of a sentence (character offsets in the field).
fn context_phrases(tables: &Tables, field: &Field<'_>, (s0, s1): (usize, usize)) -> Vec<Phrase> {
    let offset = field.folded_map.byte_at(s0);
    let sentence = field.folded_slice(s0, s1);
    tables
        .context
        .find_overlapping_iter(sentence)
        .filter_map(|m| {
            let start = field.folded_map.char_at(offset + m.start());
            let end = field.folded_map.char_at(offset + m.end());
            let entry = m.pattern().as_usize();
            let glued = tables.context_entries[entry].glued;
            let whole =
                (glued || start == 0 || !field.is_word_at(start - 1)) && !field.is_word_at(end);
            whole.then_some(Phrase { start, end, entry })
        })
        .collect()
}

/// Whether a rule's `near` word stands in one of the `near_sentences` sentences before
/// sentence `at` (rules whose word must come after the trigger never look back). The evidence
/// is then the trigger alone.
fn near_in_earlier_sentences(
    tables: &Tables,
    index: usize,
    field: &Field<'_>,
    sentences: &[(usize, usize)],
    phrases_of: &[OnceCell<Vec<Phrase>>],
    at: usize,
) -> bool {
    let rule = &tables.rules[index];
    if !rule.has_near || rule.near_sentences == 0 || rule.direction == Direction::After {
        return false;
    }
    (at.saturating_sub(rule.near_sentences)..at).any(|earlier| {
        phrases_of[earlier]
            .get_or_init(|| context_phrases(tables, field, sentences[earlier]))
            .iter()
            .any(|p| tables.context_entries[p.entry].near.contains(&index))
    })
}

/// A rule's `unless` word in its window (or anywhere in the sentence) vetoes it.
fn vetoed(tables: &Tables, index: usize, window: &Window<'_>, context: &[Phrase]) -> bool {
    let size = tables.rules[index].unless_window;
    context.iter().any(|p| {
        tables.context_entries[p.entry].unless.contains(&index)
            && (size == 0
                || (window.reaches_back(p.start, size) && window.reaches_ahead(p.end, size)))
    })
}

/// The evidence span: the trigger, stretched to its required nearby word if any (the first
/// one after it, else the last one before it, within the rule's window).
fn near_extent(
    tables: &Tables,
    index: usize,
    window: &Window<'_>,
    context: &[Phrase],
) -> Option<(usize, usize)> {
    let rule: &Rule = &tables.rules[index];
    let (ts, te) = (window.start, window.end);
    if !rule.has_near {
        return Some((ts, te));
    }
    let near = |p: &&Phrase| tables.context_entries[p.entry].near.contains(&index);
    if rule.direction != Direction::Before {
        let ahead = context
            .iter()
            .filter(near)
            .filter(|p| p.start >= te && window.reaches_ahead(p.end, rule.window))
            .map(|p| (p.start, p.end))
            .min();
        if let Some((_, end)) = ahead {
            return Some((ts, end));
        }
    }
    if rule.direction != Direction::After {
        let back = context
            .iter()
            .filter(near)
            .filter(|p| p.end <= ts && window.reaches_back(p.start, rule.window))
            .map(|p| (p.start, p.end))
            .max();
        if let Some((start, _)) = back {
            return Some((start, te));
        }
    }
    None
}

struct CueOutcome {
    reason: Option<Reason>,
    hedged: bool,
    modified: bool,
}

fn check_cues(
    tables: &Tables,
    field: &Field<'_>,
    window: &Window<'_>,
    context: &[Phrase],
    year: i64,
) -> CueOutcome {
    let cues = &tables.cues;
    let (ts, te) = (window.start, window.end);
    let kind = |p: &Phrase, bit: u32| tables.context_entries[p.entry].cues & bit != 0;
    let back = |p: &Phrase, count: usize| window.reaches_back(p.start, count);
    let ahead = |p: &Phrase, count: usize| window.reaches_ahead(p.end, count);
    let prior = |bit: u32, count: usize| {
        context.iter().any(|p| p.end <= ts && kind(p, bit) && back(p, count))
    };
    let reason = if prior(NEGATION, cues.negation) {
        Some(Reason::Negation)
    } else if prior(DENIAL, cues.denial) {
        Some(Reason::Denial)
    } else if prior(DEESCALATION, cues.deescalation) {
        Some(Reason::Deescalation)
    } else if context.iter().any(|p| {
        kind(p, RESOLUTION)
            && ((p.end <= ts && back(p, cues.resolution_before))
                || (p.start >= te && ahead(p, cues.resolution_after)))
    }) {
        Some(Reason::Resolution)
    } else if context.iter().any(|p| {
        kind(p, HISTORY)
            && (p.end <= ts || p.start >= ts) // the window joins at the trigger
            && back(p, cues.history)
            && ahead(p, cues.history)
    }) {
        Some(Reason::History)
    } else {
        let (first, last) = (window.before(cues.history), window.after(cues.history));
        let words = format!("{} {}", field.folded_slice(first, ts), field.folded_slice(ts, last));
        reported_history(&words, year).then_some(Reason::History)
    };
    let hedged = field.folded_slice(window.sentence.0, window.sentence.1).ends_with('?')
        || context.iter().any(|p| kind(p, HEDGE) && p.end <= ts && back(p, cues.hedge));
    let modified = context
        .iter()
        .any(|p| kind(p, MODIFIER) && back(p, cues.modifier) && ahead(p, cues.modifier));
    CueOutcome { reason, hedged, modified }
}

const YEAR: &str = "((?:1[6-9]|20)[0-9][0-9])";
static BARE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"\b(in|during|until|till)\s+(?:early\s+|late\s+|mid-?)?(?:the\s+year\s+)?{YEAR}\b"
    );
    Regex::new(&pattern).expect("a valid pattern")
});
static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"\b(?:from\s+|between\s+)?{YEAR}\s*(?:-|–|—|to|and|until)\s*((?:1[6-9]|20)?[0-9][0-9])\b"
    );
    Regex::new(&pattern).expect("a valid pattern")
});
static EVENT: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"\b{YEAR}\s+(?:war|wars|invasion|conflict|uprising|revolution|coup|crisis|massacre|genocide|attacks?|bombings?|offensive|intervention|insurgency|occupation)\b"
    );
    Regex::new(&pattern).expect("a valid pattern")
});
static DECADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:the\s+)?(?:(?:1[6-9]|20)[0-9]0s|(?:fifties|sixties|seventies|eighties|nineties))\b",
    )
    .expect("a valid pattern")
});
static ONGOING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:since|still|has been|have been|continues?|continuing|ongoing)\b")
        .expect("a valid pattern")
});
/// Years before publication for a bare year ("in 2019") to count as history.
const CLEARLY_PAST: i64 = 2;

/// True when the folded words around a trigger date it before the article's `year`: a
/// completed span ("1950-53"), a named past event ("the 2003 war"), a decade ("the 1990s"),
/// or a bare "in/during YEAR" at least two years back ("until" one year), unless the act is
/// said to go on ("since 2014", "still").
pub fn reported_history(window: &str, year: i64) -> bool {
    if !window.bytes().any(|b| b.is_ascii_digit()) {
        return window.contains("ties") && DECADE.is_match(window);
    }
    let number = |s: &str| s.parse::<i64>().unwrap_or(i64::MAX);
    for caps in SPAN.captures_iter(window) {
        let (first, last) = (&caps[1], &caps[2]);
        let end =
            if last.len() == 4 { number(last) } else { number(&format!("{}{last}", &first[..2])) };
        if number(first) <= end && end < year {
            return true;
        }
    }
    if EVENT.captures_iter(window).any(|caps| number(&caps[1]) < year) {
        return true;
    }
    if DECADE.is_match(window) {
        return true;
    }
    let ongoing = ONGOING.is_match(window);
    BARE_YEAR.captures_iter(window).any(|caps| {
        let past = year - number(&caps[2]);
        (matches!(&caps[1], "until" | "till") && past >= 1) || (past >= CLEARLY_PAST && !ongoing)
    })
}

#[cfg(test)]
mod tests {
    use super::reported_history;

    #[test]
    fn dates_history() {
        assert!(reported_history("the 1950-53 war ended", 2020));
        assert!(reported_history("troops attacked in 2015", 2020));
        assert!(!reported_history("troops attacked in 2019", 2020));
        assert!(!reported_history("have been attacking since 2014", 2020));
        assert!(reported_history("back in the sixties", 2020));
        assert!(!reported_history("they cut ties", 2020));
    }
}
