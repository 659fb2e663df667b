//! One text field (title or body) in the forms the scans need: one byte per Python code point
//! each, so that every offset is a Python string offset.
//!
//! - `marks`: the text's characters as the sentence finder and the snippets see them: ASCII
//!   as is, the four curly quotes as the `LEFT_*`/`RIGHT_*` bytes, any other character as
//!   `OTHER_SPACE` (Python's `isspace`), `OTHER_WORD` (`isalnum`) or `OTHER_MARK`. For ASCII
//!   text this is the text itself, borrowed;
//! - `folded`: `lower_keep_length(text)` (textscan.py) where context phrases are checked
//!   (words.rs) and word windows counted: ASCII as is, any other character as `OTHER_WORD`
//!   or `OTHER_MARK`. Every key and phrase is ASCII (words.rs checks), so these bytes never
//!   take part in a match. For ASCII text it is the text itself, borrowed, its letters in
//!   either case: every user of `folded` ignores the case of ASCII letters (phrases are
//!   matched on `spaced`, only their separators on `folded`);
//! - `spaced`: `spaced(lowered)`: every character that is not `isalnum` becomes a space
//!   (that is what its Latin-1 table, its typographic replacements and its `[\W_]` fallback
//!   each do), padded with one space at each end.
//!
//! Lower-casing keeps every character's class: of all characters, only U+212A (KELVIN
//! SIGN, to "k") and U+0130 (to two characters, so `lower_keep_length` keeps it) lower-case
//! to something with ASCII in it, lower-casing never changes whether `isalnum` holds, and
//! `lower_keep_length` turns U+2019 into an apostrophe; tests/unit/test_native_escalation.py
//! checks these facts on Python's own tables. Evidence strings are cut from the text's UTF-8
//! at the byte offsets of their code points. The exact lower-cased characters are needed only for history windows; for a window
//! with other than ASCII characters they come from the reference's `lower_keep_length`,
//! called back once per such field (`str.lower` has context rules, such as the final sigma).

use std::borrow::Cow;
use std::cell::OnceCell;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::pyunicode;

pub const OTHER_WORD: u8 = 0x80;
pub const OTHER_MARK: u8 = 0x81;
pub const OTHER_SPACE: u8 = 0x82;
pub const LEFT_SINGLE: u8 = 0x83; // U+2018
pub const RIGHT_SINGLE: u8 = 0x84; // U+2019
pub const LEFT_DOUBLE: u8 = 0x85; // U+201C
pub const RIGHT_DOUBLE: u8 = 0x86; // U+201D

/// Python's `str.isspace` for a byte of `marks`.
pub fn is_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=b' ' | OTHER_SPACE)
}

/// A word character of the `re` module (`\w`: `isalnum` or the underscore) for a byte of
/// `marks`.
pub fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == OTHER_WORD
}

/// Whether a byte of `folded` stands for an `isalnum` character.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == OTHER_WORD
}

/// The byte of `marks` for a character other than ASCII.
fn mark(c: char) -> u8 {
    match c {
        '\u{2018}' => LEFT_SINGLE,
        '\u{2019}' => RIGHT_SINGLE,
        '\u{201c}' => LEFT_DOUBLE,
        '\u{201d}' => RIGHT_DOUBLE,
        _ if pyunicode::is_space(c) => OTHER_SPACE,
        _ if pyunicode::is_alnum(c) => OTHER_WORD,
        _ => OTHER_MARK,
    }
}

/// The byte of `folded` for a character other than ASCII.
fn fold(c: char) -> u8 {
    match c {
        '\u{212a}' => b'k',
        '\u{2019}' => b'\'',
        _ if pyunicode::is_alnum(c) => OTHER_WORD,
        _ => OTHER_MARK,
    }
}

/// `spaced`'s byte for a byte of the text (ASCII) or of `folded`: a letter or digit
/// lower-cased, `OTHER_WORD` kept, anything else a space. In arithmetic rather than a table,
/// so that the compiler turns the pass into vector instructions.
fn spaced_byte(b: u8) -> u8 {
    let lower = b | 0x20; // a letter's lower case; digits and OTHER_WORD stay apart
    if lower.wrapping_sub(b'a') < 26 {
        lower
    } else if b.wrapping_sub(b'0') < 10 || b == OTHER_WORD {
        b
    } else {
        b' '
    }
}

pub struct FieldText<'a, 'py> {
    pub title: bool,
    /// The text as UTF-8.
    view: &'a str,
    /// For each character other than ASCII: its code point offset and how many more bytes
    /// than code points the UTF-8 text has up to and with it.
    wide: Vec<(usize, usize)>,
    pub marks: Cow<'a, [u8]>,
    pub folded: Cow<'a, [u8]>,
    pub spaced: Vec<u8>,
    /// Offsets of the line breaks (paragraph ends), ascending.
    pub newlines: Vec<usize>,
    source: &'a Bound<'py, PyString>,
    /// `lower_keep_length(text)`, asked for once when a history window needs it.
    lowered: OnceCell<Bound<'py, PyString>>,
}

impl<'a, 'py> FieldText<'a, 'py> {
    pub fn new(text: &'a Bound<'py, PyString>, title: bool) -> PyResult<Self> {
        let view: &'a str = text.to_str()?;
        let bytes = view.as_bytes();
        let mut wide = Vec::new();
        let (marks, folded) = if view.is_ascii() {
            (Cow::Borrowed(bytes), Cow::Borrowed(bytes))
        } else {
            // Runs of ASCII are copied whole; each other character is decoded alone.
            let mut marks = Vec::with_capacity(bytes.len());
            let mut folded = Vec::with_capacity(bytes.len());
            let mut at = 0;
            while at < bytes.len() {
                let run =
                    bytes[at..].iter().position(|&b| !b.is_ascii()).map_or(bytes.len(), |n| at + n);
                marks.extend_from_slice(&bytes[at..run]);
                folded.extend(bytes[at..run].iter().map(u8::to_ascii_lowercase));
                at = run;
                let Some(c) = view.get(at..).and_then(|rest| rest.chars().next()) else { break };
                marks.push(mark(c));
                folded.push(fold(c));
                at += c.len_utf8();
                wide.push((marks.len() - 1, at - marks.len()));
            }
            (Cow::Owned(marks), Cow::Owned(folded))
        };
        let newlines = memchr::memchr_iter(b'\n', &marks).collect();
        let mut spaced = Vec::with_capacity(folded.len() + 2);
        spaced.push(b' ');
        spaced.extend(folded.iter().map(|&b| spaced_byte(b)));
        spaced.push(b' ');
        Ok(FieldText {
            title,
            view,
            wide,
            marks,
            folded,
            spaced,
            newlines,
            source: text,
            lowered: OnceCell::new(),
        })
    }

    pub fn py(&self) -> Python<'py> {
        self.source.py()
    }

    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// The byte offset in the UTF-8 text of code point `index` (at most the length).
    fn byte_offset(&self, index: usize) -> usize {
        if index >= self.len() {
            return self.view.len();
        }
        let before = self.wide.partition_point(|&(at, _)| at < index);
        index + before.checked_sub(1).map_or(0, |last| self.wide[last].1)
    }

    /// `text[start:end]` as a Rust string slice.
    pub fn part(&self, start: usize, end: usize) -> &'a str {
        let end = self.byte_offset(end);
        let start = self.byte_offset(start).min(end);
        self.view.get(start..end).unwrap_or_default()
    }

    /// `text[start:end]` as a Python string.
    pub fn slice(&self, start: usize, end: usize) -> Bound<'py, PyString> {
        PyString::new(self.source.py(), self.part(start, end))
    }

    /// `lower_keep_length(text)[start:end]`; `lower` is that reference function.
    pub fn lowered(&self, start: usize, end: usize, lower: &Py<PyAny>) -> PyResult<String> {
        let end = end.min(self.len());
        let start = start.min(end);
        let part = &self.marks[start..end];
        if part.is_ascii() {
            return Ok(part.iter().map(|&b| char::from(b.to_ascii_lowercase())).collect());
        }
        let lowered = match self.lowered.get() {
            Some(lowered) => lowered,
            None => {
                let py = self.source.py();
                let result = lower.bind(py).call1((self.source,))?.downcast_into::<PyString>()?;
                if result.len()? != self.len() {
                    return Err(pyo3::exceptions::PyValueError::new_err(
                        "lower_keep_length changed the length of the text",
                    ));
                }
                self.lowered.get_or_init(|| result)
            }
        };
        // The lower-cased text's characters can have other UTF-8 widths: count them.
        Ok(lowered.to_str()?.chars().skip(start).take(end - start).collect())
    }

    /// Python's `text.rstrip().endswith("?")`.
    pub fn ends_with_question(&self) -> bool {
        self.marks.iter().rev().find(|&&b| !is_space(b)) == Some(&b'?')
    }
}
