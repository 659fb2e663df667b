//! The article-level verdict, on top of the standing hits of judgement.rs: what the article
//! is about rather than whether some sentence matches.
//!
//! 1. The main event: the firm hit with the largest weight x its place factor (title, lead,
//!    body) x the armed factor. Its clause (the sentence cut at clause breaks and at a
//!    trailing reporting clause) gives the dyad: the first state named in the clause before
//!    the trigger acts, the first other state after it is acted upon.
//! 2. Features of the whole article (features.rs): where the hits are, how many were
//!    cancelled as history, restraint, cooperation, background, domestic and leisure language
//!    in the lead and in the rest, state actors, topics, the rules' severity.
//! 3. The mode decides the severity: `rules` caps a background or stateless main event at
//!    medium and discounts restraint; `learned` scores the features with two logistic models
//!    (P(high), P(medium or high)) from judgement_model.json and maps them onto the bands.
//!
//! Every verdict carries its reasons: the main event and its clause, what was discounted.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::features::{features, learned_severity, Model};
use super::field::Field;
use super::judgement::{casualties, level_of, ArticleFacts, Mentions};
use super::rules::Tables;
use super::scan::Hit;
use crate::text::fold;

/// Cue kinds of the judgement's phrase lists, in feature order.
pub const CUE_KINDS: [&str; 5] = ["restraint", "cooperation", "background", "domestic", "leisure"];

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

    /// Whole-word cue counts per kind (`CueCounts`), in one pass over the title and the body.
    /// Matched on the text as published (ASCII case-insensitive DFA, no folded copy: this
    /// runs on every detection).
    pub fn count_cues(&self, title: &str, body: &str) -> CueCounts {
        let mut counts = CueCounts::default();
        let Some(cues) = &self.cues else { return counts };
        let split = body.char_indices().nth(self.lead_chars).map_or(body.len(), |(i, _)| i);
        let word = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
        for (text, in_title) in [(title, true), (body, false)] {
            let bytes = text.as_bytes();
            for m in cues.find_iter(text) {
                if word(m.start().checked_sub(1).and_then(|i| bytes.get(i)))
                    || word(bytes.get(m.end()))
                {
                    continue;
                }
                let kind = self.cue_kinds[m.pattern().as_usize()];
                if in_title {
                    counts.title[kind] += 1;
                }
                if in_title || m.start() < split {
                    counts.lead[kind] += 1;
                } else {
                    counts.rest[kind] += 1;
                }
            }
        }
        counts
    }
}

/// Cue counts per kind (`CUE_KINDS` order): in the title alone; in the lead (the title and the
/// first `lead_chars` of the body); in the rest of the body.
#[derive(Clone, Copy, Default)]
pub struct CueCounts {
    pub title: [u32; 5],
    pub lead: [u32; 5],
    pub rest: [u32; 5],
}

/// What the article gives the verdict besides its standing hits.
pub struct Context<'a> {
    pub facts: &'a ArticleFacts<'a>,
    pub fields: &'a [Field<'a>],
    /// The headline as published (`fields` keeps only the fields with a trigger).
    pub title: &'a str,
    /// Hits cancelled as history, and for any other reason.
    pub cancelled: (usize, usize),
    pub cues: CueCounts,
    /// The rules' severity and band (judgement.rs).
    pub severity: f64,
    /// The body as published.
    pub body: &'a str,
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

/// Rules of weapons fired or tested: force shown, which docs/labelling.md always pages on when
/// a state does it.
const FORCE_SHOWN: [&str; 3] =
    ["mobilize.show_of_force", "mobilize.weapons_fire", "mobilize.weapons_splash"];

/// Categories of a verbal reaction: protests, criticism, demands, rejections, inquiries.
const REACTIONS: [&str; 5] = ["investigate", "disapprove", "reject", "demand", "protest"];

/// "Japan protests after a Chinese navy ship sails near disputed islands": a verbal reaction
/// whose clause ends at "after" answers an act, and that act is the escalation. The first
/// state named after "after" is its agent; None when the main event is no such reaction.
fn answered_agent<'m>(
    tables: &Tables,
    ctx: &Context<'m>,
    hit: &Hit,
    clause: (usize, usize),
) -> Option<&'m str> {
    if !REACTIONS.contains(&tables.categories[hit.category].id.as_str()) {
        return None;
    }
    let field = field_of(ctx.fields, hit.title);
    if !field.folded_slice(clause.1, hit.sentence_end).starts_with(" after ") {
        return None;
    }
    ctx.facts.mentions.between(hit.title, clause.1, hit.sentence_end).map(|(_, c)| c).next()
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
    let dyad = match (answered_agent(tables, ctx, hit, clause), dyad) {
        (Some(agent), Some((reacting, _))) if agent != reacting => {
            Some((agent.to_owned(), Some(reacting)))
        }
        (_, dyad) => dyad,
    };
    // A main event outside the headline: the headline still says whose story it is. Its first
    // state (the subject: "U.S. says China ...", "Kerry announces talks with Venezuela") acts;
    // the target is the next state it names, else the main event's other side.
    let dyad = if hit.title { dyad } else { headline_dyad(ctx.facts.mentions, ctx.title, dyad) };
    MainEvent { hit: index, clause, dyad, two_sided }
}

fn headline_dyad(
    mentions: &Mentions,
    title: &str,
    dyad: Option<(String, Option<String>)>,
) -> Option<(String, Option<String>)> {
    // "... – USA TODAY", "... - Voice of America": the outlet after the last dash is no actor.
    let end = [" \u{2013} ", " \u{2014} ", " - ", " | "]
        .iter()
        .filter_map(|dash| title.rfind(dash))
        .max()
        .map_or(usize::MAX, |byte| title[..byte].chars().count());
    let mut named: Vec<&str> = Vec::new();
    for (_, code) in mentions.between(true, 0, end) {
        if !named.contains(&code) {
            named.push(code);
        }
    }
    let Some(&subject) = named.first() else {
        return dyad;
    };
    let (source, target) = match &dyad {
        Some((s, t)) => (Some(s.as_str()), t.as_deref()),
        None => (None, None),
    };
    let other = named[1..]
        .iter()
        .copied()
        .chain(target)
        .chain(source)
        .find(|c| *c != subject)
        .map(str::to_owned);
    Some((subject.to_owned(), other))
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
    for (kind, count) in CUE_KINDS.iter().zip(ctx.cues.lead) {
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
            // A threat of force in the headline whose sentence names an armed force or group
            // ("Islamic State urges attacks on ..."): the guide pages on it, state or not.
            let threatens_force =
                tables.categories[hit.category].id == "threaten" && rule.interstate && hit.armed;
            if severity < spec.high && hit.title && !hit.hedged && threatens_force {
                severity = spec.high;
                reasons
                    .push("at least high: an armed force threatens force in the headline".into());
            }
            // A state firing or testing weapons, said so in the headline: force shown.
            let state_fires = || {
                let before = ctx.facts.mentions.between(true, main.clause.0, hit.trigger_start);
                FORCE_SHOWN.contains(&rule.id.as_str()) && before.count() > 0
            };
            if severity < spec.high && hit.title && !hit.hedged && state_fires() {
                severity = spec.high;
                reasons
                    .push("at least high: a state fires or tests weapons in the headline".into());
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
            let calming = ctx.cues.lead[0] + ctx.cues.lead[1];
            if calming > 0 && !tables.categories[hit.category].violent {
                severity = (severity * j.restraint_factor * 100.0).round() / 100.0;
                reasons.push("discounted: restraint or cooperation in the lead".to_owned());
            }
        }
    }
    Verdict { severity, level: level_of(tables, severity), main, p_high, p_alert, reasons }
}

#[cfg(test)]
mod tests {
    use super::JudgementTables;

    fn tables() -> JudgementTables {
        let lists = [
            vec!["exercise restraint".to_owned()],
            vec!["trade deal".to_owned()],
            vec!["anniversary".to_owned()],
            vec!["court".to_owned()],
            vec!["match".to_owned()],
        ];
        JudgementTables::new(20, [2.5, 1.3, 0.6], 1.2, (vec![], vec![]), lists, (5.4, 0.7), vec![])
            .expect("valid cue lists")
    }

    #[test]
    fn counts_whole_words_in_the_lead_and_the_rest() {
        let counts = tables().count_cues(
            "Leaders Exercise Restraint",
            "A trade deal was signed. Later the court met; matches and courtship do not count.",
        );
        assert_eq!(counts.title, [1, 0, 0, 0, 0]);
        assert_eq!(counts.lead, [1, 1, 0, 0, 0]); // title and the first 20 characters
        assert_eq!(counts.rest, [0, 0, 0, 1, 0]);
    }
}
