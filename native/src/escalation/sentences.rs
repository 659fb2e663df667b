//! Sentences found lazily, paragraph by paragraph, as `textscan.SentenceFinder` finds them,
//! and evidence snippets (`textscan.snippet`).
//!
//! The reference cuts a paragraph with the regex
//! `[.!?]["'\u201d\u2019)\]]*\s+(?=["'\u201c\u2018(\[]?[A-Z0-9])` searched up to the paragraph
//! end, then skips cuts after an abbreviation
//! (`\b(?:[A-Z]\.|Mr|Mrs|...|vs)\.?$`, searched in the five characters before the cut).
//! Backtracking cannot change where either matches: closing marks, spaces and opening marks
//! are disjoint sets, so each run is taken whole; both are reproduced character by character
//! on the field's `marks` (field.rs): `\s` is Python's `isspace`, `\b` sees the characters
//! before the search window, as `re` does, and is decided by `isalnum` or the underscore.

use super::field::{is_space, is_word, LEFT_DOUBLE, LEFT_SINGLE, RIGHT_DOUBLE, RIGHT_SINGLE};

pub type Span = (usize, usize);

const SNIPPET: usize = 300;
const ABBREVIATIONS: [&str; 14] =
    ["Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Sgt", "Sen", "Rep", "Gov", "St", "No", "vs"];

fn is_closer(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | RIGHT_DOUBLE | RIGHT_SINGLE | b')' | b']')
}

fn is_opener(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | LEFT_DOUBLE | LEFT_SINGLE | b'(' | b'[')
}

fn starts_sentence(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

pub struct SentenceFinder<'a> {
    text: &'a [u8],
    newlines: &'a [usize],
    /// The sentences of each paragraph split so far, by paragraph number.
    paragraphs: Vec<Option<Vec<Span>>>,
    lead_end: Option<usize>,
}

impl<'a> SentenceFinder<'a> {
    pub fn new(text: &'a [u8], newlines: &'a [usize]) -> Self {
        let paragraphs = vec![None; newlines.len() + 1];
        SentenceFinder { text, newlines, paragraphs, lead_end: None }
    }

    /// The sentence holding `offset` (a word character); None only for a paragraph without
    /// any sentence, which cannot hold one (the reference would raise IndexError).
    pub fn at(&mut self, offset: usize) -> Option<Span> {
        let paragraph = self.newlines.partition_point(|&n| n < offset);
        let spans = self.spans(paragraph);
        spans.iter().find(|span| offset < span.1).or(spans.last()).copied()
    }

    /// Start of the `count`-th sentence of the text (its length when there are fewer).
    pub fn lead_end(&mut self, count: usize) -> usize {
        if let Some(end) = self.lead_end {
            return end;
        }
        let length = self.text.len();
        let mut found = length;
        let (mut seen, mut paragraph) = (0usize, 0usize);
        while self.paragraph_start(paragraph) < length {
            let spans = self.spans(paragraph);
            if seen + spans.len() >= count {
                // count >= 1 (tables.rs), so the index is within the paragraph's spans.
                found = spans.get(count - seen - 1).map_or(length, |span| span.0);
                break;
            }
            seen += spans.len();
            if paragraph >= self.newlines.len() {
                break; // the last paragraph
            }
            paragraph += 1;
        }
        self.lead_end = Some(found);
        found
    }

    /// Where paragraph number `paragraph` starts (after the line break before it).
    fn paragraph_start(&self, paragraph: usize) -> usize {
        if paragraph == 0 {
            0
        } else {
            self.newlines[paragraph - 1] + 1
        }
    }

    fn spans(&mut self, paragraph: usize) -> &[Span] {
        if self.paragraphs[paragraph].is_none() {
            self.paragraphs[paragraph] = Some(self.split(paragraph));
        }
        self.paragraphs[paragraph].as_deref().unwrap_or_default()
    }

    fn split(&self, paragraph: usize) -> Vec<Span> {
        let text = self.text;
        let end = self.newlines.get(paragraph).copied().unwrap_or(text.len());
        let mut spans = Vec::new();
        let first = self.paragraph_start(paragraph);
        let (mut start, mut position) = (first, first);
        while let Some((mark, next)) = self.sentence_end(position, end) {
            position = next;
            if self.abbreviation(start.max(mark.saturating_sub(5)), mark) {
                continue;
            }
            push_trimmed(&mut spans, text, start, mark);
            start = position;
        }
        push_trimmed(&mut spans, text, start, end);
        spans
    }

    /// The first sentence end at or after `from` within `..end`: the offset just after its
    /// mark and the end of the match (after the spaces).
    fn sentence_end(&self, from: usize, end: usize) -> Option<(usize, usize)> {
        let text = self.text;
        for i in memchr::memchr3_iter(b'.', b'!', b'?', &text[from..end]) {
            let i = from + i;
            let mut j = i + 1;
            while j < end && is_closer(text[j]) {
                j += 1;
            }
            let mut k = j;
            while k < end && is_space(text[k]) {
                k += 1;
            }
            if k == j || k >= end {
                continue;
            }
            let next = text[k];
            if starts_sentence(next)
                || (is_opener(next) && k + 1 < end && starts_sentence(text[k + 1]))
            {
                return Some((i + 1, k));
            }
        }
        None
    }

    /// Whether `text[low:mark]` ends with an abbreviation (the reference's `_ABBREVIATION`
    /// searched with pos=low, endpos=mark).
    fn abbreviation(&self, low: usize, mark: usize) -> bool {
        let text = self.text;
        // The token, then an optional dot, then the window's end; `\b` before its first
        // (word) character: no word character before it (the string's own start counts, not
        // the window's, as in `re`).
        let ends_with = |token: &str| -> bool {
            let size = token.len(); // ASCII
            (0..2).any(|dots| {
                let Some(at) = mark.checked_sub(size + dots).filter(|&at| at >= low) else {
                    return false;
                };
                text[at..at + size] == *token.as_bytes()
                    && text[at + size..mark].iter().all(|&b| b == b'.')
                    && (at == 0 || !is_word(text[at - 1]))
            })
        };
        // `[A-Z]\.`: one upper-case letter and a dot, before the optional dot.
        let letter_and_dot = (0..2).any(|dots| {
            mark.checked_sub(2 + dots).filter(|&at| at >= low).is_some_and(|at| {
                text[at].is_ascii_uppercase()
                    && text[at + 1..mark].iter().all(|&b| b == b'.')
                    && (at == 0 || !is_word(text[at - 1]))
            })
        });
        letter_and_dot || ABBREVIATIONS.iter().any(|word| ends_with(word))
    }
}

fn push_trimmed(spans: &mut Vec<Span>, text: &[u8], mut start: usize, mut end: usize) {
    while start < end && is_space(text[start]) {
        start += 1;
    }
    while end > start && is_space(text[end - 1]) {
        end -= 1;
    }
    if end > start {
        spans.push((start, end));
    }
}

/// Where `textscan.snippet` cuts a sentence: the part to keep (stripped) and whether an
/// ellipsis goes before and after it. `sentence[start:end]` is the match; a sentence of at
/// most 300 characters is kept whole.
pub struct Snippet {
    pub start: usize,
    pub end: usize,
    pub before: bool,
    pub after: bool,
}

pub fn snippet(sentence: &[u8], start: usize, end: usize) -> Snippet {
    let length = sentence.len();
    if length <= SNIPPET {
        return Snippet { start: 0, end: length, before: false, after: false };
    }
    let span = end.saturating_sub(start);
    let room = SNIPPET.saturating_sub(span) / 2;
    let left = (start as i64 - room as i64).min(length as i64 - SNIPPET as i64).max(0) as usize;
    let right = length.min(left + SNIPPET.max(span));
    let (mut first, mut last) = (left.min(right), right);
    while first < last && is_space(sentence[first]) {
        first += 1;
    }
    while last > first && is_space(sentence[last - 1]) {
        last -= 1;
    }
    Snippet { start: first, end: last, before: left > 0, after: right < length }
}
