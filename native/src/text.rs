//! The validate stage's text passes: whitespace normalisation and the language guess.
//! References: `normalize_whitespace` in app/domain/text.py, `guess_language` in
//! app/domain/language.py; tests/unit/test_native_text.py checks that both agree.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::pyunicode::{is_space, is_word_letter};

/// Horizontal spaces that `normalize_whitespace` collapses (its regex `_SPACES`): a run of
/// them, of any length, becomes one plain space.
fn is_horizontal_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{0c}' | '\u{0b}' | '\u{a0}' | '\u{2000}'
            ..='\u{200b}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

fn is_py_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' | '\u{1c}'..='\u{1f}')
    } else {
        is_space(c)
    }
}

/// Python's `str.strip()` with no argument.
fn py_strip(text: &str) -> &str {
    text.trim_matches(is_py_space)
}

/// True when `normalize_whitespace` would return `text` unchanged: no carriage return, tab,
/// form feed or odd space, no two spaces in a row, no space at either end of a line or of the
/// text, no run of three line breaks. Clean news text is nearly always so, and then the
/// caller gets its own string object back: no copy, no conversion.
fn is_normalized(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Skip ordinary bytes: the check is one table look-up per byte of running text.
        while i < bytes.len() && BYTE_CLASS[bytes[i] as usize] == ORDINARY {
            i += 1;
        }
        let Some(&byte) = bytes.get(i) else { break };
        match BYTE_CLASS[byte as usize] {
            SPACE => {
                // A leading space, two in a row, or a line starting with one.
                if i == 0 || matches!(bytes[i - 1], b' ' | b'\n') {
                    return false;
                }
            }
            NEWLINE => {
                let three_breaks = i >= 2 && bytes[i - 1] == b'\n' && bytes[i - 2] == b'\n';
                let line_ends_in_space = text[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|before| before != '\n' && is_py_space(before));
                if three_breaks || line_ends_in_space {
                    return false;
                }
            }
            MAYBE_SPACE => {
                // `i` begins a character: decode it (other lead bytes cannot start a space).
                let c = text[i..].chars().next().unwrap_or('\u{fffd}');
                if is_py_space(c) || is_horizontal_space(c) {
                    return false; // collapsed, or (to keep this simple) any other space
                }
            }
            _ => return false, // tab, carriage return, form feed, an ASCII separator
        }
        i += 1;
    }
    text.chars().next_back().is_none_or(|last| !is_py_space(last))
}

const ORDINARY: u8 = 0;
const SPACE: u8 = 1;
const NEWLINE: u8 = 2;
const MAYBE_SPACE: u8 = 3;
const CHANGED: u8 = 4;

/// What each byte may be to `is_normalized`: the first bytes of every non-ASCII space
/// (U+0085 and U+00A0: 0xC2; U+1680: 0xE1; U+2000-U+205F: 0xE2; U+3000: 0xE3) are looked at.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [ORDINARY; 256];
    table[b' ' as usize] = SPACE;
    table[b'\n' as usize] = NEWLINE;
    let mut byte = 0x09;
    while byte <= 0x1f {
        if byte != b'\n' && (byte <= 0x0d || byte >= 0x1c) {
            table[byte as usize] = CHANGED;
        }
        byte += 1;
    }
    table[0xc2] = MAYBE_SPACE;
    table[0xe1] = MAYBE_SPACE;
    table[0xe2] = MAYBE_SPACE;
    table[0xe3] = MAYBE_SPACE;
    table
};

/// Collapse runs of spaces, keep single paragraph breaks, trim the ends.
#[pyfunction]
pub fn normalize_whitespace<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    let view = text.to_str()?;
    if is_normalized(view) {
        return Ok(text.clone());
    }
    Ok(PyString::new(text.py(), &normalized(view)))
}

fn normalized(text: &str) -> String {
    // Copy unchanged stretches whole; rewrite only line breaks and runs of spaces.
    let mut collapsed = String::with_capacity(text.len());
    let mut copied_to = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\r' {
            // "\r\n" and a lone "\r" are both one line break.
            collapsed.push_str(&text[copied_to..at]);
            collapsed.push('\n');
            copied_to = at + 1;
            if chars.next_if(|&(_, next)| next == '\n').is_some() {
                copied_to += 1;
            }
        } else if is_horizontal_space(c) {
            let mut end = at + c.len_utf8();
            while let Some((next_at, next)) = chars.next_if(|&(_, next)| is_horizontal_space(next))
            {
                end = next_at + next.len_utf8();
            }
            if c != ' ' || end > at + 1 {
                collapsed.push_str(&text[copied_to..at]);
                collapsed.push(' ');
                copied_to = end;
            }
        }
    }
    collapsed.push_str(&text[copied_to..]);
    if !collapsed.contains('\n') {
        return py_strip(&collapsed).to_owned();
    }
    // Strip every line (lines of only spaces become empty), then any run of blank lines
    // becomes one paragraph break: at most two line breaks in a row.
    let mut joined = String::with_capacity(collapsed.len());
    let mut breaks = 0usize;
    for (i, line) in collapsed.split('\n').enumerate() {
        let line = py_strip(line);
        if i > 0 {
            breaks += 1;
        }
        if line.is_empty() {
            continue;
        }
        let kept = if joined.is_empty() { 0 } else { breaks.min(2) };
        for _ in 0..kept {
            joined.push('\n');
        }
        joined.push_str(line);
        breaks = 0;
    }
    joined
}

/// Counts common function words per language (see app/domain/language.py for why).
#[pyclass(frozen)]
pub struct LanguageGuesser {
    /// Language codes in the reference's order (ties go to the first).
    languages: Vec<String>,
    /// Stop word -> indexes into `languages`.
    stopwords: std::collections::HashMap<String, Vec<usize>>,
    sample_chars: usize,
    min_hits: u32,
    /// Characters in the longest stop word.
    longest_stopword: usize,
}

#[pymethods]
impl LanguageGuesser {
    #[new]
    fn new(stopwords: Vec<(String, Vec<String>)>, sample_chars: usize, min_hits: u32) -> Self {
        let mut by_word: std::collections::HashMap<String, Vec<usize>> = Default::default();
        let mut languages = Vec::with_capacity(stopwords.len());
        for (index, (language, words)) in stopwords.into_iter().enumerate() {
            languages.push(language);
            for word in words {
                let langs = by_word.entry(word).or_default();
                if !langs.contains(&index) {
                    langs.push(index);
                }
            }
        }
        let longest_stopword = by_word.keys().map(|word| word.chars().count()).max().unwrap_or(0);
        LanguageGuesser { languages, stopwords: by_word, sample_chars, min_hits, longest_stopword }
    }

    /// An ISO 639-1 code, or None when the sample is too small or ambiguous.
    fn guess(&self, text: &str) -> Option<String> {
        let end = text.char_indices().nth(self.sample_chars).map_or(text.len(), |(at, _)| at);
        let sample = &text[..end];
        if !sample.is_ascii() {
            let length = sample.chars().count();
            let non_ascii = sample.chars().filter(|c| !c.is_ascii()).count();
            if non_ascii > length / 4 {
                if let Some(script) = script_of(sample, length) {
                    return Some(script.to_owned());
                }
            }
        }
        let scores = self.stopword_hits(sample);
        // The first language with the highest count, as Python's max() over the dict.
        let mut best = 0;
        for (i, &score) in scores.iter().enumerate() {
            if score > scores[best] {
                best = i;
            }
        }
        let mut ranked = scores.clone();
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        let (top, second) = (ranked[0], ranked.get(1).copied().unwrap_or(0));
        // top < 1.5 * second, in integers.
        if top < self.min_hits || 2 * top < 3 * second {
            return None;
        }
        Some(self.languages[best].clone())
    }
}

impl LanguageGuesser {
    fn stopword_hits(&self, sample: &str) -> Vec<u32> {
        // The reference cuts ASCII text and other text by two routes (a bytes fast path, and
        // a regex for words of letters); both give the runs of letters, lower-cased, since
        // the typographic marks it blanks first are never letters.
        let mut scores = vec![0u32; self.languages.len()];
        let mut lowered = String::with_capacity(16);
        let not_a_letter =
            |c: char| if c.is_ascii() { !c.is_ascii_alphabetic() } else { !is_word_letter(c) };
        for word in sample.split(not_a_letter) {
            // Lower-casing never shortens a word, so one longer than every stop word is none.
            if word.is_empty() || word.chars().count() > self.longest_stopword {
                continue;
            }
            let langs = if word.is_ascii() {
                lowered.clear();
                lowered.push_str(word);
                lowered.make_ascii_lowercase();
                self.stopwords.get(lowered.as_str())
            } else {
                self.stopwords.get(word.to_lowercase().as_str())
            };
            for &lang in langs.into_iter().flatten() {
                scores[lang] += 1;
            }
        }
        scores
    }
}

fn script_of(sample: &str, length: usize) -> Option<&'static str> {
    let share = |test: fn(char) -> bool| sample.chars().filter(|&c| test(c)).count() > length / 4;
    if share(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        return Some("ru");
    }
    if share(|c| ('\u{600}'..='\u{6ff}').contains(&c)) {
        return Some("ar");
    }
    if share(|c| ('\u{3040}'..='\u{9fff}').contains(&c) || ('\u{ac00}'..='\u{d7af}').contains(&c)) {
        if sample.chars().any(|c| ('\u{ac00}'..='\u{d7af}').contains(&c)) {
            return Some("ko");
        }
        if sample.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)) {
            return Some("ja");
        }
        return Some("zh");
    }
    None
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normalize_whitespace, m)?)?;
    m.add_class::<LanguageGuesser>()?;
    Ok(())
}
