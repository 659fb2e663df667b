//! The article-level judgement: how an article's hits (scan.rs) become a detection. This is
//! the one place that decides it:
//!
//! 1. which hits stand: cancelled ones go; one hit per category and trigger (the most severe,
//!    then most specific rule); none inside a longer one of its category; none that is the
//!    object of another category's verbal frame ("threatened sanctions");
//! 2. severity: the strongest hit, boosts for breadth (firm categories) and strong modifiers,
//!    a factor for weak context (sport/business/tech/arts naming no country) and for
//!    background (no hit in the title or lead), then bounded by the scope (below);
//! 3. the band (bands of the rules file), the categories with their evidence, the dyad.
//!
//! Scope: `critical` needs a firm violent hit in the lead with an armed force or mass
//! casualties in its sentence, in an article whose topics rank conflict above crime; `high`
//! needs an armed force, two states around an interstate code, or mass casualties; a firm
//! interstate escalation in the lead is at least `high`. Caps and floor stay inside the
//! medium..critical range, so whether an article alerts at `medium` never changes.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::rules::Tables;
use super::scan::Hit;

pub const MAX_EVIDENCE: usize = 12; // per category

/// Where an article names its actors: per field (body 0, title 1), mention starts in offset
/// order (ties by code) with their codes.
#[derive(Default)]
pub struct Mentions {
    fields: [(Vec<usize>, Vec<String>); 2],
}

impl Mentions {
    pub fn new(mut mentions: Vec<(bool, usize, String)>) -> Self {
        mentions.sort_unstable();
        let mut index = Mentions::default();
        for (title, start, code) in mentions {
            let field = &mut index.fields[usize::from(title)];
            field.0.push(start);
            field.1.push(code);
        }
        index
    }

    pub fn starts(&self, title: bool) -> &[usize] {
        &self.fields[usize::from(title)].0
    }

    /// (start, code) of the mentions starting in `[start, end)` of a field, in offset order.
    pub fn between(
        &self,
        title: bool,
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = (usize, &str)> {
        let (starts, codes) = &self.fields[usize::from(title)];
        let low = starts.partition_point(|&s| s < start);
        let high = starts.partition_point(|&s| s < end).max(low);
        (low..high).map(move |i| (starts[i], codes[i].as_str()))
    }

    pub fn codes(&self, title: bool, start: usize, end: usize) -> Vec<&str> {
        self.between(title, start, end).map(|(_, code)| code).collect()
    }
}

/// What the judgement needs of the article besides its hits.
pub struct ArticleFacts<'a> {
    pub mentions: &'a Mentions,
    /// Topic codes, best first.
    pub topics: &'a [String],
    /// Actor codes, most mentioned first.
    pub actors: &'a [String],
    /// Evidence snippet of a hit (its sentence, or a window of it).
    pub snippet: &'a dyn Fn(&Hit) -> String,
}

pub struct Category {
    pub category: usize,
    /// The hit that decides the category's CAMEO code.
    pub best: usize,
    /// Evidence hits: title first, by offset, by rule id; at most twelve.
    pub evidence: Vec<usize>,
}

pub struct Detection {
    pub hits: Vec<Hit>,
    pub categories: Vec<Category>,
    pub severity: f64,
    pub level: &'static str,
    pub dyad: Option<(String, Option<String>)>,
}

pub fn judge(tables: &Tables, hits: Vec<Hit>, facts: &ArticleFacts<'_>) -> Option<Detection> {
    let hits: Vec<Hit> = hits.into_iter().filter(|h| h.cancelled.is_none()).collect();
    let hits = drop_framed(tables, dedupe(tables, hits));
    if hits.is_empty() {
        return None;
    }
    let weak_context = facts.actors.is_empty()
        && facts.topics.first().is_some_and(|t| tables.severity.weak_context_topics.contains(t));
    let severity = bound(tables, &hits, facts, severity_of(tables, &hits, weak_context));
    Some(Detection {
        categories: categories_of(tables, &hits),
        severity,
        level: level_of(tables, severity),
        dyad: dyad_of(&hits, facts.mentions, facts.actors),
        hits,
    })
}

/// One hit per category and trigger, then none inside a longer span of its category.
fn dedupe(tables: &Tables, hits: Vec<Hit>) -> Vec<Hit> {
    let specific = |h: &Hit| tables.rules[h.rule].cameo.len();
    let mut slots: HashMap<(usize, bool, usize), usize> = HashMap::new();
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let key = (hit.category, hit.title, hit.trigger_start);
        match slots.get(&key) {
            Some(&slot) => {
                let current = &kept[slot];
                if (hit.weight, specific(&hit)) > (current.weight, specific(current)) {
                    kept[slot] = hit;
                }
            }
            None => {
                slots.insert(key, kept.len());
                kept.push(hit);
            }
        }
    }
    // A shorter match inside a longer one of the same category adds nothing to explain.
    let inside: Vec<bool> = (0..kept.len())
        .map(|i| {
            let h = &kept[i];
            kept.iter().any(|o| {
                o.category == h.category
                    && o.title == h.title
                    && ((o.start < h.start && o.end >= h.end)
                        || (o.start == h.start && o.end > h.end))
            })
        })
        .collect();
    kept.into_iter().zip(inside).filter_map(|(hit, inner)| (!inner).then_some(hit)).collect()
}

/// Drops a trigger that is the object of another category's verbal frame: the "sanctions" in
/// "threatened sanctions", the "attacking" in "accused X of attacking".
fn drop_framed(tables: &Tables, hits: Vec<Hit>) -> Vec<Hit> {
    let frames: Vec<&Hit> = hits
        .iter()
        .filter(|h| {
            tables.categories[h.category].quad_class == 3
                && tables.rules[h.rule].has_near
                && h.end > h.trigger_end
        })
        .collect();
    let framed: Vec<bool> = hits
        .iter()
        .map(|hit| {
            frames.iter().any(|f| {
                !std::ptr::eq(*f, hit)
                    && f.title == hit.title
                    && f.category != hit.category
                    && f.trigger_end <= hit.trigger_start
                    && hit.trigger_start < f.end
            })
        })
        .collect();
    hits.into_iter().zip(framed).filter_map(|(hit, gone)| (!gone).then_some(hit)).collect()
}

/// 0-10 before the scope: strongest match, boosts for breadth and strong modifiers, context
/// factors, rounded to two decimals.
fn severity_of(tables: &Tables, hits: &[Hit], weak_context: bool) -> f64 {
    let spec = &tables.severity;
    let base = hits.iter().map(|h| h.weight).fold(f64::NEG_INFINITY, f64::max);
    let mut firm: Vec<usize> = hits.iter().filter(|h| !h.hedged).map(|h| h.category).collect();
    firm.sort_unstable();
    firm.dedup();
    let mut boost =
        spec.max_category_boost.min(spec.category_boost * firm.len().saturating_sub(1) as f64);
    if hits.iter().any(|h| !h.hedged && h.modified) {
        boost += spec.modifier_boost;
    }
    let mut severity = (base + boost) * if weak_context { spec.weak_context_factor } else { 1.0 };
    if !hits.iter().any(|h| h.lead) {
        severity *= spec.background_factor;
    }
    // Two decimals, as printed (correctly rounded), read back.
    format!("{:.2}", severity.clamp(0.0, 10.0)).parse().unwrap_or(severity)
}

/// The severity with the scope's caps and floor applied.
fn bound(tables: &Tables, hits: &[Hit], facts: &ArticleFacts<'_>, mut severity: f64) -> f64 {
    let spec = &tables.severity;
    let firm = || hits.iter().filter(|h| !h.hedged);
    let violent = |h: &&Hit| tables.categories[h.category].violent;
    let mass = |h: &Hit| casualties(&(facts.snippet)(h)) >= spec.mass_casualties;
    let interstate = || {
        firm().filter(|h| {
            tables.rules[h.rule].interstate && {
                let codes = facts.mentions.codes(h.title, h.sentence_start, h.sentence_end);
                codes.iter().any(|c| *c != codes[0])
            }
        })
    };
    let rank = |code: &str| facts.topics.iter().position(|t| t == code);
    let conflict_led = match (rank(&spec.conflict_topic), rank(&spec.crime_topic)) {
        (Some(conflict), Some(crime)) => conflict < crime,
        (Some(_), None) => true,
        _ => false,
    };
    if severity >= spec.critical
        && !(conflict_led && firm().filter(violent).any(|h| h.lead && (h.armed || mass(h))))
    {
        severity = spec.national_cap;
    }
    if severity >= spec.high
        && !(firm().any(|h| h.armed)
            || interstate().next().is_some()
            || firm().filter(violent).any(mass))
    {
        severity = spec.domestic_cap;
    }
    if spec.medium <= severity && severity < spec.interstate_floor && interstate().any(|h| h.lead) {
        severity = spec.interstate_floor;
    }
    severity
}

// A count, not an age (", 34, was killed") nor a year: no comma or digit right after it.
const NUMBER: &str = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+|dozens|scores|hundreds|thousands)";
static COUNT_THEN_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{NUMBER}\s+(?:\w+\s+){{0,3}}?(?:were\s+|have\s+been\s+|had\s+been\s+|are\s+)?(?:killed|dead|died|slain|massacred)\b"
    ))
    .expect("a valid pattern")
});
static VERB_THEN_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:killing|killed|kills|death toll\s+(?:\w+\s+){{0,3}}?)\s*(?:at least\s+)?{NUMBER}(?:[^0-9,]|$)"
    ))
    .expect("a valid pattern")
});

/// The largest number of dead a sentence reports (0 when none).
pub fn casualties(sentence: &str) -> u64 {
    let low = sentence.to_lowercase();
    if !["kill", "dead", "died", "slain"].iter().any(|w| low.contains(w)) {
        return 0;
    }
    let mut best = 0;
    for pattern in [&*COUNT_THEN_VERB, &*VERB_THEN_COUNT] {
        for caps in pattern.captures_iter(&low) {
            let word = &caps[1];
            let value = match word {
                "dozens" => 24,
                "scores" => 40,
                "hundreds" => 200,
                "thousands" => 2000,
                digits => digits.replace(',', "").parse().unwrap_or(u64::MAX),
            };
            if !word.contains(',') && (1800..=2100).contains(&value) {
                continue; // a year ("the 2015 attacks killed"), not a count
            }
            best = best.max(value);
        }
    }
    best
}

pub fn level_of(tables: &Tables, severity: f64) -> &'static str {
    let spec = &tables.severity;
    if severity >= spec.critical {
        "critical"
    } else if severity >= spec.high {
        "high"
    } else if severity >= spec.medium {
        "medium"
    } else {
        "low"
    }
}

/// Categories most severe first, each with its best hit and its evidence.
fn categories_of(tables: &Tables, hits: &[Hit]) -> Vec<Category> {
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new(); // in first-seen order
    for (i, hit) in hits.iter().enumerate() {
        match groups.iter_mut().find(|(category, _)| *category == hit.category) {
            Some((_, members)) => members.push(i),
            None => groups.push((hit.category, vec![i])),
        }
    }
    let top = |members: &[usize]| {
        members.iter().map(|&i| hits[i].weight).fold(f64::NEG_INFINITY, f64::max)
    };
    groups.sort_by(|a, b| top(&b.1).total_cmp(&top(&a.1)).then(a.0.cmp(&b.0)));
    groups
        .into_iter()
        .map(|(category, mut evidence)| {
            let key = |i: usize| {
                let h = &hits[i];
                (h.weight, tables.rules[h.rule].cameo.len(), usize::MAX - h.start)
            };
            // The first of equal keys wins: highest weight, most specific code, earliest.
            let best =
                evidence
                    .iter()
                    .copied()
                    .fold(evidence[0], |b, i| if key(i) > key(b) { i } else { b });
            evidence.sort_by_key(|&i| {
                (!hits[i].title, hits[i].start, tables.rules[hits[i].rule].id_rank)
            });
            evidence.truncate(MAX_EVIDENCE);
            Category { category, best, evidence }
        })
        .collect()
}

/// Source -> target: the actor named before the trigger in its sentence acts, the one after
/// it is acted upon; votes weighted by match weight; else the most-mentioned actors.
fn dyad_of(
    hits: &[Hit],
    mentions: &Mentions,
    ranked: &[String],
) -> Option<(String, Option<String>)> {
    fn vote<'m>(votes: &mut Vec<(&'m str, f64)>, code: &'m str, weight: f64) {
        match votes.iter_mut().find(|(c, _)| *c == code) {
            Some((_, total)) => *total += weight,
            None => votes.push((code, weight)),
        }
    }
    let first = ranked.first()?;
    let mut sources: Vec<(&str, f64)> = Vec::new();
    let mut targets: Vec<(&str, f64)> = Vec::new();
    for hit in hits {
        let before = mentions.codes(hit.title, hit.sentence_start, hit.trigger_start);
        let after = mentions.codes(hit.title, hit.trigger_end, hit.sentence_end);
        if let Some(&source) = before.first() {
            vote(&mut sources, source, hit.weight);
            if let Some(&target) = after.iter().find(|c| **c != source) {
                vote(&mut targets, target, hit.weight);
            }
        } else if let Some(&target) = after.first() {
            vote(&mut targets, target, hit.weight / 2.0);
        }
    }
    let rank = |code: &str| ranked.iter().position(|c| c == code).unwrap_or(ranked.len());
    // Most votes; ties to the better-ranked actor, then to the first voted for.
    let top = |votes: &[(&str, f64)]| {
        votes
            .iter()
            .fold(None::<(&str, f64)>, |best, &(code, total)| match best {
                Some((b, t)) if t > total || (t == total && rank(b) <= rank(code)) => Some((b, t)),
                _ => Some((code, total)),
            })
            .map(|(code, _)| code.to_owned())
    };
    let source = top(&sources).unwrap_or_else(|| first.clone());
    targets.retain(|(c, _)| *c != source);
    let target = top(&targets).or_else(|| ranked.iter().find(|c| **c != source).cloned());
    Some((source, target))
}

#[cfg(test)]
mod tests {
    use super::casualties;

    #[test]
    fn counts_the_dead() {
        assert_eq!(casualties("At least 12 people were killed on Monday."), 12);
        assert_eq!(casualties("The blast killed 1,200 and wounded more."), 1200);
        assert_eq!(casualties("Hundreds died in the floods."), 200);
        assert_eq!(casualties("The 2015 attacks killed the mayor."), 0);
        assert_eq!(casualties("He said nothing."), 0);
    }
}
