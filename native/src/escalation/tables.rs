//! The rule set as the native core uses it, built once from tables the Python detector
//! already computes (app/domain/escalation/native.py): the trigger keys, the context phrases,
//! and per rule, per category, per cue the few attributes the checks read.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::words::WordIndex;

/// A padded trigger key (" cut ties "), the indexes of its rules, whether it is a metaphor.
#[derive(FromPyObject)]
pub struct TriggerRow(pub String, pub Vec<usize>, pub bool);

/// A context phrase: its form, whether it is glued to the word before ("n't"), its cue bits
/// (context.py's constants), the rules whose `near` and `unless` lists hold it.
#[derive(FromPyObject)]
pub struct ContextRow(pub String, pub bool, pub u32, pub Vec<usize>, pub Vec<usize>);

/// id, category index, CAMEO code, Goldstein weight of the code, match weight (Goldstein x
/// category weight, as the Python computes it), needs_actor, unless_window, has near words,
/// window, direction ("after"/"before"/"any"), whether its code escalates between states.
#[derive(FromPyObject)]
pub struct RuleRow(
    pub String,
    pub usize,
    pub String,
    pub f64,
    pub f64,
    pub bool,
    pub usize,
    pub bool,
    pub usize,
    pub String,
    pub bool,
);

/// id, PLOVER type, quad class, whether it is a violence category of the scope.
#[derive(FromPyObject)]
pub struct CategoryRow(pub String, pub String, pub u8, pub bool);

/// Word windows: negation, denial, de-escalation, resolution before, resolution after,
/// history, hedge, modifier.
#[derive(FromPyObject, Clone, Copy)]
pub struct CueWindows(
    pub usize,
    pub usize,
    pub usize,
    pub usize,
    pub usize,
    pub usize,
    pub usize,
    pub usize,
);

/// The severity settings: (hedge factor, weak-context factor, background factor, weak-context
/// topics), lead sentences, (category boost, max category boost, modifier boost), the
/// (medium, high, critical) bands, and the scope's (mass casualties, interstate floor,
/// domestic cap, national cap, conflict topic, crime topic).
#[derive(FromPyObject)]
pub struct SeverityRow(
    pub (f64, f64, f64, Vec<String>),
    pub usize,
    pub (f64, f64, f64),
    pub (f64, f64, f64),
    pub (i64, f64, f64, f64, String, String),
);

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
    /// Length of the CAMEO code in characters (`len(rule.cameo)`): more specific wins ties.
    pub cameo_len: usize,
    pub goldstein: f64,
    pub weight: f64,
    pub needs_actor: bool,
    pub unless_window: usize,
    pub has_near: bool,
    pub window: usize,
    pub direction: Direction,
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

pub struct TriggerEntry {
    pub rules: Vec<usize>,
    pub metaphor: bool,
}

pub struct ContextEntry {
    pub cues: u32,
    pub near: Vec<usize>,
    pub unless: Vec<usize>,
}

pub struct Severity {
    pub hedge_factor: f64,
    pub lead_sentences: usize,
    pub weak_context_factor: f64,
    pub weak_context_topics: Vec<String>,
    pub background_factor: f64,
    pub category_boost: f64,
    pub max_category_boost: f64,
    pub modifier_boost: f64,
    pub medium: f64,
    pub high: f64,
    pub critical: f64,
    pub mass_casualties: i64,
    pub interstate_floor: f64,
    pub domestic_cap: f64,
    pub national_cap: f64,
    pub conflict_topic: String,
    pub crime_topic: String,
}

pub struct Tables {
    /// The trigger keys and context phrases, found by one scan (words.rs).
    pub words: WordIndex,
    pub trigger_entries: Vec<TriggerEntry>,
    pub context_entries: Vec<ContextEntry>,
    pub rules: Vec<Rule>,
    pub categories: Vec<Category>,
    pub cues: CueWindows,
    pub severity: Severity,
}

fn invalid(message: String) -> PyErr {
    PyValueError::new_err(message)
}

fn check_rules(ids: &[usize], count: usize, what: &str) -> PyResult<()> {
    match ids.iter().find(|&&i| i >= count) {
        Some(i) => Err(invalid(format!("{what}: rule index {i} out of range"))),
        None => Ok(()),
    }
}

impl Tables {
    pub fn new(
        triggers: Vec<TriggerRow>,
        context: Vec<ContextRow>,
        rules: Vec<RuleRow>,
        categories: Vec<CategoryRow>,
        cues: CueWindows,
        severity: SeverityRow,
    ) -> PyResult<Self> {
        let categories: Vec<Category> = categories
            .into_iter()
            .map(|CategoryRow(id, plover_type, quad_class, violent)| Category {
                id,
                plover_type,
                quad_class,
                violent,
            })
            .collect();
        let mut sorted_ids: Vec<&str> = rules.iter().map(|r| r.0.as_str()).collect();
        sorted_ids.sort_unstable();
        let ranks: Vec<usize> =
            rules.iter().map(|r| sorted_ids.partition_point(|&id| id < r.0.as_str())).collect();
        let mut compiled = Vec::with_capacity(rules.len());
        for (row, id_rank) in rules.into_iter().zip(ranks) {
            let RuleRow(
                id,
                category,
                cameo,
                goldstein,
                weight,
                needs_actor,
                unless_window,
                has_near,
                window,
                direction,
                interstate,
            ) = row;
            if category >= categories.len() {
                return Err(invalid(format!("rule {id}: category index {category} out of range")));
            }
            let direction = match direction.as_str() {
                "after" => Direction::After,
                "before" => Direction::Before,
                "any" => Direction::Any,
                other => return Err(invalid(format!("rule {id}: direction {other:?}"))),
            };
            compiled.push(Rule {
                cameo_len: cameo.chars().count(),
                id,
                category,
                cameo,
                goldstein,
                weight,
                needs_actor,
                unless_window,
                has_near,
                window,
                direction,
                interstate,
                id_rank,
            });
        }
        let count = compiled.len();
        let keys: Vec<&str> = triggers.iter().map(|t| t.0.as_str()).collect();
        let phrases: Vec<(&str, bool)> = context.iter().map(|c| (c.0.as_str(), c.1)).collect();
        let Some(words) = WordIndex::new(&keys, &phrases) else {
            return Err(invalid(
                "trigger keys must be ASCII words between single spaces, context phrases ASCII \
                 words with separators"
                    .into(),
            ));
        };
        let mut trigger_entries = Vec::with_capacity(triggers.len());
        for TriggerRow(key, rule_ids, metaphor) in &triggers {
            check_rules(rule_ids, count, key)?;
            trigger_entries.push(TriggerEntry { rules: rule_ids.clone(), metaphor: *metaphor });
        }
        let mut context_entries = Vec::with_capacity(context.len());
        for ContextRow(form, _, cues, near, unless) in context {
            check_rules(&near, count, &form)?;
            check_rules(&unless, count, &form)?;
            context_entries.push(ContextEntry { cues, near, unless });
        }
        let SeverityRow(
            (hedge_factor, weak_context_factor, background_factor, weak_context_topics),
            lead_sentences,
            (category_boost, max_category_boost, modifier_boost),
            (medium, high, critical),
            (mass_casualties, interstate_floor, domestic_cap, national_cap, conflict, crime),
        ) = severity;
        if lead_sentences == 0 {
            return Err(invalid("lead_sentences must be at least 1".to_owned()));
        }
        Ok(Tables {
            words,
            trigger_entries,
            context_entries,
            rules: compiled,
            categories,
            cues,
            severity: Severity {
                hedge_factor,
                lead_sentences,
                weak_context_factor,
                weak_context_topics,
                background_factor,
                category_boost,
                max_category_boost,
                modifier_boost,
                medium,
                high,
                critical,
                mass_casualties,
                interstate_floor,
                domestic_cap,
                national_cap,
                conflict_topic: conflict,
                crime_topic: crime,
            },
        })
    }
}
