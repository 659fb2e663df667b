//! Context phrases in a sentence (`context.ContextIndex.matches`) and word windows around a
//! trigger (`context.Window`), on the sentence's `folded` bytes (field.rs).

use super::tables::ContextEntry;
use super::words::PhraseMatch;

// Cue kinds, as bits of ContextMatch::cues: the same values as context.py's constants, which
// the Python side used to build each phrase's bits.
pub const NEGATION: u32 = 1;
pub const DENIAL: u32 = 1 << 1;
pub const DEESCALATION: u32 = 1 << 2;
pub const RESOLUTION: u32 = 1 << 3;
pub const HISTORY: u32 = 1 << 4;
pub const HEDGE: u32 = 1 << 5;
pub const MODIFIER: u32 = 1 << 6;
pub const ARMED: u32 = 1 << 7;

/// A whole-word context phrase in a sentence (offsets in the sentence).
#[derive(Clone, Copy)]
pub struct ContextMatch {
    pub start: usize,
    pub end: usize,
    pub cues: u32,
    /// Index of the phrase in the tables: its `near` and `unless` rule lists.
    pub phrase: usize,
}

/// The context phrases of the sentence `[start, end)` of a field, in sentence offsets, from
/// the field's phrases (sorted by start; words.rs says why these are the sentence's own).
/// The order differs from pyahocorasick's only among matches, which every user scans whole
/// (`any`, `min`, `max`), so it does not matter.
pub fn sentence_matches(
    phrases: &[PhraseMatch],
    entries: &[ContextEntry],
    start: usize,
    end: usize,
) -> Vec<ContextMatch> {
    let first = phrases.partition_point(|m| m.start < start);
    phrases[first..]
        .iter()
        .take_while(|m| m.start < end)
        .filter(|m| m.end <= end)
        .filter_map(|m| {
            let cues = entries.get(m.phrase)?.cues;
            Some(ContextMatch {
                start: m.start - start,
                end: m.end - start,
                cues,
                phrase: m.phrase,
            })
        })
        .collect()
}

/// Offsets of the plain spaces of a sentence, ascending: windows count them.
pub fn space_offsets(sentence: &[u8]) -> Vec<usize> {
    memchr::memchr_iter(b' ', sentence).collect()
}

/// Word windows around `sentence[start:end]`, as `context.Window` decides them: the words
/// are what splitting on single spaces gives, the trigger's own leading or trailing space
/// counting as a split.
pub struct Window<'a> {
    pub spaces: &'a [usize],
    pub length: usize,
    pub start: usize,
    pub end: usize,
    lead: usize,
    trail: usize,
}

impl<'a> Window<'a> {
    pub fn new(sentence: &[u8], spaces: &'a [usize], start: usize, end: usize) -> Self {
        let lead = usize::from(start > 0 && sentence.get(start - 1) == Some(&b' '));
        let trail = usize::from(sentence.get(end) == Some(&b' '));
        Window { spaces, length: sentence.len(), start, end, lead, trail }
    }

    /// Spaces in `sentence[from:to]` (`str.count(" ", from, to)`).
    fn count(&self, from: usize, to: usize) -> usize {
        if to <= from {
            return 0;
        }
        let below = |x: usize| self.spaces.partition_point(|&p| p < x);
        below(to) - below(from)
    }

    /// True when `sentence[offset:start]` lies within the `count` words before.
    pub fn reaches_back(&self, offset: usize, count: usize) -> bool {
        offset >= self.start || self.count(offset, self.start) < count + self.lead
    }

    /// True when `sentence[end:offset]` lies within the `count` words after.
    pub fn reaches_ahead(&self, offset: usize, count: usize) -> bool {
        offset <= self.end || self.count(self.end, offset) < count + self.trail
    }

    /// Start offset of the `count` words before the trigger (a space, or 0).
    pub fn before(&self, count: usize) -> usize {
        let splits = count + self.lead;
        if splits == 0 {
            return self.start;
        }
        let earlier = self.spaces.partition_point(|&p| p < self.start);
        if splits > earlier {
            0
        } else {
            self.spaces[earlier - splits]
        }
    }

    /// End offset of the `count` words after the trigger (a space, or the sentence end).
    pub fn after(&self, count: usize) -> usize {
        let splits = count + self.trail;
        if splits == 0 {
            return self.end;
        }
        let first = self.spaces.partition_point(|&p| p < self.end);
        self.spaces.get(first + splits - 1).copied().unwrap_or(self.length)
    }
}
