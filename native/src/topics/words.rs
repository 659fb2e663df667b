//! `words_of` (app/domain/topic_lexicon.py) and the body cut of `TopicTagger._score`.
//!
//! `words_of` replaces seven typographic marks by spaces, lower-cases with Python's
//! `str.lower`, encodes to UTF-8 and maps every ASCII byte that is not a letter or a digit to a
//! space (UTF-8 bytes of non-ASCII characters pass through, so "élysée" and even "a\u{a0}b"
//! stay one word), then splits on spaces. Lower-casing uses Python's own table (`pylower`), not
//! Rust's, which follows a newer Unicode version; the capital sigma, whose lower case depends on
//! the letters around it (Python's Final_Sigma rule), is left to the Python reference.

use super::pylower;

/// The typographic marks `words_of` replaces by spaces (`_UNICODE_PUNCTUATION`).
fn is_replaced_mark(c: char) -> bool {
    matches!(
        c,
        '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2013}' | '\u{2014}' | '\u{2026}'
    )
}

/// GREEK CAPITAL LETTER SIGMA: "σ" or "ς" depending on its neighbours.
const CAPITAL_SIGMA: char = '\u{3a3}';

/// The words of a text as `TopicTagger._match` joins them, and where each word ends.
#[derive(Default)]
pub struct Words {
    /// Each word preceded and followed by one space (" w1 w2 ... wn "), as the reference
    /// joins them to look for phrase keys (" two words "). Zero bytes follow `len` (see
    /// `iter`).
    bytes: Vec<u8>,
    len: usize,
    /// The offset of the space after each word.
    ends: Vec<u32>,
}

/// Zero bytes kept after the words, so that the first 8 bytes of any word can be read as
/// one integer.
const PADDING: usize = 8;

/// What each ASCII byte becomes: letters and digits lower-cased, the rest a space; as
/// `_WORD_BYTES` (the upper half is never read: non-ASCII text takes the other path).
const ASCII_WORD_BYTES: [u8; 256] = {
    let mut table = [b' '; 256];
    let mut byte = 0;
    while byte < 128 {
        let c = byte as u8;
        if c.is_ascii_alphanumeric() {
            table[byte] = c.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

impl Words {
    /// Cut `text` into words as `words_of` does. `None` when it holds a capital sigma: the
    /// caller then uses the Python reference.
    pub fn cut(&mut self, text: &str) -> Option<()> {
        self.bytes.clear();
        self.ends.clear();
        // Room for the words, the spaces around them and the padding (lower-casing rarely
        // lengthens the text); a word ends at most every other byte.
        self.bytes.reserve(text.len() + 2 + PADDING);
        self.ends.reserve(text.len() / 2 + 2);
        self.bytes.push(b' ');
        let mut rest = text;
        // ASCII runs take the fast path; news text has a non-ASCII character now and then.
        while !rest.is_empty() {
            let ascii = rest.bytes().position(|byte| !byte.is_ascii()).unwrap_or(rest.len());
            let (run, after) = rest.split_at_checked(ascii).unwrap_or((rest, ""));
            self.push_ascii_text(run.as_bytes());
            let mut chars = after.chars();
            if let Some(c) = chars.next() {
                if is_replaced_mark(c) {
                    self.push_separator();
                } else if c == CAPITAL_SIGMA {
                    return None;
                } else {
                    self.push_lower(c);
                }
            }
            rest = chars.as_str();
        }
        self.push_separator();
        self.len = self.bytes.len();
        self.bytes.extend_from_slice(&[0; PADDING]);
        Some(())
    }

    /// The joined words, " w1 w2 ... wn ".
    pub fn joined(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// The offset of the space before word `index`.
    pub fn space_before(&self, index: usize) -> usize {
        match index.checked_sub(1) {
            Some(previous) => self.ends.get(previous).map_or(usize::MAX, |&end| end as usize),
            None => 0,
        }
    }

    /// Each word with its first 8 bytes as a little-endian integer (zero past its end).
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], u64)> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).filter_map(|(space, end)| {
            let (start, end) = (space as usize + 1, end as usize);
            let word = self.bytes.get(start..end)?;
            let mut prefix = [0u8; 8];
            prefix.copy_from_slice(self.bytes.get(start..start + 8)?);
            Some((word, word_prefix(u64::from_le_bytes(prefix), word.len())))
        })
    }

    /// The ASCII fast path, without a branch on the text: every byte is written through the
    /// table, a space kept only after a word byte (its offset is then a word's end). A word
    /// byte ending the buffer is the start of a word continued here.
    fn push_ascii_text(&mut self, text: &[u8]) {
        let mut previous = self.bytes.last().copied().unwrap_or(b' ');
        let start = self.bytes.len();
        self.bytes.resize(start + text.len(), b' ');
        let first_end = self.ends.len();
        // At most one word end every two bytes.
        self.ends.resize(first_end + text.len() / 2 + 1, 0);
        let (out, ends) = (&mut self.bytes[start..], &mut self.ends[first_end..]);
        let (mut written, mut ended) = (0, 0);
        for &byte in text {
            let mapped = ASCII_WORD_BYTES[usize::from(byte)];
            if let Some(slot) = out.get_mut(written) {
                *slot = mapped;
            }
            if let Some(slot) = ends.get_mut(ended) {
                *slot = (start + written) as u32;
            }
            ended += usize::from(mapped == b' ' && previous != b' ');
            written += usize::from(mapped != b' ' || previous != b' ');
            previous = mapped;
        }
        self.bytes.truncate(start + written);
        self.ends.truncate(first_end + ended);
    }

    /// An ASCII byte after lower-casing: letters and digits are word bytes, the rest separate.
    fn push_ascii(&mut self, byte: u8) {
        if byte.is_ascii_alphanumeric() {
            self.bytes.push(byte.to_ascii_lowercase());
        } else {
            self.push_separator();
        }
    }

    fn push_separator(&mut self) {
        if self.bytes.last() != Some(&b' ') {
            self.ends.push(self.bytes.len() as u32);
            self.bytes.push(b' ');
        }
    }

    /// A non-ASCII character, lower-cased as Python does; its lower case may hold ASCII
    /// characters ("K" KELVIN SIGN is "k", "İ" is "i" and a combining dot), which then follow
    /// the ASCII rule, as the byte table sees them after encoding.
    fn push_lower(&mut self, c: char) {
        match lower_of(c) {
            Lower::Same => self.push_non_ascii(c),
            Lower::One(lower) => self.push_char(lower),
            Lower::Several(lower) => lower.chars().for_each(|part| self.push_char(part)),
        }
    }

    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            self.push_ascii(c as u8);
        } else {
            self.push_non_ascii(c);
        }
    }

    fn push_non_ascii(&mut self, c: char) {
        let mut buffer = [0u8; 4];
        self.bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
    }
}

/// The first bytes of a word read as an integer, with the bytes past its end cleared.
pub fn word_prefix(bytes: u64, len: usize) -> u64 {
    if len >= 8 {
        bytes
    } else {
        bytes & ((1u64 << (8 * len)) - 1)
    }
}

enum Lower {
    Same,
    One(char),
    Several(&'static str),
}

fn lower_of(c: char) -> Lower {
    let code = c as u32;
    if let Ok(at) = pylower::SINGLE.binary_search_by_key(&code, |&(upper, _)| upper) {
        // The generated table holds only valid scalar values; a bad entry would read as "no
        // lower case" rather than panic.
        return pylower::SINGLE
            .get(at)
            .and_then(|&(_, lower)| char::from_u32(lower))
            .map_or(Lower::Same, Lower::One);
    }
    match pylower::MULTIPLE.iter().find(|&&(upper, _)| upper == code) {
        Some(&(_, lower)) => Lower::Several(lower),
        None => Lower::Same,
    }
}

/// The body as `_score` reads it: past `max_chars` code points it is cut at the last space
/// before that point (or at that point when there is none past the first character).
pub fn cut_body(body: &str, max_chars: usize) -> &str {
    if body.len() <= max_chars {
        // No more bytes than the limit, so no more code points either.
        return body;
    }
    let Some(end) = char_offset(body.as_bytes(), max_chars) else {
        return body;
    };
    let head = body.as_bytes().get(..end).unwrap_or_default();
    // Python's `body.rfind(" ", 0, max_chars)`, kept only when past position 0.
    let cut = match memchr::memrchr(b' ', head) {
        Some(at) if at > 0 => at,
        _ => end,
    };
    // `cut` is a space's offset or a character's start: a char boundary either way.
    body.get(..cut).unwrap_or(body)
}

/// The byte offset of code point `index` of UTF-8 `text`, or `None` when it has no more than
/// `index` code points. Counts the bytes that start a code point (all but 0x80-0xBF) by
/// blocks, which the compiler vectorises, then finds the code point in its block.
fn char_offset(text: &[u8], index: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let starts_char = |byte: &u8| (*byte as i8) >= -0x40;
    let mut seen = 0;
    for (number, block) in text.chunks(BLOCK).enumerate() {
        let count = block.iter().filter(|byte| starts_char(byte)).count();
        if seen + count > index {
            let mut starts = block.iter().enumerate().filter(|(_, byte)| starts_char(byte));
            let (at, _) = starts.nth(index - seen)?;
            return Some(number * BLOCK + at);
        }
        seen += count;
    }
    None
}
