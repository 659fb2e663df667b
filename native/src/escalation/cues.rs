//! Context that cancels or weakens a trigger (`cues.CueChecker.check`).
//!
//! Explicit years are left to the reference's `history.reported_history` (its regexes use
//! Python's Unicode `\b`, `\s` and `\d`), called back only for a window that holds "ties" or
//! the two characters a year begins with ("16".."19", "20"): every path of that function that
//! returns True needs one of them (a year `(1[6-9]|20)\d\d`, a decade `(1[6-9]|20)\d0s`, or a
//! decade word, which all end in "ties"), so on other windows it returns False.

use pyo3::prelude::*;

use super::context::{
    ContextMatch, Window, DEESCALATION, DENIAL, HEDGE, HISTORY, MODIFIER, NEGATION, RESOLUTION,
};
use super::tables::CueWindows;

const CANCELLING: u32 = NEGATION | DENIAL | DEESCALATION | RESOLUTION | HISTORY;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Negation,
    Denial,
    Deescalation,
    Resolution,
    History,
}

pub struct CueOutcome {
    /// Why the trigger reports no new escalation (None: it does).
    pub reason: Option<Reason>,
    pub hedged: bool,
    /// A strong modifier sits next to it.
    pub modified: bool,
}

/// `sentence` is the trigger's sentence as `folded` bytes (field.rs); `reported_history`
/// asks the reference about the lower-cased `sentence[first:ts] + " " + sentence[ts:last]`.
pub fn check(
    windows: &CueWindows,
    window: &Window<'_>,
    matches: &[ContextMatch],
    sentence: &[u8],
    reported_history: &mut dyn FnMut(usize, usize) -> PyResult<bool>,
) -> PyResult<CueOutcome> {
    let CueWindows(negation, denial, deescalation, before, after, history, hedge, modifier) =
        *windows;
    let (ts, te) = (window.start, window.end);
    let back = |m: &ContextMatch, count: usize| window.reaches_back(m.start, count);
    let ahead = |m: &ContextMatch, count: usize| window.reaches_ahead(m.end, count);
    let flags = matches.iter().fold(0, |all, m| all | m.cues);
    let mut reason = None;
    if flags & CANCELLING != 0 {
        let prior = |kind: u32, count: usize| {
            matches.iter().any(|m| m.end <= ts && m.cues & kind != 0 && back(m, count))
        };
        if prior(NEGATION, negation) {
            reason = Some(Reason::Negation);
        } else if prior(DENIAL, denial) {
            reason = Some(Reason::Denial);
        } else if prior(DEESCALATION, deescalation) {
            reason = Some(Reason::Deescalation);
        } else if matches.iter().any(|m| {
            m.cues & RESOLUTION != 0
                && ((m.end <= ts && back(m, before)) || (m.start >= te && ahead(m, after)))
        }) {
            reason = Some(Reason::Resolution);
        } else if matches.iter().any(|m| {
            m.cues & HISTORY != 0
                && (m.end <= ts || m.start >= ts) // the window joins at the trigger
                && back(m, history)
                && ahead(m, history)
        }) {
            reason = Some(Reason::History);
        }
    }
    if reason.is_none() {
        let (first, last) = (window.before(history), window.after(history));
        if may_date(&sentence[first.min(ts)..ts], &sentence[ts..last.max(ts)])
            && reported_history(first, last)?
        {
            reason = Some(Reason::History);
        }
    }
    let hedged = sentence.last() == Some(&b'?') // sentences are trimmed
        || (flags & HEDGE != 0
            && matches.iter().any(|m| m.cues & HEDGE != 0 && m.end <= ts && back(m, hedge)));
    let modified = flags & MODIFIER != 0
        && matches
            .iter()
            .any(|m| m.cues & MODIFIER != 0 && back(m, modifier) && ahead(m, modifier));
    Ok(CueOutcome { reason, hedged, modified })
}

/// Whether `reported_history` can return True on the window `before + " " + after` (see the
/// module comment). `folded` bytes are the lower-cased characters (but for the case of ASCII
/// letters) wherever those are ASCII, and bytes no pattern holds elsewhere, so the answer is
/// the same as on the lowered text.
fn may_date(before: &[u8], after: &[u8]) -> bool {
    let dated = |part: &[u8]| {
        part.windows(4).any(|w| w.eq_ignore_ascii_case(b"ties"))
            || part.windows(2).any(|pair| matches!(pair, [b'1', b'6'..=b'9'] | [b'2', b'0']))
    };
    // The joining space belongs to neither pattern, so each part can be tested alone.
    dated(before) || dated(after)
}
