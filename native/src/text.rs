//! Text plumbing shared by every pass: whitespace normalisation (validate stage), folding to
//! lower case, and the conversion of byte offsets to the character offsets consumers see.
//!
//! Character classes come from Rust's own Unicode tables (`char::is_whitespace`,
//! `char::is_alphanumeric`, `char::to_lowercase`).

use aho_corasick::automaton::OverlappingState;
use aho_corasick::{AhoCorasick, Anchored, Input, Match};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Every match of `automaton` that starts at byte `at` of `haystack` (an anchored overlapping
/// search: the automaton must be built with an anchored start state).
pub fn matches_at(automaton: &AhoCorasick, haystack: &str, at: usize) -> Vec<Match> {
    let input = Input::new(haystack).range(at..).anchored(Anchored::Yes);
    let mut state = OverlappingState::start();
    let mut found = Vec::new();
    while automaton.try_find_overlapping(input.clone(), &mut state).is_ok() {
        match state.get_match() {
            Some(m) => found.push(m),
            None => break,
        }
    }
    found
}

/// The first two bytes of a set of keys, as a bit set (8 KB): where a key cannot begin, no
/// automaton search or hash look-up needs to run. A one-byte key may be followed by anything.
pub struct PairFilter {
    bits: Vec<u64>,
}

impl PairFilter {
    pub fn new<'k>(keys: impl IntoIterator<Item = &'k [u8]>) -> Self {
        let mut bits = vec![0u64; 65536 / 64];
        for key in keys {
            let (first, next) = match key {
                [first, second, ..] => (*first, *second..=*second),
                [first] => (*first, 0..=255),
                [] => continue,
            };
            for second in next {
                let pair = usize::from(first) << 8 | usize::from(second);
                bits[pair / 64] |= 1 << (pair % 64);
            }
        }
        PairFilter { bits }
    }

    /// Whether a key can begin at `bytes[at]` (at the last byte: whether one begins with it).
    pub fn may_begin(&self, bytes: &[u8], at: usize) -> bool {
        let first = usize::from(bytes[at]) << 8;
        match bytes.get(at + 1) {
            Some(&second) => {
                let pair = first | usize::from(second);
                self.bits[pair / 64] & (1 << (pair % 64)) != 0
            }
            None => (0..4).any(|word| self.bits[first / 64 + word] != 0),
        }
    }
}

/// Horizontal spaces that normalisation collapses: a run of them becomes one plain space.
fn is_horizontal_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{0c}' | '\u{0b}' | '\u{a0}' | '\u{2000}'
            ..='\u{200b}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
/// they reorder what a reader sees ("Trojan Source") and carry no meaning in a news text, so
/// normalisation drops them (before spaces are collapsed: "a \u{202a} b" reads "a b").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// True when `normalize` would return `text` unchanged (clean news text nearly always is: the
/// caller then gets its own string object back, nothing is copied).
///
/// Most bytes are letters and single spaces: a branch per byte, mispredicted at every space,
/// cost 10 us per 3 KB. Each stretch of `STRETCH` bytes is first checked without a branch per
/// byte for anything that may matter: a space or line break followed by another, an ASCII
/// control, DEL, or the lead byte of a non-ASCII space or bidirectional control (0xC2, 0xE1,
/// 0xE2, 0xE3, which curly quotes share). Only a stretch that holds one is looked at byte by
/// byte (`breaks_at`).
fn is_normalized(text: &str) -> bool {
    const STRETCH: usize = 64;
    let bytes = text.as_bytes();
    let Some(&last) = bytes.last() else {
        return true;
    };
    if matches!(bytes[0], b' ' | b'\n') || matches!(last, b' ' | b'\n') || is_suspect(last) {
        return false; // a leading or trailing space or break, a control at the end
    }
    let pairs = bytes.len() - 1; // byte i is looked at with byte i + 1
    (0..pairs).step_by(STRETCH).all(|start| {
        let end = (start + STRETCH).min(pairs);
        let flagged = bytes[start..end]
            .iter()
            .zip(&bytes[start + 1..=end])
            .fold(false, |flagged, (&b, &next)| {
                flagged | (is_break(b) & is_break(next)) | is_suspect(b)
            });
        !flagged || !(start..end).any(|i| breaks_at(text, i))
    })
}

/// A space or a line feed.
fn is_break(b: u8) -> bool {
    (b == b' ') | (b == b'\n')
}

/// A byte that needs a closer look wherever it stands (see `breaks_at`).
fn is_suspect(b: u8) -> bool {
    matches!(b, 0x09 | 0x0b..=0x0d | 0x1c..=0x1f | 0x7f | 0xc2 | 0xe1 | 0xe2 | 0xe3)
}

/// Whether the byte at `i` (and those after it) make `normalize` change the text: two spaces,
/// a space ending a line or the text, a line starting with a space, three breaks, a trailing
/// break, a control character, a non-ASCII space or a bidirectional control. Only the lead
/// bytes of the non-ASCII ones (0xC2, 0xE1, 0xE2, 0xE3) are decoded.
fn breaks_at(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    match bytes[i] {
        b' ' => matches!(bytes.get(i + 1), None | Some(b' ' | b'\n')),
        b'\n' => match bytes.get(i + 1) {
            None | Some(b' ') => true,
            Some(b'\n') => bytes.get(i + 2).is_none_or(|&c| c == b'\n'),
            Some(_) => false,
        },
        0x09..=0x0d | 0x1c..=0x1f | 0x7f => true,
        0xc2 | 0xe1 | 0xe2 | 0xe3 => {
            let c = text[i..].chars().next().unwrap_or(' ');
            c.is_whitespace() || is_horizontal_space(c) || is_bidi_control(c)
        }
        _ => false,
    }
}

/// Drop bidirectional controls, collapse runs of spaces, keep single paragraph breaks, trim
/// every line and the ends.
pub fn normalize(text: &str) -> String {
    // Dropped first, as if they had never been there ("\r\u{202a}\n" is one line break).
    let filtered: String;
    let text = if text.chars().any(is_bidi_control) {
        filtered = text.chars().filter(|&c| !is_bidi_control(c)).collect();
        &filtered
    } else {
        text
    };
    let crlf: String;
    let text = if text.contains("\r\n") {
        crlf = text.replace("\r\n", "\n");
        &crlf
    } else {
        text
    };
    let mut joined = String::with_capacity(text.len());
    let mut collapsed = String::new(); // one line, reused
    let mut blank = false;
    for line in text.split(['\n', '\r']) {
        collapsed.clear();
        for word in line.split(is_horizontal_space).filter(|w| !w.is_empty()) {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        // Any run of blank lines becomes one paragraph break.
        let line = collapsed.trim_matches(char::is_whitespace);
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !joined.is_empty() {
            joined.push_str(if blank { "\n\n" } else { "\n" });
        }
        joined.push_str(line);
        blank = false;
    }
    joined
}

/// Drop bidirectional controls, collapse runs of spaces, keep single paragraph breaks, trim
/// the ends.
#[pyfunction]
pub fn normalize_whitespace<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    let view = text.to_str()?;
    if is_normalized(view) {
        return Ok(text.clone());
    }
    Ok(PyString::new(text.py(), &normalize(view)))
}

/// A character folded for matching: lower case when that is one character (a few, such as
/// U+0130, lower-case to two and stay as they are, so every text keeps its character count),
/// and the curly apostrophe as a straight one ("didn’t" reads like "didn't").
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{2019}' {
        return '\'';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

/// Byte offsets of a string's characters, to turn byte offsets into character offsets and
/// back. Empty for ASCII text, where both are the same.
#[derive(Default)]
pub struct CharMap {
    starts: Vec<u32>,
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharMap::default();
        }
        let mut starts: Vec<u32> = text.char_indices().map(|(at, _)| at as u32).collect();
        starts.push(text.len() as u32);
        CharMap { starts }
    }

    /// The map of a non-ASCII text from the byte offsets of its characters, the text's length
    /// last (what `new` collects).
    pub fn from_starts(starts: Vec<u32>) -> Self {
        CharMap { starts }
    }

    /// The character offset of a byte offset (a character boundary, or the end).
    pub fn char_at(&self, byte: usize) -> usize {
        if self.starts.is_empty() {
            return byte;
        }
        self.starts.partition_point(|&s| (s as usize) < byte)
    }

    /// The byte offset of a character offset (at most the end).
    pub fn byte_at(&self, char: usize) -> usize {
        if self.starts.is_empty() {
            return char;
        }
        self.starts[char.min(self.starts.len() - 1)] as usize
    }
}

/// A text with its character map: slices by character offsets.
pub struct Indexed<'a> {
    pub text: &'a str,
    pub map: CharMap,
    pub chars: usize,
}

impl<'a> Indexed<'a> {
    pub fn new(text: &'a str) -> Self {
        Indexed::with_map(text, CharMap::new(text))
    }

    /// `text` with the map `CharMap::new(text)` would build.
    pub fn with_map(text: &'a str, map: CharMap) -> Self {
        let chars = if map.starts.is_empty() { text.len() } else { map.starts.len() - 1 };
        Indexed { text, map, chars }
    }

    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.text[self.map.byte_at(start)..self.map.byte_at(end.max(start))]
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normalize_whitespace, m)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spaces_and_breaks() {
        assert_eq!(normalize("  a \t b\r\n\r\n\r\n c \u{a0} "), "a b\n\nc");
        assert_eq!(normalize("a\n \nb"), "a\n\nb");
        assert!(is_normalized("a b\n\nc"));
        assert!(!is_normalized("a  b"));
        assert!(!is_normalized("a\n\n\nb"));
        assert!(!is_normalized("a \nb"));
        assert_eq!(normalize("a \u{202a} b\u{2069}\n\u{202e}\n\nc"), "a b\n\nc");
        assert!(!is_normalized("a\u{2066}b"));
        assert_eq!(normalize("a\r\u{202a}\nb"), "a\nb");
    }

    #[test]
    fn stretches_agree_with_the_byte_by_byte_check() {
        // Texts drawn from the characters that matter, at every position of a stretch.
        let alphabet = [
            "a", "é", "’", " ", " ", "\n", "\n", "\t", "\r", "\u{1f}", "\u{7f}", "\u{a0}",
            "\u{2003}", "\u{200b}", "\u{2028}", "\u{202a}", "\u{2066}", "\u{3000}", "\u{e000}",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let length = (state % 150) as usize;
            let mut text = String::new();
            let mut draw = state;
            for _ in 0..length {
                draw = draw.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                // Mostly letters and single spaces, as in news text.
                let pick = (draw >> 33) as usize % (alphabet.len() * 4);
                text.push_str(alphabet.get(pick).copied().unwrap_or(if pick % 5 == 0 {
                    " "
                } else {
                    "a"
                }));
            }
            assert_eq!(is_normalized(&text), byte_by_byte(&text), "{text:?}");
            if is_normalized(&text) {
                assert_eq!(normalize(&text), text);
            }
        }
    }

    /// `is_normalized` as one loop over every byte: what the stretches must agree with.
    fn byte_by_byte(text: &str) -> bool {
        let bytes = text.as_bytes();
        !bytes.first().is_some_and(|&b| b == b' ' || b == b'\n')
            && !(0..bytes.len()).any(|i| breaks_at(text, i))
    }

    #[test]
    fn folds_one_character_to_one() {
        assert_eq!(fold('A'), 'a');
        assert_eq!(fold('É'), 'é');
        assert_eq!(fold('\u{130}'), '\u{130}');
        assert_eq!(fold('\u{2019}'), '\'');
    }

    #[test]
    fn maps_bytes_to_characters() {
        let text = Indexed::new("é a");
        assert_eq!(text.map.char_at(2), 1);
        assert_eq!(text.map.byte_at(1), 2);
        assert_eq!(text.slice(2, 3), "a");
    }
}
