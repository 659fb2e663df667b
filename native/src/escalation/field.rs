//! One text field (title or body) as the scans need it. Every offset here is a CHARACTER
//! offset into the text as published: matches found on bytes are converted once, here.
//!
//! - `folded`: the text with each character folded (text.rs: lower case, straight
//!   apostrophe), the same number of characters; context phrases are matched on it and word
//!   windows count its spaces;
//! - the spaced text (built for the trigger scan): `folded` with every character that is not
//!   a letter or digit as a space, padded with one space at each end, so a trigger key
//!   (" cut ties ") is found only on whole words;
//! - sentences: a sentence ends at . ! ? (with closing quotes or brackets) followed by spaces
//!   and an upper-case letter, digit or opening quote, unless an abbreviation ("Mr.", "U.S.")
//!   ends there; a line break always ends one.

use crate::text::{fold, CharMap, Indexed};

const ABBREVIATIONS: [&str; 14] =
    ["Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Sgt", "Sen", "Rep", "Gov", "St", "No", "vs"];
const SNIPPET: usize = 300;

pub struct Field<'a> {
    pub title: bool,
    pub text: Indexed<'a>,
    pub folded: String,
    pub folded_map: CharMap,
    /// Character offsets of the plain spaces of `folded`, ascending.
    pub spaces: Vec<usize>,
}

/// " " + the text with every character but letters and digits as a space, folded + " ":
/// trigger keys (" cut ties ") are found in it on whole words only. It has as many characters
/// as the text plus two.
pub fn spaced(text: &str) -> String {
    let ascii = |b: u8| if b.is_ascii_alphanumeric() { b.to_ascii_lowercase() } else { b' ' };
    let mut spaced = Vec::with_capacity(text.len() + 2);
    spaced.push(b' ');
    // ASCII runs are mapped byte by byte; only the other characters are decoded (most
    // non-ASCII news texts are ASCII but for a few quotes and names).
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        spaced.extend(rest[..run].bytes().map(ascii));
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else { break };
        let mapped = if c.is_alphanumeric() { fold(c) } else { ' ' };
        spaced.extend_from_slice(mapped.encode_utf8(&mut [0; 4]).as_bytes());
        rest = &rest[c.len_utf8()..];
    }
    spaced.push(b' ');
    String::from_utf8(spaced).expect("characters in, characters out")
}

impl<'a> Field<'a> {
    pub fn new(text: &'a str, title: bool) -> Self {
        if text.is_ascii() {
            let folded = text.to_ascii_lowercase();
            let spaces = memchr_spaces(&folded);
            return Field {
                title,
                text: Indexed::new(text),
                folded,
                folded_map: CharMap::default(),
                spaces,
            };
        }
        // One pass: the folded text, its spaces and both character maps (folding can change
        // a character's length: U+2019 becomes an ASCII apostrophe).
        let mut folded = String::with_capacity(text.len());
        let mut spaces = Vec::new();
        let mut text_starts = Vec::with_capacity(text.len() + 1);
        let mut folded_starts = Vec::with_capacity(text.len() + 1);
        for (index, (at, c)) in text.char_indices().enumerate() {
            text_starts.push(at as u32);
            folded_starts.push(folded.len() as u32);
            let c = fold(c);
            if c == ' ' {
                spaces.push(index);
            }
            folded.push(c);
        }
        text_starts.push(text.len() as u32);
        folded_starts.push(folded.len() as u32);
        // An ASCII folded text has the empty map, as CharMap::new gives it.
        let folded_map = if folded.is_ascii() {
            CharMap::default()
        } else {
            CharMap::from_starts(folded_starts)
        };
        let text = Indexed::with_map(text, CharMap::from_starts(text_starts));
        Field { title, text, folded, folded_map, spaces }
    }

    pub fn name(&self) -> &'static str {
        if self.title {
            "title"
        } else {
            "body"
        }
    }

    /// `folded[start..end]` by character offsets.
    pub fn folded_slice(&self, start: usize, end: usize) -> &str {
        &self.folded[self.folded_map.byte_at(start)..self.folded_map.byte_at(end.max(start))]
    }

    /// Whether the folded character at `at` is a letter or digit (false past the ends).
    pub fn is_word_at(&self, at: usize) -> bool {
        at < self.text.chars && self.folded_slice(at, at + 1).chars().all(char::is_alphanumeric)
    }

    /// The sentences of the text as character spans, in order.
    pub fn sentences(&self) -> Vec<(usize, usize)> {
        let text = self.text.text;
        let mut spans = Vec::new();
        let mut paragraph = 0;
        for line in text.split('\n') {
            let end = paragraph + line.len();
            let mut start = paragraph;
            for (m_start, m_end) in sentence_ends(line) {
                let mark = paragraph + m_start + 1;
                if abbreviation(text, start, mark) {
                    continue;
                }
                self.push_trimmed(&mut spans, start, mark);
                // The next sentence starts after the spaces (at its opening mark or letter).
                let rest = &line[m_start + 1..m_end];
                let closers = rest.len() - rest.trim_start_matches(is_closer).len();
                let spaces = rest[closers..].len() - rest[closers..].trim_start().len();
                start = paragraph + m_start + 1 + closers + spaces;
            }
            self.push_trimmed(&mut spans, start, end);
            paragraph = end + 1;
        }
        spans
    }

    /// Adds the byte span `[start, end)` without its surrounding spaces, in characters.
    fn push_trimmed(&self, spans: &mut Vec<(usize, usize)>, start: usize, end: usize) {
        let part = &self.text.text[start..end];
        let trimmed = part.trim_start();
        let first = start + part.len() - trimmed.len();
        let last = first + trimmed.trim_end().len();
        if last > first {
            spans.push((self.text.map.char_at(first), self.text.map.char_at(last)));
        }
    }

    /// The evidence snippet of a match in a sentence (character offsets in the field): the
    /// sentence, or about 300 characters of it centred on the match, with ellipses.
    pub fn snippet(&self, (s0, s1): (usize, usize), (start, end): (usize, usize)) -> String {
        let length = s1 - s0;
        if length <= SNIPPET {
            return self.text.slice(s0, s1).to_owned();
        }
        let span = end - start;
        let room = SNIPPET.saturating_sub(span) / 2;
        let left = (start - s0).saturating_sub(room).min(length - SNIPPET);
        let right = length.min(left + SNIPPET.max(span));
        let part = self.text.slice(s0 + left, s0 + right).trim();
        let before = if left > 0 { "\u{2026}" } else { "" };
        let after = if right < length { "\u{2026}" } else { "" };
        format!("{before}{part}{after}")
    }
}

/// The byte spans in a line where a sentence ends: `[.!?]`, closing quotes or brackets, one
/// or more spaces (Unicode, not a line break), an optional opening quote or bracket, then an
/// upper-case ASCII letter or a digit. The classes do not overlap, so each span is found
/// without backtracking; spans never overlap (only their first character is `.`, `!`, `?`).
fn sentence_ends(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let next = |at: usize| line[at..].chars().next();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|b| matches!(b, b'.' | b'!' | b'?')) {
        let mark = from + offset;
        let mut at = mark + 1;
        while let Some(c) = next(at).filter(|&c| is_closer(c)) {
            at += c.len_utf8();
        }
        let blank = at;
        while let Some(c) = next(at).filter(|&c| c.is_whitespace() && c != '\n') {
            at += c.len_utf8();
        }
        if at > blank {
            if let Some(c) = next(at).filter(|&c| is_opener(c)) {
                at += c.len_utf8();
            }
            if next(at).is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                spans.push((mark, at + 1));
                from = at + 1;
                continue;
            }
        }
        from = mark + 1;
    }
    spans
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '\u{201D}' | '\u{2019}')
}

fn memchr_spaces(text: &str) -> Vec<usize> {
    text.bytes().enumerate().filter(|(_, b)| *b == b' ').map(|(i, _)| i).collect()
}

/// Whether the text before byte `mark` (just after a . ! or ?) ends with an abbreviation
/// within the last five characters and the sentence: "Mr.", "U.S.", "No.".
fn abbreviation(text: &str, start: usize, mark: usize) -> bool {
    let bytes = text.as_bytes();
    let low = text[..mark].char_indices().rev().nth(4).map_or(0, |(at, _)| at).max(start);
    let word_before =
        |at: usize| text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
    let ends_with = |token: &[u8], letter: bool| {
        (0..2).any(|dots| {
            let Some(at) = mark.checked_sub(token.len() + dots).filter(|&at| at >= low) else {
                return false;
            };
            let head = &bytes[at..at + token.len()];
            let matches = if letter {
                head[0].is_ascii_uppercase() && head[1] == b'.'
            } else {
                head == token
            };
            matches && bytes[at + token.len()..mark].iter().all(|&b| b == b'.') && !word_before(at)
        })
    };
    ends_with(b"X.", true) || ABBREVIATIONS.iter().any(|word| ends_with(word.as_bytes(), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let field = Field::new(text, false);
        field.sentences().into_iter().map(|(s, e)| field.text.slice(s, e)).collect()
    }

    #[test]
    fn finds_sentence_ends_as_the_pattern_does() {
        let pattern = regex::Regex::new(
            r#"[.!?]["')\]\x{201D}\x{2019}]*[^\S\n]+["'(\[\x{201C}\x{2018}]?[A-Z0-9]"#,
        )
        .expect("a valid pattern");
        for line in [
            "Mr. Kim left. The U.S. said no. \u{201C}Yes,\u{201D} he said.",
            "Why?! \"Because.\"  (It) rained.\u{2019} \u{2018}No.  a. B.\u{a0}C ?\u{3000}1",
            "End.)] [X. ..  . (y. 'Z.\t\u{2009}Q.\u{201D}\u{2019} \u{201C}",
            "Ça va. Élan. 3 dots... And more?? Yes!!! ok.",
        ] {
            let expected: Vec<(usize, usize)> =
                pattern.find_iter(line).map(|m| (m.start(), m.end())).collect();
            assert_eq!(sentence_ends(line), expected, "{line:?}");
        }
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        assert_eq!(
            sentences("Mr. Kim left. The U.S. said no. “Yes,” he said."),
            ["Mr. Kim left.", "The U.S. said no.", "“Yes,” he said."]
        );
        assert_eq!(sentences("One.\nTwo three"), ["One.", "Two three"]);
        assert_eq!(sentences("Ça va. Élan"), ["Ça va. Élan"]);
    }

    #[test]
    fn spaces_and_folds_mixed_text() {
        assert_eq!(spaced("Kim’s É-2 "), " kim s é 2  ");
        let field = Field::new("A’b C\u{130} d", false);
        assert_eq!(field.folded, "a'b c\u{130} d");
        assert_eq!(field.spaces, [3, 6]);
        assert_eq!(field.folded_slice(4, 6), "c\u{130}");
        assert_eq!(field.text.slice(0, 3), "A’b");
        let quote = Field::new("a’b c", false);
        assert_eq!((quote.folded.as_str(), quote.folded_slice(2, 5)), ("a'b c", "b c"));
    }
}
