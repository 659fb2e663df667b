//! `history.reported_history` on ASCII windows (the Python reference answers for others).
//!
//! Each regex of the reference is matched by hand. None of them can match in more than one
//! way where it starts: every optional or repeated part ends where the next part cannot
//! begin (a `\s+` before a letter or digit takes all the spaces, a `\d\d` ends at a `\b`),
//! so each function below follows the one path the backtracking engine can succeed on, and
//! says where its reasoning needs more than that. A unit test compares them with the
//! reference on many generated windows.

use super::regex::{boundary, first_of, is_digit, is_word, literal, spaces, spaces1, value, year};

const CLEARLY_PAST: i64 = 2; // years before publication for a bare year to count as history

const EVENTS: [&[u8]; 18] = [
    b"war",
    b"wars",
    b"invasion",
    b"conflict",
    b"uprising",
    b"revolution",
    b"coup",
    b"crisis",
    b"massacre",
    b"genocide",
    b"attack",
    b"attacks",
    b"bombing",
    b"bombings",
    b"offensive",
    b"intervention",
    b"insurgency",
    b"occupation",
];
const DECADE_WORDS: [&[u8]; 5] = [b"fifties", b"sixties", b"seventies", b"eighties", b"nineties"];
const ONGOING: [&[u8]; 8] = [
    b"since",
    b"still",
    b"has been",
    b"have been",
    b"continue",
    b"continues",
    b"continuing",
    b"ongoing",
];

/// True when `window` (lower-cased words around a trigger) dates it before `year`; None when
/// the window is not ASCII.
pub fn reported_history(window: &str, year_of_article: i64) -> Option<bool> {
    if !window.is_ascii() {
        return None;
    }
    let w = window.as_bytes();
    // Every pattern starts with `\b` and a word character: only word starts can start one.
    let starts: Vec<usize> =
        (0..w.len()).filter(|&at| is_word(w[at]) && (at == 0 || !is_word(w[at - 1]))).collect();
    if !w.iter().copied().any(is_digit) {
        return Some(window.contains("ties") && decade(w, &starts));
    }
    // _SPAN and _EVENT: any match whose years say so (see each function for why looking at
    // every start gives what finditer gives).
    let mut resume = 0;
    for &at in &starts {
        if at < resume {
            continue;
        }
        if let Some((first, last, end)) = span(w, at) {
            if first <= last && last < year_of_article {
                return Some(true);
            }
            resume = end;
        }
    }
    if starts.iter().any(|&at| event(w, at).is_some_and(|y| y < year_of_article)) {
        return Some(true);
    }
    if decade(w, &starts) {
        return Some(true);
    }
    let ongoing = starts.iter().any(|&at| ongoing_at(w, at));
    for &at in &starts {
        if let Some((until, y)) = bare_year(w, at) {
            let past = year_of_article - y;
            if (until && past >= 1) || (past >= CLEARLY_PAST && !ongoing) {
                return Some(true);
            }
        }
    }
    Some(false)
}

fn number(digits: &[u8]) -> i64 {
    i64::try_from(value(digits)).unwrap_or(i64::MAX)
}

/// `_SPAN` = `\b(?:from\s+|between\s+)?YEAR\s*(?:-|–|—|to|and|until)\s*((?:1[6-9]|20)?\d\d)\b`
/// at `at`: (first year, last year as the reference computes it, match end).
///
/// The optional "from"/"between" changes neither the groups nor the end: when it matches, so
/// does the match starting at the year (after spaces, so at a `\b`), and nothing can start
/// between the two. So matches are sought at years only, and finditer's order is kept by
/// resuming at each match's end.
fn span(w: &[u8], at: usize) -> Option<(i64, i64, usize)> {
    if !boundary(w, at) {
        return None;
    }
    let first_end = year(w, at)?;
    let separator = spaces(w, first_end);
    // The dashes "–" and "—" are not ASCII.
    let after = first_of(w, separator, &[b"-", b"to", b"and", b"until"])?;
    let second = spaces(w, after);
    // (?:1[6-9]|20)?\d\d\b: with the century if that ends at a boundary, else without.
    let digits_end = |from: usize| {
        let end = from + 2;
        (w.get(from..end).is_some_and(|d| d.iter().copied().all(is_digit)) && boundary(w, end))
            .then_some(end)
    };
    let century = matches!(w.get(second..second + 2), Some([b'1', b'6'..=b'9'] | [b'2', b'0']));
    let last_end =
        century.then(|| digits_end(second + 2)).flatten().or_else(|| digits_end(second))?;
    let first = number(&w[at..first_end]);
    let last_digits = &w[second..last_end];
    let last = if last_digits.len() == 4 {
        number(last_digits)
    } else {
        number(&[&w[at..at + 2], last_digits].concat())
    };
    Some((first, last, last_end))
}

/// `_EVENT` = `\bYEAR\s+(?:war|wars|...)\b` at `at`: the year. No match can start inside
/// another (after its year come only spaces and letters), so every start is one of
/// finditer's matches.
fn event(w: &[u8], at: usize) -> Option<i64> {
    if !boundary(w, at) {
        return None;
    }
    let year_end = year(w, at)?;
    let word = spaces1(w, year_end)?;
    // The alternation backtracks to a longer word ("war" then "wars") when `\b` fails.
    EVENTS
        .iter()
        .any(|e| literal(w, word, e).is_some_and(|end| boundary(w, end)))
        .then(|| number(&w[at..year_end]))
}

/// `_DECADE` = `\b(?:the\s+)?(?:(?:1[6-9]|20)\d0s|fifties|...)\b` found anywhere. Whether
/// "the" precedes changes nothing: the decade then follows spaces, so sits at a `\b`.
fn decade(w: &[u8], starts: &[usize]) -> bool {
    starts.iter().any(|&at| {
        if !boundary(w, at) {
            return false;
        }
        let numeric = matches!(
            w.get(at..at + 5),
            Some([b'1', b'6'..=b'9', d, b'0', b's'] | [b'2', b'0', d, b'0', b's']) if is_digit(*d)
        );
        let end = if numeric { Some(at + 5) } else { first_of(w, at, &DECADE_WORDS) };
        end.is_some_and(|end| boundary(w, end))
    })
}

/// `_ONGOING` = `\b(?:since|still|has been|have been|continues?|continuing|ongoing)\b` at `at`.
fn ongoing_at(w: &[u8], at: usize) -> bool {
    boundary(w, at) && ONGOING.iter().any(|o| literal(w, at, o).is_some_and(|end| boundary(w, end)))
}

/// `_BARE_YEAR` = `\b(in|during|until|till)\s+(?:early\s+|late\s+|mid-?)?(?:the\s+year\s+)?
/// YEAR\b` at `at`: (whether the word is "until"/"till", the year). Only the words listed
/// can start a match, and none occurs inside one, so every start is one of finditer's.
/// Each optional part is taken when present: without it, what follows could not match.
fn bare_year(w: &[u8], at: usize) -> Option<(bool, i64)> {
    if !boundary(w, at) {
        return None;
    }
    let (until, word_end_at) =
        [(false, &b"in"[..]), (false, b"during"), (true, b"until"), (true, b"till")]
            .iter()
            .find_map(|&(until, word)| literal(w, at, word).map(|end| (until, end)))?;
    let mut next = spaces1(w, word_end_at)?;
    if let Some(end) = literal(w, next, b"early").or_else(|| literal(w, next, b"late")) {
        next = spaces1(w, end)?;
    } else if let Some(end) = literal(w, next, b"mid") {
        next = literal(w, end, b"-").unwrap_or(end);
    }
    if let Some(end) = literal(w, next, b"the") {
        if let Some(words) = spaces1(w, end) {
            if let Some(end) = literal(w, words, b"year") {
                if let Some(after) = spaces1(w, end) {
                    next = after;
                }
            }
        }
    }
    let year_end = year(w, next)?;
    boundary(w, year_end).then(|| (until, number(&w[next..year_end])))
}
