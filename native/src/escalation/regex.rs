//! The few pieces of Python's `re` the hand-written matchers of history.rs and casualties.rs
//! need, on ASCII text (other text goes to the Python reference): there, `\d` is [0-9],
//! `\s` is Python's ASCII whitespace (with the separators 0x1C-0x1F), `\w` is [A-Za-z0-9_],
//! and `\b` sits between a word character and anything else, the text's ends counting as
//! non-word.

pub fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

pub fn is_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ')
}

pub fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `\b` at `at`.
pub fn boundary(text: &[u8], at: usize) -> bool {
    let before = at > 0 && text.get(at - 1).copied().is_some_and(is_word);
    let after = text.get(at).copied().is_some_and(is_word);
    before != after
}

/// The end of a run of `\s` starting at `at` (`\s*`, greedy).
pub fn spaces(text: &[u8], at: usize) -> usize {
    text[at.min(text.len())..].iter().position(|&b| !is_space(b)).map_or(text.len(), |n| at + n)
}

/// `\s+` at `at`: the end of the run, if there is one.
pub fn spaces1(text: &[u8], at: usize) -> Option<usize> {
    let end = spaces(text, at);
    (end > at).then_some(end)
}

/// The end of a run of `\w` starting at `at` (`\w+`), if there is one.
pub fn word(text: &[u8], at: usize) -> Option<usize> {
    let tail = &text[at.min(text.len())..];
    let end = tail.iter().position(|&b| !is_word(b)).map_or(text.len(), |n| at + n);
    (end > at).then_some(end)
}

/// The end of `literal` at `at`, if it is there.
pub fn literal(text: &[u8], at: usize, literal: &[u8]) -> Option<usize> {
    text.get(at..at + literal.len()).filter(|part| *part == literal).map(|_| at + literal.len())
}

/// The end of the first of `words` found at `at` (an alternation of literals, tried in
/// order), if any.
pub fn first_of(text: &[u8], at: usize, words: &[&[u8]]) -> Option<usize> {
    words.iter().find_map(|w| literal(text, at, w))
}

/// `(?:1[6-9]|20)\d\d` at `at`: a year from 1600 to 2099, its end.
pub fn year(text: &[u8], at: usize) -> Option<usize> {
    let y = text.get(at..at + 4)?;
    let century = matches!(y, [b'1', b'6'..=b'9', ..] | [b'2', b'0', ..]);
    (century && is_digit(y[2]) && is_digit(y[3])).then_some(at + 4)
}

/// The value of a run of ASCII digits (commas skipped), saturating: Python's
/// `int(digits.replace(",", ""))` where it fits, and a number above every threshold where
/// it does not.
pub fn value(digits: &[u8]) -> u64 {
    digits
        .iter()
        .filter(|b| b.is_ascii_digit())
        .fold(0u64, |acc, &b| acc.saturating_mul(10).saturating_add(u64::from(b - b'0')))
}
