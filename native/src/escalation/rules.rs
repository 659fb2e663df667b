//! The escalation rules as the engine uses them, read BY NAME from the validated rules file
//! (`RuleSet.model_dump()`, app/domain/escalation/ruleset.py holds its schema): the term
//! syntax expanded, trigger keys and context phrases compiled into two Aho-Corasick automata,
//! and per rule, category and cue the attributes the checks read.
//!
//! A new rule attribute: a field in ruleset.py's schema, a field of `Rule` read here with
//! `get!`, and its use in scan.rs or judgement.rs.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use regex::Regex;

use super::verdict::{JudgementTables, CUE_KINDS};
use crate::text::{fold, PairFilter};

/// `get!(dict, "key")`: the value under `key`, extracted, or a ValueError naming the key.
macro_rules! get {
    ($dict:expr, $key:literal) => {
        $dict
            .get_item(intern!($dict.py(), $key))
            .and_then(|v| v.extract())
            .map_err(|e| PyValueError::new_err(format!("escalation rules: {}: {}", $key, e)))?
    };
}

// Cue kinds of a context phrase, as bits.
pub const NEGATION: u32 = 1;
pub const DENIAL: u32 = 1 << 1;
pub const DEESCALATION: u32 = 1 << 2;
pub const RESOLUTION: u32 = 1 << 3;
pub const HISTORY: u32 = 1 << 4;
pub const HEDGE: u32 = 1 << 5;
pub const MODIFIER: u32 = 1 << 6;
pub const ARMED: u32 = 1 << 7;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
    Any,
}

pub struct Rule {
    pub id: String,
    pub category: usize,
    pub cameo: String,
    pub goldstein: f64,
    /// The severity one match supports: -Goldstein x the category's weight.
    pub weight: f64,
    pub needs_actor: bool,
    pub has_near: bool,
    pub window: usize,
    pub direction: Direction,
    /// 0: the whole sentence.
    pub unless_window: usize,
    /// How many sentences before the trigger's may hold its `near` word (0: its own only).
    pub near_sentences: usize,
    /// Its code escalates between states (severity scope).
    pub interstate: bool,
    /// Rank of the id in sorted order: evidence is sorted by id.
    pub id_rank: usize,
}

pub struct Category {
    pub id: String,
    pub plover_type: String,
    pub quad_class: u8,
    pub violent: bool,
}

/// Word windows of the cues (words before the trigger unless said otherwise).
pub struct Cues {
    pub negation: usize,
    pub denial: usize,
    pub deescalation: usize,
    pub resolution_before: usize,
    pub resolution_after: usize,
    pub history: usize,
    pub hedge: usize,
    pub modifier: usize,
}

pub struct Severity {
    pub hedge_factor: f64,
    pub weak_context_factor: f64,
    pub weak_context_topics: Vec<String>,
    pub background_factor: f64,
    pub lead_sentences: usize,
    pub category_boost: f64,
    pub max_category_boost: f64,
    pub modifier_boost: f64,
    pub medium: f64,
    pub high: f64,
    pub critical: f64,
    pub mass_casualties: u64,
    pub interstate_floor: f64,
    pub domestic_cap: f64,
    pub national_cap: f64,
    pub conflict_topic: String,
    pub crime_topic: String,
}

pub struct TriggerEntry {
    pub rules: Vec<usize>,
    pub metaphor: bool,
}

/// What a word that begins a trigger key begins: a key of that word alone, longer keys, or
/// both.
#[derive(Clone, Copy, Default)]
pub struct Head {
    pub alone: bool,
    pub longer: bool,
}

pub struct ContextEntry {
    pub cues: u32,
    pub near: Vec<usize>,
    pub unless: Vec<usize>,
    /// "n't" attaches to its verb ("didn't"): no word boundary on its left.
    pub glued: bool,
}

pub struct Tables {
    pub label: String,
    /// Trigger keys (" cut ties ") over the spaced text (scan.rs), searched anchored at the
    /// words that begin a key (`trigger_heads`): a step of the automaton per byte of the whole
    /// text costs a cache miss each.
    pub triggers: AhoCorasick,
    pub trigger_heads: hashbrown::HashMap<String, Head>,
    /// The first two words of the keys of two words or more ("cut ties"): "the" or "to"
    /// begin keys, but few of their uses are followed by a key's second word.
    pub trigger_bigrams: hashbrown::HashSet<String>,
    /// The first two bytes of the heads (a word followed by its space): most words of a text
    /// begin no key, and need no hash look-up.
    pub trigger_head_pairs: PairFilter,
    pub trigger_entries: Vec<TriggerEntry>,
    /// Context phrases over the folded text.
    pub context: AhoCorasick,
    pub context_entries: Vec<ContextEntry>,
    pub rules: Vec<Rule>,
    pub categories: Vec<Category>,
    pub cues: Cues,
    pub severity: Severity,
    pub judgement: JudgementTables,
}

fn invalid(message: String) -> PyErr {
    PyValueError::new_err(format!("escalation rules: {message}"))
}

/// All surface forms of a term, lower-cased, in a stable order: `{verb}` expands to the verb's
/// regular forms, `{verb+}` doubles the last consonant, `{a|b|c}` lists alternatives.
pub fn expand(term: &str) -> Vec<String> {
    let group = Regex::new(r"\{([^{}]+)\}").expect("a valid pattern");
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut position = 0;
    for caps in group.captures_iter(term) {
        let (whole, inner) = (caps.get(0).expect("group 0"), &caps[1]);
        parts.push(vec![term[position..whole.start()].to_owned()]);
        parts.push(if inner.contains('|') {
            inner.split('|').map(str::to_owned).collect()
        } else {
            inflect(inner)
        });
        position = whole.end();
    }
    parts.push(vec![term[position..].to_owned()]);
    let mut forms = vec![String::new()];
    for part in parts {
        forms = forms.iter().flat_map(|f| part.iter().map(move |p| format!("{f}{p}"))).collect();
    }
    let mut expanded: Vec<String> = Vec::new();
    for form in forms {
        let form = form.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if !form.is_empty() && !expanded.contains(&form) {
            expanded.push(form);
        }
    }
    expanded
}

/// Regular forms of a verb or noun: base, -s, -ed, -ing (`+` doubles the consonant).
pub fn inflect(verb: &str) -> Vec<String> {
    let double = verb.ends_with('+');
    let word = verb.trim_end_matches('+').trim();
    if let Some((head, last)) = word.rsplit_once(' ') {
        let last = if double { format!("{last}+") } else { last.to_owned() };
        return inflect(&last).into_iter().map(|form| format!("{head} {form}")).collect();
    }
    let chars: Vec<char> = word.chars().collect();
    let forms = |stem: &str, s: &str, ed: &str, ing: &str| {
        vec![word.to_owned(), format!("{word}{s}"), format!("{stem}{ed}"), format!("{stem}{ing}")]
    };
    let cut: String = chars[..chars.len().saturating_sub(1)].iter().collect();
    if word.ends_with('e') {
        return vec![word.to_owned(), format!("{word}s"), format!("{word}d"), format!("{cut}ing")];
    }
    if word.ends_with('y') && chars.len() > 1 && !"aeiou".contains(chars[chars.len() - 2]) {
        return vec![
            word.to_owned(),
            format!("{cut}ies"),
            format!("{cut}ied"),
            format!("{word}ing"),
        ];
    }
    if ["s", "sh", "ch", "x", "z"].iter().any(|end| word.ends_with(end)) {
        return forms(word, "es", "ed", "ing");
    }
    let stem = match chars.last() {
        Some(last) if double => format!("{word}{last}"),
        _ => word.to_owned(),
    };
    vec![word.to_owned(), format!("{word}s"), format!("{stem}ed"), format!("{stem}ing")]
}

/// A trigger key: the form's words (runs of letters and digits, folded) between single spaces,
/// padded (" cut ties "); None when the form holds no word.
fn trigger_key(form: &str) -> Option<String> {
    let spaced: String =
        form.chars().map(|c| if c.is_alphanumeric() { fold(c) } else { ' ' }).collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    (!words.is_empty()).then(|| format!(" {} ", words.join(" ")))
}

fn automaton(keys: &[String], what: &str) -> PyResult<AhoCorasick> {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .start_kind(StartKind::Both)
        .build(keys)
        .map_err(|e| invalid(format!("{what}: {e}")))
}

/// The expanded forms of every term of a list; an error for a term that expands to nothing.
fn forms_of(terms: &[String], owner: &str) -> PyResult<Vec<String>> {
    let mut forms = Vec::new();
    for term in terms {
        let expanded = expand(term);
        if expanded.is_empty() {
            return Err(invalid(format!("{owner}: term {term:?} expands to nothing")));
        }
        forms.extend(expanded);
    }
    Ok(forms)
}

/// Context phrases: folded form -> its entry.
#[derive(Default)]
struct ContextTable {
    index: HashMap<String, usize>,
    keys: Vec<String>,
    entries: Vec<ContextEntry>,
}

impl ContextTable {
    fn entry(&mut self, form: &str) -> &mut ContextEntry {
        let key: String = form.chars().map(fold).collect();
        let at = *self.index.entry(key.clone()).or_insert_with(|| {
            self.keys.push(key.clone());
            self.entries.push(ContextEntry {
                cues: 0,
                near: Vec::new(),
                unless: Vec::new(),
                glued: key.starts_with("n'"),
            });
            self.entries.len() - 1
        });
        &mut self.entries[at]
    }
}

impl Tables {
    pub fn new(rules: &Bound<'_, PyAny>) -> PyResult<Self> {
        let name: String = get!(rules, "name");
        let version: String = get!(rules, "version");
        let severity_spec: Bound<'_, PyAny> = get!(rules, "severity");
        let scope: Bound<'_, PyAny> = get!(severity_spec, "scope");
        let cue_spec: Bound<'_, PyAny> = get!(rules, "cues");
        let interstate_codes: Vec<String> = get!(scope, "interstate_codes");
        let violence: Vec<String> = get!(scope, "violence_categories");
        let mut categories = Vec::new();
        let mut goldsteins: Vec<HashMap<String, f64>> = Vec::new();
        let mut category_weights: Vec<f64> = Vec::new();
        let category_specs: Vec<Bound<'_, PyAny>> = get!(rules, "categories");
        for spec in category_specs {
            let id: String = get!(spec, "id");
            goldsteins.push(get!(spec, "goldstein"));
            category_weights.push(get!(spec, "weight"));
            categories.push(Category {
                violent: violence.contains(&id),
                id,
                plover_type: get!(spec, "plover_type"),
                quad_class: get!(spec, "quad_class"),
            });
        }
        let mut context = ContextTable::default();
        let cue_lists: [(&str, u32, Vec<String>); 8] = [
            ("negation", NEGATION, get!(cue_spec, "negation")),
            ("denial", DENIAL, get!(cue_spec, "denial")),
            ("deescalation", DEESCALATION, get!(cue_spec, "deescalation")),
            ("resolution", RESOLUTION, get!(cue_spec, "resolution")),
            ("history", HISTORY, get!(cue_spec, "history")),
            ("hedge", HEDGE, get!(cue_spec, "hedge")),
            ("modifiers", MODIFIER, get!(severity_spec, "modifiers")),
            ("armed_terms", ARMED, get!(scope, "armed_terms")),
        ];
        for (list, bit, phrases) in &cue_lists {
            for form in forms_of(phrases, list)? {
                context.entry(&form).cues |= bit;
            }
        }
        // Trigger keys with their rules' indexes (in rule order) and whether they are metaphors.
        let mut trigger_index: HashMap<String, usize> = HashMap::new();
        let mut trigger_keys: Vec<String> = Vec::new();
        let mut trigger_entries: Vec<TriggerEntry> = Vec::new();
        let mut trigger_slot = |form: &str, owner: &str| -> PyResult<usize> {
            let key = trigger_key(form)
                .ok_or_else(|| invalid(format!("{owner}: {form:?} holds no word")))?;
            if let Some(&at) = trigger_index.get(&key) {
                return Ok(at);
            }
            trigger_index.insert(key.clone(), trigger_keys.len());
            trigger_keys.push(key);
            Ok(trigger_keys.len() - 1)
        };
        let mut rule_triggers: Vec<(usize, usize)> = Vec::new(); // (key, rule)
        let mut compiled = Vec::new();
        let specs: Vec<Bound<'_, PyAny>> = get!(rules, "rules");
        for (index, spec) in specs.iter().enumerate() {
            let id: String = get!(spec, "id");
            let category_id: String = get!(spec, "category");
            let category = categories
                .iter()
                .position(|c| c.id == category_id)
                .ok_or_else(|| invalid(format!("rule {id}: unknown category {category_id}")))?;
            let cameo: String = get!(spec, "cameo");
            let goldstein = *goldsteins[category]
                .get(&cameo)
                .ok_or_else(|| invalid(format!("rule {id}: no Goldstein weight for {cameo}")))?;
            let terms: Vec<String> = get!(spec, "terms");
            for form in forms_of(&terms, &id)? {
                rule_triggers.push((trigger_slot(&form, &id)?, index));
            }
            let near: Vec<String> = get!(spec, "near");
            for form in forms_of(&near, &id)? {
                context.entry(&form).near.push(index);
            }
            let unless: Vec<String> = get!(spec, "unless");
            for form in forms_of(&unless, &id)? {
                context.entry(&form).unless.push(index);
            }
            let direction: String = get!(spec, "direction");
            compiled.push(Rule {
                category,
                goldstein,
                weight: -goldstein * category_weights[category],
                needs_actor: get!(spec, "needs_actor"),
                has_near: !near.is_empty(),
                window: get!(spec, "window"),
                direction: match direction.as_str() {
                    "after" => Direction::After,
                    "before" => Direction::Before,
                    _ => Direction::Any,
                },
                unless_window: get!(spec, "unless_window"),
                near_sentences: get!(spec, "near_sentences"),
                interstate: interstate_codes.iter().any(|code| cameo.starts_with(code.as_str())),
                id_rank: 0,
                cameo,
                id,
            });
        }
        let metaphors: Vec<String> = get!(cue_spec, "metaphor");
        let mut metaphor_keys = Vec::new();
        for form in forms_of(&metaphors, "metaphor")? {
            metaphor_keys.push(trigger_slot(&form, "metaphor")?);
        }
        for _ in 0..trigger_keys.len() {
            trigger_entries.push(TriggerEntry { rules: Vec::new(), metaphor: false });
        }
        for (key, rule) in rule_triggers {
            if !trigger_entries[key].rules.contains(&rule) {
                trigger_entries[key].rules.push(rule);
            }
        }
        for key in metaphor_keys {
            trigger_entries[key].metaphor = true;
        }
        let mut ids: Vec<&str> = compiled.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        let ranks: Vec<usize> =
            compiled.iter().map(|r| ids.partition_point(|&id| id < r.id.as_str())).collect();
        for (rule, rank) in compiled.iter_mut().zip(ranks) {
            rule.id_rank = rank;
        }
        let bands: Bound<'_, PyAny> = get!(severity_spec, "bands");
        let lead_sentences: usize = get!(severity_spec, "lead_sentences");
        if lead_sentences == 0 {
            return Err(invalid("severity.lead_sentences must be at least 1".into()));
        }
        let judgement = {
            let spec: Bound<'_, PyAny> = get!(rules, "judgement");
            let places: Bound<'_, PyAny> = get!(spec, "place_factors");
            let mut lists: [Vec<String>; 5] = Default::default();
            for (list, kind) in lists.iter_mut().zip(CUE_KINDS) {
                let terms: Vec<String> = spec
                    .get_item(kind)
                    .and_then(|v| v.extract())
                    .map_err(|e| invalid(format!("judgement.{kind}: {e}")))?;
                *list = forms_of(&terms, kind)?;
            }
            JudgementTables::new(
                get!(spec, "lead_chars"),
                [get!(places, "title"), get!(places, "lead"), get!(places, "body")],
                get!(spec, "armed_factor"),
                (get!(spec, "clause_breaks"), get!(spec, "reporting")),
                lists,
                (get!(spec, "background_cap"), get!(spec, "restraint_factor")),
                {
                    let names: Vec<String> = get!(spec, "floor_categories");
                    let mut indexes = Vec::new();
                    for name in names {
                        let index =
                            categories.iter().position(|c| c.id == name).ok_or_else(|| {
                                invalid(format!("judgement.floor_categories: unknown {name}"))
                            })?;
                        indexes.push(index);
                    }
                    indexes
                },
            )
            .map_err(invalid)?
        };
        let mut trigger_heads: hashbrown::HashMap<String, Head> = hashbrown::HashMap::new();
        let mut trigger_bigrams = hashbrown::HashSet::new();
        for key in &trigger_keys {
            let mut words = key.split_whitespace();
            let Some(first) = words.next() else { continue };
            let head = trigger_heads.entry(first.to_owned()).or_default();
            match words.next() {
                Some(second) => {
                    head.longer = true;
                    trigger_bigrams.insert(format!("{first} {second}"));
                }
                None => head.alone = true,
            }
        }
        Ok(Tables {
            judgement,
            label: format!("{name}@{version}"),
            triggers: automaton(&trigger_keys, "trigger keys")?,
            trigger_heads,
            trigger_bigrams,
            trigger_head_pairs: PairFilter::new(
                trigger_keys.iter().map(|key| &key.as_bytes()[1..]),
            ),
            trigger_entries,
            context: automaton(&context.keys, "context phrases")?,
            context_entries: context.entries,
            rules: compiled,
            categories,
            cues: Cues {
                negation: get!(cue_spec, "negation_window"),
                denial: get!(cue_spec, "denial_window"),
                deescalation: get!(cue_spec, "deescalation_window"),
                resolution_before: get!(cue_spec, "resolution_before"),
                resolution_after: get!(cue_spec, "resolution_after"),
                history: get!(cue_spec, "history_window"),
                hedge: get!(cue_spec, "hedge_window"),
                modifier: get!(severity_spec, "modifier_window"),
            },
            severity: Severity {
                hedge_factor: get!(severity_spec, "hedge_factor"),
                weak_context_factor: get!(severity_spec, "weak_context_factor"),
                weak_context_topics: get!(severity_spec, "weak_context_topics"),
                background_factor: get!(severity_spec, "background_factor"),
                lead_sentences,
                category_boost: get!(severity_spec, "category_boost"),
                max_category_boost: get!(severity_spec, "max_category_boost"),
                modifier_boost: get!(severity_spec, "modifier_boost"),
                medium: get!(bands, "medium"),
                high: get!(bands, "high"),
                critical: get!(bands, "critical"),
                mass_casualties: get!(scope, "mass_casualties"),
                interstate_floor: get!(scope, "interstate_floor"),
                domestic_cap: get!(scope, "domestic_cap"),
                national_cap: get!(scope, "national_cap"),
                conflict_topic: get!(scope, "conflict_topic"),
                crime_topic: get!(scope, "crime_topic"),
            },
        })
    }
}
