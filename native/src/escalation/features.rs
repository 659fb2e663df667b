//! The learned layer's side of the verdict (verdict.rs): the article's feature vector, the two
//! logistic models of judgement_model.json that score it, and where their probabilities land
//! in the severity bands. The feature list is the model file's contract: the engine refuses a
//! model built for another list (escalation.rs, `read_model`).

use std::sync::LazyLock;

use regex::Regex;

use super::judgement::casualties;
use super::rules::Tables;
use super::scan::Hit;
use super::verdict::{Context, MainEvent};

/// The main event is dated in the past: a year, "last month", "years ago", "a year after", an
/// anniversary. News of the day is not dated; a retrospective or a ruling on an old act is.
static DATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:(?:in|of|from|during) (?:19|20)[0-9]{2}\b|last (?:year|month|summer|winter|spring|autumn|fall|decade)\b|(?:years?|months|decades?) (?:ago|after|later|on|since)\b|anniversary|a year on\b)",
    )
    .expect("a valid pattern")
});

/// A year in a headline: the news of the day is not dated, a retrospective or a ruling on an
/// old act is ("court rules 1999 raid was lawful").
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:19|20)[0-9]{2}\b").expect("a valid pattern"));

/// Before the trigger in its sentence: the act is what something else followed ("police on
/// alert after a bombing", "after the attack, ministers met"): not itself the news.
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:after|following|since|in the wake of|in the aftermath of|in response to|over|behind|into)\s")
        .expect("a valid pattern")
});

/// Follow-up language in a headline: the story is the investigation, the suspects, the
/// victims or the trial of an act, not the act.
static FOLLOW_UP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:suspects?|suspected|investigat\w*|probe|inquiry|inquest|manhunt|trial|charged|convicted|sentenced|victims?|survivors?|funeral|mourn\w*|memorial|tribute|identified|mastermind|accomplices?|plotters?|ringleader|extradit\w*|named as|among the dead)\b",
    )
    .expect("a valid pattern")
});

/// A headline about forces going home, prisoners freed or swapped, measures lifted: the way
/// down, not up.
static EASING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:withdraw\w*|pull(?:s|ed|ing)? (?:out|back)|(?:return|returns|returned|come|comes|came|go|goes|went) home|prisoner swap|prisoner exchange|exchange of prisoners|release[sd]?|releasing|freed|frees|lift(?:s|ed|ing)?|ease[sd]?|easing|reopen\w*|restor\w*|truce holds|ceasefire holds)\b",
    )
    .expect("a valid pattern")
});

/// A headline that explains, analyses or reviews: ongoing conflict, not a new event.
static ANALYSIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:how|why|analysis|explainer|q&a|inside|lessons?|what next|what we know|timeline|challenges?|debate|strategy|(?:campaign|fight|war|battle|struggle) (?:on|against)|highlights|underscores|exposes|raises questions|lays bare|legacy of)\b",
    )
    .expect("a valid pattern")
});

/// Talks, truces and aid in a headline: the story is the way out of a conflict.
static TALKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:talks|truce|cease-?fire|negotiat\w*|peace|deal|agreement|accord|summit|aid|pledge[sd]?|donors?|humanitarian|evacuat\w*|refugees?|diplomacy|diplomatic|envoy|mediat\w*|vote|election)\b",
    )
    .expect("a valid pattern")
});

/// Several dead or wounded named in a sentence with words: "fourteen civilians ... dead".
static WORD_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|scores|hundreds|thousands|[a-z]+teen|twenty|thirty|forty|fifty)\b(?:\s+\S+){0,3}?\s+(?:killed|dead|died|slain|wounded|injured|hurt)\b",
    )
    .expect("a valid pattern")
});

/// A count of people: digits (not a year, checked in `count_value`) or a number word.
const COUNT: &str = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozen|dozens|scores|hundreds|thousands)";

/// Dead or wounded counted in the headline and lead, either way round: "more than 20 people
/// killed", "kill at least 19", "fourteen civilians ... dead", "dozens wounded".
static LEAD_DEAD: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        Regex::new(&format!(
            r"\b{COUNT}\b(?:\s+\S+){{0,3}}?\s+(?:were\s+|have\s+been\s+|are\s+)?(?:killed|dead|died|slain|wounded|injured)\b"
        )),
        Regex::new(&format!(
            r"\b(?:kill(?:s|ed|ing)?|death toll (?:rose|rises|climbed) to|leaving|left)\s+(?:at least |more than |over |nearly |some |about )?{COUNT}\b"
        )),
    ]
    .map(|r| r.expect("a valid pattern"))
});

/// A lone or unorganised attacker in the headline or lead: a gunman, a stabbing, a rampage,
/// a brawl. docs/labelling.md keeps attacks without an armed group behind them quiet (counted
/// only when no armed group is named there: `ARMED_GROUP`).
static LONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:gunman|shooter|stabbing|stabbed|knife|knifeman|rampage|lone|shooting spree|stabbing spree|brawl)\b",
    )
    .expect("a valid pattern")
});

/// An organised armed group named in the headline or lead: an attacker with such a link is
/// not a lone one.
static ARMED_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:islamic state|isis|isil|daesh|taliban|al[- ]qaeda|al[- ]shabaab|shabaab|boko haram|hezbollah|hamas|pkk|militants?|jihadists?|insurgents?|rebels?|gunmen|suicide bombers?)\b",
    )
    .expect("a valid pattern")
});

/// Force shown close to another side in a headline: ships, aircraft or troops near someone's
/// ship, waters, islands, airspace or border, or in a disputed sea or territory.
static NEAR_FORCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:warships?|navy|naval|jets?|warplanes?|bombers?|ships?|submarines?|drones?|aircraft|troops|fighters?|vessels?|carriers?)\b.{0,60}\bnear\b|\bnear\b.{0,40}\b(?:destroyer|warships?|waters|islands|airspace|border)\b|\bdisputed (?:\S+ ){0,3}?(?:islands?|waters|sea|territory|territories|border|region|reef|shoal)\b",
    )
    .expect("a valid pattern")
});

/// The most dead or wounded a lower-cased text counts (0 when none).
fn dead_or_wounded(low: &str) -> u64 {
    if !["kill", "dead", "died", "slain", "wound", "injur"].iter().any(|w| low.contains(w)) {
        return 0;
    }
    let mut best = 0;
    for pattern in LEAD_DEAD.iter() {
        for caps in pattern.captures_iter(low) {
            best = best.max(count_value(&caps[1]));
        }
    }
    best
}

/// The number a count stands for; a year ("the 2015 attacks killed") or an implausible figure
/// counts 0.
fn count_value(word: &str) -> u64 {
    let words = [
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
        ("dozen", 12),
        ("dozens", 24),
        ("scores", 40),
        ("hundreds", 200),
        ("thousands", 2000),
    ];
    if let Some((_, value)) = words.iter().find(|(w, _)| *w == word) {
        return *value;
    }
    match word.replace(',', "").parse::<u64>() {
        Ok(value) if value < 5000 && !(1900..=2100).contains(&value) => value,
        _ => 0,
    }
}

/// The fixed features, in model order; one `cat:<id>` per category follows them.
pub const FEATURES: [&str; 69] = [
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
    "main_two_sided",
    "main_casualties",
    "title_casualties",
    "title_word_casualties",
    "main_dated",
    "main_after",
    "title_follow_up",
    "title_talks",
    "title_easing",
    "title_analysis",
    "restraint_title",
    "cooperation_title",
    "background_title",
    "domestic_title",
    "leisure_title",
    "lead_dead",
    "lone_attacker_lead",
    "title_near_force",
    "title_analysis_violent",
];

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
    pub fn score(&self, (bias, weights): &(f64, Vec<f64>), x: &[f64]) -> f64 {
        let z = bias + weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
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
    let (lead, rest) = (ctx.cues.lead, ctx.cues.rest);
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
        (ctx.body.len() as f64 / 500.0).ln_1p(),
    ];
    let title = &ctx.title.to_lowercase();
    let field = ctx.fields.iter().find(|f| f.title == hit.title).unwrap_or(&ctx.fields[0]);
    let sentence = field.folded_slice(hit.sentence_start, hit.sentence_end);
    let before = field.folded_slice(hit.sentence_start, hit.trigger_start);
    // The title's counts were taken on it as published; lower-casing changes what an ASCII
    // case-insensitive match finds only in a non-ASCII title (U+0130 lower-cases to "i\u{307}").
    let title_cues = if ctx.title.is_ascii() {
        ctx.cues.title
    } else {
        tables.judgement.count_cues(title, "").title
    };
    let dead = |text: &str| (casualties(text) as f64).min(10_000.0).ln_1p() / 5.0;
    // Dead counted in a headline with a firm violent hit: an attack, not a crash or a flood.
    let violent_title = hits.iter().any(|h| h.title && !h.hedged && violent(h));
    x.extend([
        flag(main.two_sided),
        dead(sentence),
        if violent_title { dead(title) } else { 0.0 },
        flag(violent_title && WORD_COUNT.is_match(title)),
        flag(DATED.is_match(sentence) || (hit.title && YEAR.is_match(title))),
        // The last few words before the trigger: "after the bombing", "suspects in the attacks".
        flag(AFTER.is_match(last_words(before, 4))),
        flag(FOLLOW_UP.is_match(title)),
        flag(TALKS.is_match(title)),
        flag(EASING.is_match(title)),
        flag(ANALYSIS.is_match(title)),
    ]);
    x.extend(title_cues.iter().map(|&count| cue(count)));
    // The headline and the first `lead_chars` of the body: what the article leads with.
    let lead_end =
        ctx.body.char_indices().nth(tables.judgement.lead_chars).map_or(ctx.body.len(), |(i, _)| i);
    let lead_text = format!("{title} . {}", ctx.body[..lead_end].to_lowercase());
    x.extend([
        (dead_or_wounded(&lead_text).min(10_000) as f64).ln_1p() / 5.0,
        flag(LONE.is_match(&lead_text) && !ARMED_GROUP.is_match(&lead_text)),
        flag(NEAR_FORCE.is_match(title)),
        // An analysis headline over a violent main event: a war described, not a new act.
        flag(ANALYSIS.is_match(title) && violent(hit)),
    ]);
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

/// The last `n` words of a text (and the space before them).
fn last_words(text: &str, n: usize) -> &str {
    let trimmed = text.trim_end();
    let mut at = trimmed.len();
    for _ in 0..n {
        match trimmed[..at].trim_end().rfind(' ') {
            Some(space) => at = space,
            None => return trimmed,
        }
    }
    &trimmed[at..]
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
pub fn learned_severity(
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
