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
    let mut previous: Option<char> = None;
    let mut breaks_in_a_row = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = if bytes[i] < 0x80 {
            bytes[i] as char
        } else {
            // `i` is always the first byte of a character, so this decodes one.
            text[i..].chars().next().unwrap_or('\u{fffd}')
        };
        i += c.len_utf8();
        match c {
            '\n' => {
                breaks_in_a_row += 1;
                let ends_a_line_in_space = previous.is_some_and(|p| p != '\n' && is_py_space(p));
                if breaks_in_a_row == 3 || previous.is_none() || ends_a_line_in_space {
                    return false;
                }
            }
            ' ' => {
                if matches!(previous, None | Some(' ') | Some('\n')) {
                    return false; // a leading space, two in a row, or a line starting with one
                }
                breaks_in_a_row = 0;
            }
            // Collapsed or stripped characters (and, to keep this simple, any other space).
            _ if is_py_space(c) || is_horizontal_space(c) => return false,
            _ => breaks_in_a_row = 0,
        }
        previous = Some(c);
    }
    previous.is_none_or(|p| !is_py_space(p))
}

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
    let mut collapsed = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            // "\r\n" and a lone "\r" are both one line break.
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            collapsed.push('\n');
        } else if is_horizontal_space(c) {
            while chars.peek().is_some_and(|&next| is_horizontal_space(next)) {
                chars.next();
            }
            collapsed.push(' ');
        } else {
            collapsed.push(c);
        }
    }
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
}

/// Typographic punctuation replaced by spaces before words are cut (`_TYPOGRAPHIC`).
fn is_typographic(c: char) -> bool {
    matches!(
        c,
        '\u{2018}'
            | '\u{2019}'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2026}'
            | '\u{a0}'
    )
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
        LanguageGuesser { languages, stopwords: by_word, sample_chars, min_hits }
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
        let mut scores = vec![0u32; self.languages.len()];
        let mut count = |word: &str| {
            if let Some(langs) = self.stopwords.get(word) {
                for &lang in langs {
                    scores[lang] += 1;
                }
            }
        };
        let words_only: String =
            sample.chars().map(|c| if is_typographic(c) { ' ' } else { c }).collect();
        if words_only.is_ascii() {
            // ASCII letters lower-cased; every other character separates words.
            for word in words_only.split(|c: char| !c.is_ascii_alphabetic()) {
                if !word.is_empty() {
                    count(&word.to_ascii_lowercase());
                }
            }
        } else {
            for word in words_only.split(|c: char| !is_word_letter(c)) {
                if !word.is_empty() {
                    count(&word.to_lowercase());
                }
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
