//! Scope: what an article is about bounds its severity band (`scope.scope_of` and `bound`).
//!
//! Mass casualties are counted by the reference's `scope._casualties` (Python regexes with
//! Unicode classes), called back only when `bound` needs the answer and only for a sentence
//! that can hold one: the reference returns 0 unless the lower-cased sentence holds "kill",
//! "dead", "died" or "slain". Of all characters only U+0130 and U+212A (KELVIN SIGN) lower-
//! case to something with an ASCII letter (a unit test checks it on Python's tables), so a
//! sentence without those two is tested here on its ASCII letters alone.

use std::cell::RefCell;

use pyo3::prelude::*;

use super::check::Hit;
use super::mentions::MentionIndex;
use super::tables::Tables;

/// The article-level signals, computed as `bound` asks for them.
pub struct Scope<'a> {
    tables: &'a Tables,
    hits: &'a [Hit],
    mentions: &'a MentionIndex<'a>,
    conflict_led: bool,
    /// Whether a hit's evidence sentence reports mass casualties (the reference's count).
    casualties: &'a dyn Fn(usize) -> PyResult<bool>,
    mass: RefCell<Vec<Option<bool>>>,
}

impl<'a> Scope<'a> {
    pub fn new(
        tables: &'a Tables,
        hits: &'a [Hit],
        mentions: &'a MentionIndex<'a>,
        topics: &[&str],
        casualties: &'a dyn Fn(usize) -> PyResult<bool>,
    ) -> Self {
        let spec = &tables.severity;
        // The last rank of a code, as a dict built in topic order keeps.
        let rank = |code: &str| topics.iter().rposition(|t| *t == code);
        let conflict_led = match (rank(&spec.conflict_topic), rank(&spec.crime_topic)) {
            (Some(conflict), Some(crime)) => conflict < crime,
            (Some(_), None) => true,
            _ => false,
        };
        Scope {
            tables,
            hits,
            mentions,
            conflict_led,
            casualties,
            mass: RefCell::new(vec![None; hits.len()]),
        }
    }

    fn firm(&self) -> impl Iterator<Item = (usize, &'a Hit)> {
        self.hits.iter().enumerate().filter(|(_, hit)| !hit.hedged)
    }

    fn violent(&self, hit: &Hit) -> bool {
        self.tables.categories[hit.category].violent
    }

    /// A firm violence hit whose sentence reports mass casualties.
    fn is_mass(&self, index: usize) -> PyResult<bool> {
        if let Some(known) = self.mass.borrow()[index] {
            return Ok(known);
        }
        let mass = (self.casualties)(index)?;
        self.mass.borrow_mut()[index] = Some(mass);
        Ok(mass)
    }

    fn armed_violence(&self) -> PyResult<bool> {
        for (index, hit) in self.firm() {
            if self.violent(hit) && hit.lead && (hit.armed || self.is_mass(index)?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn armed(&self) -> bool {
        self.firm().any(|(_, hit)| hit.armed)
    }

    fn mass(&self) -> PyResult<bool> {
        for (index, hit) in self.firm() {
            if self.violent(hit) && self.is_mass(index)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Firm hits of an interstate code with two different states named in their sentence.
    fn interstate(&self) -> impl Iterator<Item = &'a Hit> + '_ {
        self.firm().map(|(_, hit)| hit).filter(move |hit| {
            if !self.tables.rules[hit.rule].interstate {
                return false;
            }
            let codes =
                self.mentions.codes_between(hit.title, hit.sentence_start, hit.sentence_end);
            codes.iter().any(|code| *code != codes[0])
        })
    }

    /// The severity with the scope's caps and floor applied.
    pub fn bound(&self, mut severity: f64) -> PyResult<f64> {
        let spec = &self.tables.severity;
        if severity >= spec.critical && !(self.conflict_led && self.armed_violence()?) {
            severity = spec.national_cap;
        }
        if severity >= spec.high
            && !(self.armed() || self.interstate().next().is_some() || self.mass()?)
        {
            severity = spec.domestic_cap;
        }
        if spec.medium <= severity
            && severity < spec.interstate_floor
            && self.interstate().any(|hit| hit.lead)
        {
            severity = spec.interstate_floor;
        }
        Ok(severity)
    }
}

/// Whether the reference's `_casualties` can find a count in `sentence` (see the module
/// comment); when not, it returns 0.
pub fn may_count_casualties(sentence: &str) -> bool {
    if sentence.contains(['\u{130}', '\u{212a}']) {
        return true;
    }
    // Other characters stay bytes >= 0x80, which no word holds.
    let letters: Vec<u8> = sentence.bytes().map(|b| b.to_ascii_lowercase()).collect();
    ["kill", "dead", "died", "slain"]
        .iter()
        .any(|word| letters.windows(word.len()).any(|w| w == word.as_bytes()))
}
