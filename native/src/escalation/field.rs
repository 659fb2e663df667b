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

use std::sync::LazyLock;

use regex::Regex;

use crate::text::{fold, CharMap, Indexed};

static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[.!?]["')\]\x{201D}\x{2019}]*[^\S\n]+["'(\[\x{201C}\x{2018}]?[A-Z0-9]"#)
        .expect("a valid pattern")
});
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
    if text.is_ascii() {
        let mut spaced = Vec::with_capacity(text.len() + 2);
        spaced.push(b' ');
        spaced.extend(text.bytes().map(|b| {
            if b.is_ascii_alphanumeric() {
                b.to_ascii_lowercase()
            } else {
                b' '
            }
        }));
        spaced.push(b' ');
        return String::from_utf8(spaced).expect("ASCII in, ASCII out");
    }
    let mut spaced = String::with_capacity(text.len() + 2);
    spaced.push(' ');
    spaced.extend(text.chars().map(|c| if c.is_alphanumeric() { fold(c) } else { ' ' }));
    spaced.push(' ');
    spaced
}

impl<'a> Field<'a> {
    pub fn new(text: &'a str, title: bool) -> Self {
        let (folded, spaces) = if text.is_ascii() {
            let folded = text.to_ascii_lowercase();
            let spaces = memchr_spaces(&folded);
            (folded, spaces)
        } else {
            let folded: String = text.chars().map(fold).collect();
            let spaces =
                folded.chars().enumerate().filter(|(_, c)| *c == ' ').map(|(i, _)| i).collect();
            (folded, spaces)
        };
        let folded_map = CharMap::new(&folded);
        Field { title, text: Indexed::new(text), folded, folded_map, spaces }
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
            for m in SENTENCE_END.find_iter(line) {
                let mark = paragraph + m.start() + 1;
                if abbreviation(text, start, mark) {
                    continue;
                }
                self.push_trimmed(&mut spans, start, mark);
                // The next sentence starts after the spaces (at its opening mark or letter).
                let rest = &line[m.start() + 1..m.end()];
                let closers = rest.len() - rest.trim_start_matches(is_closer).len();
                let spaces = rest[closers..].len() - rest[closers..].trim_start().len();
                start = paragraph + m.start() + 1 + closers + spaces;
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
    fn splits_sentences_but_not_abbreviations() {
        assert_eq!(
            sentences("Mr. Kim left. The U.S. said no. “Yes,” he said."),
            ["Mr. Kim left.", "The U.S. said no.", "“Yes,” he said."]
        );
        assert_eq!(sentences("One.\nTwo three"), ["One.", "Two three"]);
        assert_eq!(sentences("Ça va. Élan"), ["Ça va. Élan"]);
    }
}
