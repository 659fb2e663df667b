//! From kept hits to a detection (`scoring.py`): severity, band, categories with their
//! evidence order, dyad. Floats are combined in the reference's order, so they are equal.

use super::check::Hit;
use super::mentions::MentionIndex;
use super::tables::Tables;

const MAX_EVIDENCE: usize = 12; // per category

/// 0-10 before the scope: strongest match, boosts for breadth and strong modifiers, context
/// factors, rounded to two decimals as Python's `round(x, 2)` (`severity_of`).
pub fn severity_of(tables: &Tables, hits: &[Hit], weak_context: bool) -> f64 {
    let spec = &tables.severity;
    let base = hits.iter().map(|h| h.weight).fold(f64::NEG_INFINITY, f64::max);
    let mut firm_categories: Vec<usize> =
        hits.iter().filter(|h| !h.hedged).map(|h| h.category).collect();
    firm_categories.sort_unstable();
    firm_categories.dedup();
    let extra = firm_categories.len().saturating_sub(1);
    let mut boost = spec.max_category_boost.min(spec.category_boost * extra as f64);
    if hits.iter().any(|h| !h.hedged && h.modified) {
        boost += spec.modifier_boost;
    }
    let mut severity = (base + boost) * if weak_context { spec.weak_context_factor } else { 1.0 };
    if !hits.iter().any(|h| h.lead) {
        severity *= spec.background_factor;
    }
    round2(severity.clamp(0.0, 10.0))
}

/// Python's `round(x, 2)`: the double nearest the correctly rounded (half to even on the
/// exact binary value) two-decimal string, which is what Rust's `{:.2}` prints.
fn round2(x: f64) -> f64 {
    format!("{x:.2}").parse().unwrap_or(x)
}

/// The band a severity falls in (`level_of`).
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

/// One category of a detection: its best hit and its evidence, in the reference's order.
pub struct CategoryHits {
    pub category: usize,
    pub best: usize,
    pub evidence: Vec<usize>,
}

/// Categories most severe first, each with its best hit (highest weight, then most specific
/// code, then earliest) and up to twelve pieces of evidence, title first, by offset, by rule
/// id (`categories_of`); indexes into `hits`.
pub fn categories_of(tables: &Tables, hits: &[Hit]) -> Vec<CategoryHits> {
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
    // Stable sort by (-max weight, category order): the total order of floats equals `<`
    // here (weights are never NaN, and -0.0 never occurs: every weight is positive).
    groups.sort_by(|a, b| top(&b.1).total_cmp(&top(&a.1)).then(a.0.cmp(&b.0)));
    groups
        .into_iter()
        .map(|(category, members)| {
            let mut best = members[0];
            for &i in &members[1..] {
                let (h, b) = (&hits[i], &hits[best]);
                let (hr, br) = (&tables.rules[h.rule], &tables.rules[b.rule]);
                // max() keeps the first of equal keys (weight, len(cameo), -start).
                let greater = h.weight > b.weight
                    || (h.weight == b.weight
                        && (hr.cameo_len > br.cameo_len
                            || (hr.cameo_len == br.cameo_len && h.start < b.start)));
                if greater {
                    best = i;
                }
            }
            let mut evidence = members;
            evidence.sort_by_key(|&i| {
                let h = &hits[i];
                (!h.title, h.start, tables.rules[h.rule].id_rank)
            });
            evidence.truncate(MAX_EVIDENCE);
            CategoryHits { category, best, evidence }
        })
        .collect()
}

/// Source -> target: the actor named before the trigger in its sentence acts, the one after
/// it is acted upon; votes weighted by match weight; else the most-mentioned actors
/// (`dyad_of`). `ranked` is the article's actor codes, most mentioned first.
pub fn dyad_of<'a>(
    hits: &[Hit],
    mentions: &MentionIndex<'a>,
    ranked: &[&'a str],
) -> Option<(&'a str, Option<&'a str>)> {
    let first = ranked.first()?;
    let mut sources = Votes::default();
    let mut targets = Votes::default();
    for hit in hits {
        let before = mentions.codes_between(hit.title, hit.sentence_start, hit.trigger_start);
        let after = mentions.codes_between(hit.title, hit.trigger_end, hit.sentence_end);
        if let Some(&source) = before.first() {
            sources.add(source, hit.weight);
            if let Some(&target) = after.iter().find(|code| **code != source) {
                targets.add(target, hit.weight);
            }
        } else if let Some(&target) = after.first() {
            targets.add(target, hit.weight / 2.0);
        }
    }
    let source = sources.top(ranked).filter(|c| !c.is_empty()).unwrap_or(first);
    targets.remove(source);
    let target = targets
        .top(ranked)
        .filter(|c| !c.is_empty())
        .or_else(|| ranked.iter().copied().find(|code| *code != source));
    Some((source, target))
}

/// Votes per actor code in insertion order (a dict's order decides ties).
#[derive(Default)]
struct Votes<'a>(Vec<(&'a str, f64)>);

impl<'a> Votes<'a> {
    fn add(&mut self, code: &'a str, weight: f64) {
        match self.0.iter_mut().find(|(c, _)| *c == code) {
            Some((_, votes)) => *votes += weight,
            None => self.0.push((code, 0.0 + weight)),
        }
    }

    fn remove(&mut self, code: &str) {
        self.0.retain(|(c, _)| *c != code);
    }

    /// The code with the most votes, ties to the better-ranked actor, then to the first
    /// (`_top`: min by (-votes, rank), unranked codes after every ranked one).
    fn top(&self, ranked: &[&str]) -> Option<&'a str> {
        // A dict built in rank order keeps a repeated code's last rank; codes it lacks rank
        // after its size.
        let mut distinct: Vec<&str> = ranked.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let rank = |code: &str| ranked.iter().rposition(|c| *c == code).unwrap_or(distinct.len());
        let mut best: Option<&(&'a str, f64)> = None;
        for entry in &self.0 {
            let better = match best {
                None => true,
                Some((code, votes)) => {
                    -entry.1 < -votes || (-entry.1 == -votes && rank(entry.0) < rank(code))
                }
            };
            if better {
                best = Some(entry);
            }
        }
        best.map(|&(code, _)| code)
    }
}
