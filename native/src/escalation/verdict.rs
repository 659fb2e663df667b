//! The article-level verdict, on top of the standing hits of judgement.rs: what the article
//! is about rather than whether some sentence matches.
//!
//! 1. The main event: the firm hit with the largest weight x its place factor (title, lead,
//!    body) x the armed factor. Its clause (the sentence cut at clause breaks and at a
//!    trailing reporting clause) gives the dyad: the first state named in the clause before
//!    the trigger acts, the first other state after it is acted upon.
//! 2. Features of the whole article (`FEATURES`, then one per category): where the hits are,
//!    how many were cancelled as history, restraint, cooperation, background, domestic and
//!    leisure language in the lead and in the rest, state actors, topics, the rules' severity.
//! 3. The mode decides the severity: `rules` caps a background or stateless main event at
//!    medium and discounts restraint; `learned` scores the features with two logistic models
//!    (P(high), P(medium or high)) from judgement_model.json and maps them onto the bands.
//!
//! Every verdict carries its reasons: the main event and its clause, what was discounted.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::field::Field;
use super::judgement::{casualties, level_of, ArticleFacts, Mentions};
use super::rules::Tables;
use super::scan::Hit;
use crate::text::fold;

/// Cue kinds of the judgement's phrase lists, in feature order.
pub const CUE_KINDS: [&str; 5] = ["restraint", "cooperation", "background", "domestic", "leisure"];

/// The fixed features, in model order; one `cat:<id>` per category follows them.
pub const FEATURES: [&str; 50] = [
    "rules_severity",
    "rules_high",
    "rules_critical",
    "max_weight",
    "main_weight",
    "main_title",
    "main_lead",
    "main_hedged",
    "main_armed",
    "main_violent",
    "main_interstate",
    "main_mass",
    "main_clause_states",
    "main_sentence_states",
    "title_weight",
    "lead_weight",
    "body_weight",
    "hits",
    "categories",
    "lead_share",
    "hedged_share",
    "history_cancelled",
    "other_cancelled",
    "armed_any",
    "actors",
    "actor_in_title",
    "no_actor",
    "topic_conflict_first",
    "topic_conflict",
    "topic_crime_first",
    "topic_weak_first",
    "restraint_lead",
    "cooperation_lead",
    "background_lead",
    "domestic_lead",
    "leisure_lead",
    "restraint_rest",
    "cooperation_rest",
    "background_rest",
    "domestic_rest",
    "leisure_rest",
    "title_hits",
    "lead_hits",
    "violent_hits",
    "material_hits",
    "hit_sentences",
    "main_material",
    "lead_states",
    "main_title_or_lead_violent",
    "length",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Off,
    Rules,
    Learned,
}

impl Mode {
    pub fn parse(name: &str) -> Option<Mode> {
        match name {
            "off" => Some(Mode::Off),
            "rules" => Some(Mode::Rules),
            "learned" => Some(Mode::Learned),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Rules => "rules",
            Mode::Learned => "learned",
        }
    }
}

/// The judgement section of the rules file, compiled.
pub struct JudgementTables {
    pub lead_chars: usize,
    /// Title, lead, body.
    pub place: [f64; 3],
    pub armed_factor: f64,
    pub clause_breaks: Vec<String>,
    pub reporting: Vec<String>,
    /// Whole-word cue phrases over folded text, with their kind (index in `CUE_KINDS`).
    pub cues: Option<AhoCorasick>,
    pub cue_kinds: Vec<usize>,
    pub background_cap: f64,
    pub restraint_factor: f64,
    /// Category indexes whose headline event between two named states is at least `high`.
    pub floor_categories: Vec<usize>,
}

impl JudgementTables {
    /// `lists`: the expanded forms of each cue kind, in `CUE_KINDS` order; the clause breaks
    /// and reporting words come as a pair.
    pub fn new(
        lead_chars: usize,
        place: [f64; 3],
        armed_factor: f64,
        (clause_breaks, reporting): (Vec<String>, Vec<String>),
        lists: [Vec<String>; 5],
        caps: (f64, f64),
        floor_categories: Vec<usize>,
    ) -> Result<Self, String> {
        let mut keys: Vec<String> = Vec::new();
        let mut cue_kinds = Vec::new();
        for (kind, forms) in lists.iter().enumerate() {
            for form in forms {
                let key: String = form.chars().map(fold).collect();
                if !keys.contains(&key) {
                    keys.push(key);
                    cue_kinds.push(kind);
                }
            }
        }
        let cues = if keys.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&keys)
                    .map_err(|e| format!("judgement cues: {e}"))?,
            )
        };
        Ok(JudgementTables {
            lead_chars,
            place,
            armed_factor,
            clause_breaks: clause_breaks.iter().map(|b| b.chars().map(fold).collect()).collect(),
            reporting: reporting.iter().map(|b| b.chars().map(fold).collect()).collect(),
            cues,
            cue_kinds,
            background_cap: caps.0,
            restraint_factor: caps.1,
            floor_categories,
        })
    }

    /// Whole-word cue counts per kind: in the title and first `lead_chars` of the body, and
    /// in the rest of the body. Matched on the text as published (ASCII case-insensitive DFA,
    /// no folded copy: this runs on every detection).
    pub fn count_cues(&self, title: &str, body: &str) -> ([u32; 5], [u32; 5]) {
        let mut lead = [0u32; 5];
        let mut rest = [0u32; 5];
        let Some(cues) = &self.cues else { return (lead, rest) };
        let split = body.char_indices().nth(self.lead_chars).map_or(body.len(), |(i, _)| i);
        let word = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
        for (text, in_lead) in [(title, true), (body, false)] {
            let bytes = text.as_bytes();
            for m in cues.find_iter(text) {
                if word(m.start().checked_sub(1).and_then(|i| bytes.get(i)))
                    || word(bytes.get(m.end()))
                {
                    continue;
                }
                let counts = if in_lead || m.start() < split { &mut lead } else { &mut rest };
                counts[self.cue_kinds[m.pattern().as_usize()]] += 1;
            }
        }
        (lead, rest)
    }
}

/// The two logistic models of `judgement: learned` and their thresholds.
pub struct Model {
    pub features: Vec<String>,
    pub high: (f64, Vec<f64>),
    pub alert: (f64, Vec<f64>),
    pub threshold_high: f64,
    pub threshold_alert: f64,
    pub version: String,
}

impl Model {
    fn score(&self, (bias, weights): &(f64, Vec<f64>), x: &[f64]) -> f64 {
        let z = bias + weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// What the article gives the verdict besides its standing hits.
pub struct Context<'a> {
    pub facts: &'a ArticleFacts<'a>,
    pub fields: &'a [Field<'a>],
    /// Hits cancelled as history, and for any other reason.
    pub cancelled: (usize, usize),
    pub cues: ([u32; 5], [u32; 5]),
    /// The rules' severity and band (judgement.rs).
    pub severity: f64,
    pub body_bytes: usize,
}

pub struct MainEvent {
    pub hit: usize,
    /// Character span of its clause in its field.
    pub clause: (usize, usize),
    pub dyad: Option<(String, Option<String>)>,
    /// Its clause names one state before the trigger and another after it (agent, patient).
    pub two_sided: bool,
}

pub struct Verdict {
    pub severity: f64,
    pub level: &'static str,
    pub main: MainEvent,
    pub p_high: Option<f64>,
    pub p_alert: Option<f64>,
    pub reasons: Vec<String>,
}

fn place(tables: &Tables, hit: &Hit) -> f64 {
    let p = &tables.judgement.place;
    if hit.title {
        p[0]
    } else if hit.lead {
        p[1]
    } else {
        p[2]
    }
}

fn field_of<'f, 'a>(fields: &'f [Field<'a>], title: bool) -> &'f Field<'a> {
    fields.iter().find(|f| f.title == title).unwrap_or(&fields[0])
}

/// The main event: the firm hit weighed most by place and armed force (hedged ones only when
/// nothing is firm); the first of equals.
pub fn main_hit(tables: &Tables, hits: &[Hit]) -> usize {
    let any_firm = hits.iter().any(|h| !h.hedged);
    let score = |h: &Hit| {
        let armed = if h.armed { tables.judgement.armed_factor } else { 1.0 };
        h.weight * place(tables, h) * armed
    };
    let mut best = 0;
    for (i, hit) in hits.iter().enumerate() {
        if any_firm && hit.hedged {
            continue;
        }
        if (any_firm && hits[best].hedged) || score(hit) > score(&hits[best]) {
            best = i;
        }
    }
    best
}

/// The clause of a hit: its sentence cut at the last clause break before the trigger and the
/// first after it, and before a trailing ", <someone> said".
pub fn clause_of(tables: &Tables, field: &Field<'_>, hit: &Hit) -> (usize, usize) {
    let (s0, s1) = (hit.sentence_start, hit.sentence_end);
    let sentence = field.folded_slice(s0, s1);
    let chars_to = |byte: usize| s0 + sentence[..byte].chars().count();
    let (mut start, mut end) = (s0, s1);
    for brk in &tables.judgement.clause_breaks {
        for (at, _) in sentence.match_indices(brk.as_str()) {
            let (from, to) = (chars_to(at), chars_to(at + brk.len()));
            if to <= hit.trigger_start {
                start = start.max(to);
            } else if from >= hit.trigger_end {
                end = end.min(from);
            }
        }
    }
    // "... into the sea, South Korea's military said": the reporter is not the patient.
    for (at, _) in sentence.match_indices(", ") {
        let from = chars_to(at);
        if from < hit.trigger_end || from >= end {
            continue;
        }
        let tail = &sentence[at..];
        if tables.judgement.reporting.iter().any(|r| tail.contains(r.as_str())) {
            end = from;
            break;
        }
    }
    (start, end)
}

/// Source and target from the main event's clause, then from its sentence; None where the
/// text names no state there.
fn clause_dyad(
    mentions: &Mentions,
    hit: &Hit,
    clause: (usize, usize),
) -> (Option<String>, Option<String>, bool) {
    let codes = |from: usize, to: usize| -> Vec<String> {
        mentions.between(hit.title, from, to).map(|(_, c)| c.to_owned()).collect()
    };
    let before = codes(clause.0, hit.trigger_start);
    let source = before.first().cloned().or_else(|| {
        codes(hit.sentence_start, hit.trigger_start).last().cloned() // nearest before
    });
    let after = codes(hit.trigger_end, clause.1);
    let patient = after.iter().find(|c| Some(*c) != source.as_ref()).cloned();
    let two_sided = !before.is_empty() && patient.is_some();
    let target = patient.or_else(|| before.iter().find(|c| Some(*c) != source.as_ref()).cloned());
    (source, target, two_sided)
}

/// The main event with its clause and dyad; `fallback` is the co-occurrence dyad of
/// judgement.rs, used for a side the clause leaves open.
pub fn main_event(
    tables: &Tables,
    hits: &[Hit],
    ctx: &Context<'_>,
    fallback: &Option<(String, Option<String>)>,
) -> MainEvent {
    let index = main_hit(tables, hits);
    let hit = &hits[index];
    let clause = clause_of(tables, field_of(ctx.fields, hit.title), hit);
    let (source, target, two_sided) = clause_dyad(ctx.facts.mentions, hit, clause);
    let dyad = match (source, fallback) {
        (Some(source), _) => {
            let target = target.or_else(|| {
                fallback
                    .as_ref()
                    .and_then(|(s, t)| if *s != source { Some(s.clone()) } else { t.clone() })
                    .filter(|t| *t != source)
            });
            Some((source, target))
        }
        (None, Some((s, t))) => {
            let target = target.filter(|c| c != s).or_else(|| t.clone());
            Some((s.clone(), target))
        }
        (None, None) => None,
    };
    MainEvent { hit: index, clause, dyad, two_sided }
}

fn ln1p(n: usize) -> f64 {
    (n as f64).ln_1p()
}

/// The feature vector of an article (FEATURES, then one per category).
pub fn features(tables: &Tables, hits: &[Hit], main: &MainEvent, ctx: &Context<'_>) -> Vec<f64> {
    let spec = &tables.severity;
    let facts = ctx.facts;
    let hit = &hits[main.hit];
    let max_of = |keep: &dyn Fn(&Hit) -> bool| {
        hits.iter().filter(|h| !h.hedged && keep(h)).map(|h| h.weight).fold(0.0, f64::max) / 10.0
    };
    let states = |from: usize, to: usize| {
        let mut codes: Vec<&str> =
            facts.mentions.between(hit.title, from, to).map(|m| m.1).collect();
        codes.sort_unstable();
        codes.dedup();
        codes.len().min(2) as f64
    };
    let violent = |h: &Hit| tables.categories[h.category].violent;
    let mass = |h: &Hit| casualties(&(facts.snippet)(h)) >= spec.mass_casualties;
    let interstate = |h: &Hit| {
        tables.rules[h.rule].interstate && {
            let codes = facts.mentions.codes(h.title, h.sentence_start, h.sentence_end);
            codes.iter().any(|c| *c != codes[0])
        }
    };
    let rank = |code: &str| facts.topics.iter().position(|t| t == code);
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let n = hits.len() as f64;
    let mut categories: Vec<usize> =
        hits.iter().filter(|h| !h.hedged).map(|h| h.category).collect();
    categories.sort_unstable();
    categories.dedup();
    let (lead, rest) = ctx.cues;
    let material = |h: &Hit| tables.categories[h.category].quad_class == 4;
    let sentences = {
        let mut seen: Vec<(bool, usize)> = hits.iter().map(|h| (h.title, h.sentence)).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let lead_states = {
        let lead_chars = tables.judgement.lead_chars;
        let mut codes: Vec<&str> = facts
            .mentions
            .between(true, 0, usize::MAX)
            .chain(facts.mentions.between(false, 0, lead_chars))
            .map(|m| m.1)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes.len()
    };
    let cue = |count: u32| f64::from(count).ln_1p();
    let mut x = vec![
        ctx.severity / 10.0,
        flag(ctx.severity >= spec.high),
        flag(ctx.severity >= spec.critical),
        hits.iter().map(|h| h.weight).fold(0.0, f64::max) / 10.0,
        hit.weight / 10.0,
        flag(hit.title),
        flag(hit.lead),
        flag(hit.hedged),
        flag(hit.armed),
        flag(violent(hit)),
        flag(interstate(hit)),
        flag(mass(hit)),
        states(main.clause.0, main.clause.1),
        states(hit.sentence_start, hit.sentence_end),
        max_of(&|h| h.title),
        max_of(&|h| h.lead && !h.title),
        max_of(&|h| !h.lead),
        ln1p(hits.len()),
        categories.len() as f64,
        hits.iter().filter(|h| h.lead).count() as f64 / n,
        hits.iter().filter(|h| h.hedged).count() as f64 / n,
        ln1p(ctx.cancelled.0),
        ln1p(ctx.cancelled.1),
        flag(hits.iter().any(|h| h.armed && !h.hedged)),
        ln1p(facts.actors.len()),
        flag(!facts.mentions.starts(true).is_empty()),
        flag(facts.actors.is_empty()),
        flag(rank(&spec.conflict_topic) == Some(0)),
        flag(rank(&spec.conflict_topic).is_some()),
        flag(rank(&spec.crime_topic) == Some(0)),
        flag(facts.topics.first().is_some_and(|t| spec.weak_context_topics.contains(t))),
        cue(lead[0]),
        cue(lead[1]),
        cue(lead[2]),
        cue(lead[3]),
        cue(lead[4]),
        cue(rest[0]),
        cue(rest[1]),
        cue(rest[2]),
        cue(rest[3]),
        cue(rest[4]),
        ln1p(hits.iter().filter(|h| h.title).count()),
        ln1p(hits.iter().filter(|h| h.lead).count()),
        ln1p(hits.iter().filter(|h| !h.hedged && violent(h)).count()),
        ln1p(hits.iter().filter(|h| !h.hedged && material(h)).count()),
        ln1p(sentences),
        flag(material(hit)),
        ln1p(lead_states),
        flag(hits.iter().any(|h| h.lead && !h.hedged && violent(h))),
        // Counts grow with length: a two-sentence wire item is not a quieter story.
        (ctx.body_bytes as f64 / 500.0).ln_1p(),
    ];
    debug_assert_eq!(x.len(), FEATURES.len());
    // Per category: how prominently a firm hit of it stands (title 1, lead 0.7, body 0.3).
    for category in 0..tables.categories.len() {
        let prominence = hits
            .iter()
            .filter(|h| h.category == category && !h.hedged)
            .map(|h| {
                if h.title {
                    1.0
                } else if h.lead {
                    0.7
                } else {
                    0.3
                }
            })
            .fold(0.0, f64::max);
        x.push(prominence);
    }
    for category in 0..tables.categories.len() {
        x.push(ln1p(hits.iter().filter(|h| h.category == category && !h.hedged).count()));
    }
    x
}

/// Feature names in model order.
pub fn feature_names(tables: &Tables) -> Vec<String> {
    FEATURES
        .iter()
        .map(|f| (*f).to_owned())
        .chain(tables.categories.iter().map(|c| format!("cat:{}", c.id)))
        .chain(tables.categories.iter().map(|c| format!("count:{}", c.id)))
        .collect()
}

/// Where P lands in the bands: high from `threshold_high`, medium from `threshold_alert`,
/// ordered by P(high) inside each band so that severity ranks.
fn learned_severity(
    tables: &Tables,
    model: &Model,
    p_high: f64,
    p_alert: f64,
    critical: bool,
) -> f64 {
    let spec = &tables.severity;
    let t = model.threshold_high;
    let within =
        |low: f64, high: f64, share: f64| low + (high - low - 0.01) * share.clamp(0.0, 1.0);
    let severity = if p_high >= t {
        let share = (p_high - t) / (1.0 - t).max(1e-9);
        if critical {
            within(spec.critical, 10.0, share)
        } else {
            within(spec.high, spec.critical, share)
        }
    } else if p_alert >= model.threshold_alert {
        within(spec.medium, spec.high, p_high / t)
    } else {
        within(0.0, spec.medium, p_high / t)
    };
    (severity * 100.0).round() / 100.0
}

pub fn decide(
    tables: &Tables,
    mode: Mode,
    model: Option<&Model>,
    hits: &[Hit],
    ctx: &Context<'_>,
    fallback: &Option<(String, Option<String>)>,
) -> Verdict {
    let main = main_event(tables, hits, ctx, fallback);
    let hit = &hits[main.hit];
    let spec = &tables.severity;
    let rule = &tables.rules[hit.rule];
    let placed = if hit.title {
        "title"
    } else if hit.lead {
        "lead"
    } else {
        "body"
    };
    let mut reasons = vec![format!("main event: {} in the {placed}", rule.id)];
    let background = hits.iter().filter(|h| !h.lead).count();
    if background > 0 {
        reasons
            .push(format!("{background} hit(s) outside the title and lead weighed as background"));
    }
    if ctx.cancelled.0 > 0 {
        reasons.push(format!("{} hit(s) discounted as history", ctx.cancelled.0));
    }
    for (kind, count) in CUE_KINDS.iter().zip(ctx.cues.0) {
        if count > 0 {
            reasons.push(format!("{kind} language in the lead ({count})"));
        }
    }
    if ctx.facts.actors.is_empty() {
        reasons.push("no state named".to_owned());
    }
    let mut severity = ctx.severity;
    let (mut p_high, mut p_alert) = (None, None);
    match (mode, model) {
        (Mode::Learned, Some(model)) => {
            let x = features(tables, hits, &main, ctx);
            let (ph, pa) = (model.score(&model.high, &x), model.score(&model.alert, &x));
            // Critical stays the rules' call (armed conflict or mass casualties in the lead).
            severity = learned_severity(tables, model, ph, pa, ctx.severity >= spec.critical);
            let mut pushes: Vec<(f64, &str)> = model
                .high
                .1
                .iter()
                .zip(&x)
                .zip(&model.features)
                .filter(|((_, v), _)| **v != 0.0)
                .map(|((w, v), name)| (w * v, name.as_str()))
                .collect();
            pushes.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
            let top: Vec<String> =
                pushes.iter().take(4).map(|(c, name)| format!("{name} {c:+.2}")).collect();
            reasons.push(format!(
                "model {}: P(high) {ph:.2}, P(alert) {pa:.2}; strongest: {}",
                model.version,
                top.join(", ")
            ));
            p_high = Some(ph);
            p_alert = Some(pa);
            // What the labelling guide always pages on (ties cut, force threatened or shown,
            // fighting) stated in the headline between two named states: at least high.
            if severity < spec.high
                && hit.title
                && !hit.hedged
                && main.two_sided
                && rule.interstate
                && tables.judgement.floor_categories.contains(&hit.category)
            {
                severity = spec.high;
                reasons.push(format!(
                    "at least high: the headline's {} is between two named states",
                    tables.categories[hit.category].id
                ));
            }
        }
        _ => {
            let j = &tables.judgement;
            let stateless = main.dyad.is_none()
                || !(hit.armed
                    || casualties(&(ctx.facts.snippet)(hit)) >= spec.mass_casualties
                    || ctx
                        .facts
                        .mentions
                        .between(hit.title, hit.sentence_start, hit.sentence_end)
                        .next()
                        .is_some());
            if !hit.lead || stateless {
                severity = severity.min(j.background_cap);
                reasons.push(if hit.lead {
                    "capped at medium: no state, armed force or mass casualties in the main event"
                        .to_owned()
                } else {
                    "capped at medium: the main event is not in the title or lead".to_owned()
                });
            }
            let calming = ctx.cues.0[0] + ctx.cues.0[1];
            if calming > 0 && !tables.categories[hit.category].violent {
                severity = (severity * j.restraint_factor * 100.0).round() / 100.0;
                reasons.push("discounted: restraint or cooperation in the lead".to_owned());
            }
        }
    }
    Verdict { severity, level: level_of(tables, severity), main, p_high, p_alert, reasons }
}
