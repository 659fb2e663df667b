//! `scope._casualties` on ASCII sentences (the Python reference answers for others): the
//! largest number of dead a sentence reports.
//!
//! Its two regexes are matched by hand, start by start as finditer tries them. The number
//! `(\d{1,3}(?:,\d{3})+|\d+|dozens|scores|hundreds|thousands)(?![\d,])` can match in at most
//! one way where it starts (see `number_at`), and every other part either takes all it can
//! (a `\s+` or `\w+` before what cannot be a space or a word character) or is tried in the
//! regex's own order (the lazy `{0,3}?`, the alternations), so the match found, and where
//! finditer resumes, are the reference's. A unit test compares both on generated sentences.

use super::regex::{boundary, first_of, is_digit, literal, spaces, spaces1, value, word};

const NUMBER_WORDS: [(&[u8], u64); 4] =
    [(b"dozens", 24), (b"scores", 40), (b"hundreds", 200), (b"thousands", 2000)];
const AUXILIARIES: [&[u8]; 4] = [b"were", b"have", b"had", b"are"];
const VERBS: [&[u8]; 5] = [b"killed", b"dead", b"died", b"slain", b"massacred"];

/// The largest count of dead in `sentence` (saturating), or None when it is not ASCII.
pub fn casualties(sentence: &str) -> Option<u64> {
    if !sentence.is_ascii() {
        return None;
    }
    let low = sentence.to_ascii_lowercase();
    if !["kill", "dead", "died", "slain"].iter().any(|w| low.contains(w)) {
        return Some(0);
    }
    let w = low.as_bytes();
    let mut best = 0;
    type Pattern = fn(&[u8], usize) -> Option<Found>;
    for pattern in [count_then_verb as Pattern, verb_then_count] {
        let mut at = 0;
        while at < w.len() {
            let Some(found) = pattern(w, at) else {
                at += 1;
                continue;
            };
            let group = &w[found.number.0..found.number.1];
            let worded = NUMBER_WORDS.iter().find(|(word, _)| *word == group);
            let count = worded.map_or_else(|| value(group), |&(_, count)| count);
            let is_year = !group.contains(&b',') && (1800..=2100).contains(&count);
            if !is_year {
                best = best.max(count);
            }
            at = found.end;
        }
    }
    Some(best)
}

/// A match: where its number group lies, where it ends (finditer resumes there).
struct Found {
    number: (usize, usize),
    end: usize,
}

/// The end of the number group at `at`, if `_NUMBER` matches there. Its three branches
/// exclude each other: a letter starts only a word; `\d{1,3}(?:,\d{3})+` needs a comma after
/// its first digits and `\d+` none after its digits (the look-ahead), and no backtracking
/// inside either can help (fewer digits or groups leave a digit or a comma next).
fn number_at(w: &[u8], at: usize) -> Option<usize> {
    let lookahead = |end: usize| w.get(end).is_none_or(|&b| !is_digit(b) && b != b',');
    if w.get(at).is_some_and(|&b| is_digit(b)) {
        let run = w[at..].iter().position(|&b| !is_digit(b)).map_or(w.len(), |n| at + n);
        if w.get(run) == Some(&b',') {
            if run - at > 3 {
                return None;
            }
            let mut end = run;
            while w.get(end) == Some(&b',')
                && w.get(end + 1..end + 4).is_some_and(|g| g.iter().copied().all(is_digit))
            {
                end += 4;
            }
            return (end > run && lookahead(end)).then_some(end);
        }
        return Some(run); // a digit run ends before a non-digit other than a comma
    }
    let end = first_of(w, at, &NUMBER_WORDS.map(|(word, _)| word))?;
    lookahead(end).then_some(end)
}

/// The first pattern, `NUMBER\s+(?:\w+\s+){0,3}?(?:were\s+|have\s+been\s+|had\s+been\s+|
/// are\s+)?(?:killed|dead|died|slain|massacred)\b`, at `at`.
fn count_then_verb(w: &[u8], at: usize) -> Option<Found> {
    let number_end = number_at(w, at)?;
    let mut next = spaces1(w, number_end)?;
    for rep in 0..=3 {
        if let Some(end) = auxiliary_then_verb(w, next) {
            return Some(Found { number: (at, number_end), end });
        }
        if rep == 3 {
            break;
        }
        next = spaces1(w, word(w, next)?)?;
    }
    None
}

/// `(?:were\s+|have\s+been\s+|had\s+been\s+|are\s+)?(?:killed|...)\b` at `at`: its end.
fn auxiliary_then_verb(w: &[u8], at: usize) -> Option<usize> {
    let verb = |from: usize| first_of(w, from, &VERBS).filter(|&end| boundary(w, end));
    for auxiliary in AUXILIARIES {
        let Some(end) = literal(w, at, auxiliary).and_then(|end| spaces1(w, end)) else {
            continue;
        };
        let end = if auxiliary == b"have" || auxiliary == b"had" {
            match literal(w, end, b"been").and_then(|e| spaces1(w, e)) {
                Some(end) => end,
                None => continue,
            }
        } else {
            end
        };
        if let Some(found) = verb(end) {
            return Some(found);
        }
    }
    verb(at)
}

/// The second pattern, `\b(?:killing|killed|kills|death toll\s+(?:\w+\s+){0,3}?)\s*
/// (?:at least\s+)?NUMBER`, at `at` (it ends with its number).
fn verb_then_count(w: &[u8], at: usize) -> Option<Found> {
    if !boundary(w, at) {
        return None;
    }
    let count_at = |from: usize| {
        let start = spaces(w, from);
        let start = literal(w, start, b"at least").and_then(|e| spaces1(w, e)).unwrap_or(start);
        number_at(w, start).map(|end| Found { number: (start, end), end })
    };
    if let Some(end) = first_of(w, at, &[b"killing", b"killed", b"kills"]) {
        return count_at(end);
    }
    let mut next = spaces1(w, literal(w, at, b"death toll")?)?;
    for rep in 0..=3 {
        if let Some(found) = count_at(next) {
            return Some(found);
        }
        if rep == 3 {
            break;
        }
        next = spaces1(w, word(w, next)?)?;
    }
    None
}
