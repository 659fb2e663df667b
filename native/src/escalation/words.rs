//! One scan by words finds both the trigger keys and the context phrases of a field.
//!
//! Trigger keys are words padded with single spaces (" cut ties ") and the reference runs an
//! Aho-Corasick automaton over `spaced` (field.rs: every character that is not `isalnum` a
//! space); a key occurs exactly where its words follow each other one space apart.
//!
//! Context phrases ("no plans", "full-scale") are matched by the reference on each lower-cased
//! sentence, whole words only: `isalnum` must not hold just before (unless the phrase is
//! glued, "n't") or just after. Their words are the phrase's runs of letters and digits, so
//! an occurrence is a run of words of `spaced` whose gaps are exactly as long as the
//! phrase's separators, and whose separators in `folded` are the phrase's (checked there).
//! Conversely such a run is an occurrence, whole-word by construction. Found once per field,
//! an occurrence lies in a sentence exactly when the reference finds it in that sentence:
//! the character before a sentence and the one after it are never `isalnum` (a sentence
//! starts after spaces or a line break, and ends at its mark or before spaces), so the
//! whole-word tests give the same answers. Glued phrases are found by their apostrophe.
//!
//! The scan: each key or phrase is anchored on its longest word (longer words are rarer:
//! "on strike" waits for "strike", not for every "on"). Each word of `spaced` is looked up
//! among the anchors (an 8 KB filter in the L1 cache first: most words anchor nothing), and
//! the words around an anchor are compared with the entries anchored there. A DFA step per
//! byte is a dependent load into a table larger than the L1 cache; this touches little
//! memory per word.

use std::cell::RefCell;
use std::collections::HashMap;

use super::field::is_word_byte;
use super::wordcut::{for_each_word, Head};

const FILTER_BITS: u32 = 16;
const NONE: u32 = u32::MAX;
/// The most words a key or phrase may have (the packaged rules have at most five).
const MAX_WORDS: usize = 12;

/// The words of a text (start, end in `spaced`) and the indexes of those that pass the
/// filter, kept from text to text: no allocation or zeroing per text.
#[derive(Default)]
struct Scratch {
    words: Vec<(usize, usize)>,
    candidates: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What an entry is.
enum Output {
    /// A trigger key (index into the tables' trigger entries).
    Key(usize),
    /// A context phrase (index into the tables' context entries) and its separators, in
    /// order, as they must read in `folded`.
    Phrase(usize, Vec<Box<[u8]>>),
}

/// A word of a key or phrase as the scan compares it: its head, and its index among the
/// words (for the bytes past the head of a longer word).
#[derive(Clone, Copy)]
struct WordRef {
    head: u64,
    length: u32,
    word: u32,
}

impl WordRef {
    fn is(&self, words: &[Box<[u8]>], head: Head, text: &[u8], start: usize, end: usize) -> bool {
        self.head == head.bytes
            && self.length as usize == head.length
            && (head.length <= 8
                || words.get(self.word as usize).is_some_and(|w| **w == text[start..end]))
    }
}

/// A key or phrase: its words and the gaps (in spaces) between them as ranges of the flat
/// arrays, the index of its anchor word, what it is.
struct Entry {
    words: (u32, u32),
    gaps: u32,
    anchor: u32,
    output: Output,
}

/// An entry as it is read: its words, the gaps between them, what it is.
type Parts<'k> = (Vec<&'k [u8]>, Vec<usize>, Output);

/// A trigger key found in `spaced`: the offsets of its first and last space (`end`
/// exclusive).
pub struct KeyMatch {
    pub start: usize,
    pub end: usize,
    pub key: usize,
}

/// A context phrase found in `folded`: its offsets and its index in the tables.
#[derive(Clone, Copy)]
pub struct PhraseMatch {
    pub start: usize,
    pub end: usize,
    pub phrase: usize,
}

pub struct WordIndex {
    /// Every word of the keys and phrases.
    words: Vec<Box<[u8]>>,
    /// The entries, grouped by anchor word.
    entries: Vec<Entry>,
    entry_words: Vec<WordRef>,
    entry_gaps: Vec<usize>,
    /// The anchor words: an open-addressing table by the top bits of their hash, of the
    /// word and the range of its entries (an empty slot has an empty range).
    anchors: Vec<(WordRef, u32, u32)>,
    /// A bit per the top `FILTER_BITS` of the hash of each anchor word.
    starts: Vec<u64>,
    /// Glued phrases ("n't": no word boundary on the left), found by their apostrophe.
    glued: Vec<(usize, Box<[u8]>)>,
}

/// A phrase's words and the separators between them.
type Split<'p> = (Vec<&'p [u8]>, Vec<Box<[u8]>>);

/// A phrase split into its words (runs of ASCII letters and digits) and the separators
/// between them; None when it does not start and end with a word character.
fn split(phrase: &str) -> Option<Split<'_>> {
    let bytes = phrase.as_bytes();
    let (mut words, mut separators) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at == start {
            return None; // starts with a separator, or two in a row ended a word early
        }
        words.push(&bytes[start..at]);
        let gap = at;
        while at < bytes.len() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at > gap {
            if at == bytes.len() {
                return None; // ends with a separator
            }
            separators.push(bytes[gap..at].into());
        }
    }
    (!words.is_empty()).then_some((words, separators))
}

impl WordIndex {
    /// From the trigger keys (" w1 w2 ... wn ", single spaces) and the context phrases with
    /// whether each is glued. None when a key or phrase does not have that shape (ASCII
    /// words with separators, starting and ending with a word; a glued one starting "n'").
    pub fn new(keys: &[&str], phrases: &[(&str, bool)]) -> Option<Self> {
        // Every entry, then laid out grouped by anchor word.
        let mut found: Vec<Parts<'_>> = Vec::new();
        let mut glued = Vec::new();
        for (key_index, key) in keys.iter().enumerate() {
            let inner = key.strip_prefix(' ')?.strip_suffix(' ')?;
            let words: Vec<&[u8]> = inner.split(' ').map(str::as_bytes).collect();
            if words.iter().any(|w| w.is_empty() || !w.iter().all(u8::is_ascii_alphanumeric)) {
                return None;
            }
            let gaps = vec![1; words.len() - 1];
            found.push((words, gaps, Output::Key(key_index)));
        }
        for (phrase_index, &(phrase, is_glued)) in phrases.iter().enumerate() {
            if !phrase.is_ascii() {
                return None;
            }
            if is_glued {
                if !phrase.starts_with("n'")
                    || !phrase.ends_with(|c: char| c.is_ascii_alphanumeric())
                {
                    return None;
                }
                glued.push((phrase_index, phrase.as_bytes().into()));
                continue;
            }
            let (words, separators) = split(phrase)?;
            let gaps: Vec<usize> = separators.iter().map(|s| s.len()).collect();
            found.push((words, gaps, Output::Phrase(phrase_index, separators)));
        }
        let mut words: Vec<Box<[u8]>> = Vec::new();
        let mut ids: HashMap<Box<[u8]>, u32> = HashMap::new();
        let mut word_ref = |bytes: &[u8], words: &mut Vec<Box<[u8]>>| -> Option<WordRef> {
            let id = match ids.get(bytes) {
                Some(&id) => id,
                None => {
                    words.push(bytes.into());
                    let id = u32::try_from(words.len() - 1).ok()?;
                    ids.insert(bytes.into(), id);
                    id
                }
            };
            let head = Head::of(bytes, 0, bytes.len());
            Some(WordRef { head: head.bytes, length: u32::try_from(head.length).ok()?, word: id })
        };
        // Anchored on the first of the longest words; grouped by anchor.
        let mut by_anchor: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        let mut anchors_of = Vec::with_capacity(found.len());
        for (index, (entry_words, _, _)) in found.iter().enumerate() {
            if entry_words.is_empty() || entry_words.len() > MAX_WORDS {
                return None;
            }
            let longest = entry_words.iter().map(|w| w.len()).max()?;
            let anchor = entry_words.iter().position(|w| w.len() == longest)?;
            anchors_of.push(anchor);
            by_anchor.entry(entry_words[anchor].to_vec()).or_default().push(index);
        }
        let mut slots: Vec<(Vec<u8>, u32, u32)> = Vec::new();
        let mut order: Vec<usize> = Vec::with_capacity(found.len());
        let mut groups: Vec<_> = by_anchor.into_iter().collect();
        groups.sort(); // a stable layout from run to run
        for (anchor, members) in groups {
            let first = u32::try_from(order.len()).ok()?;
            order.extend(members);
            slots.push((anchor, first, u32::try_from(order.len()).ok()?));
        }
        let mut taken: Vec<Option<Parts<'_>>> = found.into_iter().map(Some).collect();
        let (mut entries, mut entry_words, mut entry_gaps) = (Vec::new(), Vec::new(), Vec::new());
        for index in order {
            let (entry, gaps, output) = taken.get_mut(index)?.take()?;
            let first_word = u32::try_from(entry_words.len()).ok()?;
            for word in &entry {
                entry_words.push(word_ref(word, &mut words)?);
            }
            let first_gap = u32::try_from(entry_gaps.len()).ok()?;
            entry_gaps.extend(gaps);
            entries.push(Entry {
                words: (first_word, u32::try_from(entry_words.len()).ok()?),
                gaps: first_gap,
                anchor: u32::try_from(anchors_of[index]).ok()?,
                output,
            });
        }
        let size = (slots.len() * 4).next_power_of_two().max(16);
        let empty = (WordRef { head: 0, length: 0, word: NONE }, 0, 0);
        let mut anchors = vec![empty; size];
        let mut starts = vec![0u64; (1 << FILTER_BITS) / 64];
        for (anchor, first, last) in slots {
            let reference = word_ref(&anchor, &mut words)?;
            let hash = Head { bytes: reference.head, length: reference.length as usize }.hash();
            let bit = (hash >> (64 - FILTER_BITS)) as usize;
            starts[bit / 64] |= 1 << (bit % 64);
            let mut at = (hash >> 32) as usize & (size - 1);
            while anchors[at].0.word != NONE {
                at = (at + 1) & (size - 1);
            }
            anchors[at] = (reference, first, last);
        }
        Some(WordIndex { words, entries, entry_words, entry_gaps, anchors, starts, glued })
    }

    /// The entries anchored on the word `text[start..end]` (whose head is `head`).
    fn anchored(&self, text: &[u8], start: usize, end: usize, head: Head) -> &[Entry] {
        let hash = head.hash();
        let mask = self.anchors.len() - 1;
        let mut at = (hash >> 32) as usize & mask;
        loop {
            let Some(&(reference, first, last)) = self.anchors.get(at) else { return &[] };
            if reference.word == NONE {
                return &[];
            }
            if reference.is(&self.words, head, text, start, end) {
                return self.entries.get(first as usize..last as usize).unwrap_or_default();
            }
            at = (at + 1) & mask;
        }
    }

    /// Every trigger key in `spaced` (padded with a space at each end) and every context
    /// phrase in `folded` (one byte less at the start), the phrases sorted by start.
    pub fn find(&self, spaced: &[u8], folded: &[u8]) -> (Vec<KeyMatch>, Vec<PhraseMatch>) {
        let mut keys = Vec::new();
        let mut phrases = Vec::new();
        SCRATCH.with_borrow_mut(|Scratch { words, candidates }| {
            // A word takes two bytes at least (itself and a space): half the text bounds
            // them.
            let bound = spaced.len() / 2 + 1;
            if words.len() < bound {
                words.resize(bound, (0, 0));
                candidates.resize(bound, 0);
            }
            // Every word, and those that pass the filter appended without a branch (a branch
            // on a filter that passes words often would be mispredicted often).
            let (mut count, mut passed) = (0, 0);
            for_each_word(spaced, |start, end| {
                let bit = (Head::of(spaced, start, end).hash() >> (64 - FILTER_BITS)) as usize;
                let pass = (self.starts[bit / 64] >> (bit % 64)) & 1;
                if let (Some(word), Some(candidate)) =
                    (words.get_mut(count), candidates.get_mut(passed))
                {
                    *word = (start, end);
                    *candidate = count;
                }
                count += 1;
                passed += pass as usize;
            });
            let words = &words[..count.min(bound)];
            for &index in &candidates[..passed.min(bound)] {
                let (start, end) = words[index];
                let head = Head::of(spaced, start, end);
                for entry in self.anchored(spaced, start, end, head) {
                    self.check(spaced, folded, words, index, entry, &mut keys, &mut phrases);
                }
            }
        });
        if !self.glued.is_empty() {
            for at in memchr::memchr_iter(b'\'', folded) {
                for (phrase, form) in &self.glued {
                    let start = at.wrapping_sub(1);
                    let end = start.wrapping_add(form.len());
                    let found = at >= 1
                        && folded
                            .get(start..end)
                            .is_some_and(|part| part.eq_ignore_ascii_case(form))
                        && folded.get(end).is_none_or(|&b| !is_word_byte(b));
                    if found {
                        phrases.push(PhraseMatch { start, end, phrase: *phrase });
                    }
                }
            }
            phrases.sort_by_key(|m| m.start);
        }
        phrases.sort_by_key(|m| m.start);
        (keys, phrases)
    }

    /// Whether `entry` occurs with its anchor at the text's word `index` (`words`: the
    /// text's words); records it if so.
    #[allow(clippy::too_many_arguments)] // the scan's state, passed down
    fn check(
        &self,
        spaced: &[u8],
        folded: &[u8],
        words: &[(usize, usize)],
        index: usize,
        entry: &Entry,
        keys: &mut Vec<KeyMatch>,
        phrases: &mut Vec<PhraseMatch>,
    ) {
        let Some(own) = self.entry_words.get(entry.words.0 as usize..entry.words.1 as usize) else {
            return;
        };
        let anchor = entry.anchor as usize;
        let Some(first) = index.checked_sub(anchor) else { return };
        let Some(text) = words.get(first..first + own.len()) else { return };
        let gaps = self.entry_gaps.get(entry.gaps as usize..).unwrap_or_default();
        for (k, (reference, &(start, end))) in own.iter().zip(text).enumerate() {
            if k > 0 && gaps.get(k - 1) != Some(&(start - text[k - 1].1)) {
                return;
            }
            if k != anchor
                && !reference.is(&self.words, Head::of(spaced, start, end), spaced, start, end)
            {
                return;
            }
        }
        let (start, last) = (text[0].0, text[text.len() - 1].1);
        match &entry.output {
            Output::Key(key) => keys.push(KeyMatch { start: start - 1, end: last + 1, key: *key }),
            Output::Phrase(phrase, separators) => {
                // Between word i and i+1, in `folded` offsets (one less).
                let separated = separators.iter().enumerate().all(|(i, separator)| {
                    folded.get(text[i].1 - 1..text[i + 1].0 - 1) == Some(&separator[..])
                });
                if separated {
                    phrases.push(PhraseMatch { start: start - 1, end: last - 1, phrase: *phrase });
                }
            }
        }
    }
}
