//! The words and phrases the tagger knows, and which terms a text holds (`TopicTagger._match`).
//!
//! An article has a few hundred words to look up, so the lookup is an open-addressing table
//! made for it: 8-bit fingerprints that turn most missing words away from a small array, and
//! slots that hold a word's first 8 bytes as an integer, so most comparisons are one integer
//! test, not a byte comparison.

use std::collections::HashMap;

use super::phrases::Phrase;
use super::words::{word_prefix, Words};

/// An anchor word and the phrase keys anchored on it, each with its term id.
pub type Anchored = (Vec<u8>, Vec<(Vec<u8>, u32)>);

const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// A multiply-xorshift hash of a word's length and first 8 bytes (`prefix`), without a
/// branch: longer words that share both differ in their slots' tails. The table is built once
/// and never grows from article text, so crafted words can make one lookup probe longer, not
/// the table degrade.
fn hash_word(word: &[u8], prefix: u64) -> u64 {
    let hash = (prefix ^ (word.len() as u64).rotate_right(8)).wrapping_mul(MULTIPLIER);
    let hash = (hash ^ (hash >> 29)).wrapping_mul(MULTIPLIER);
    hash ^ (hash >> 32)
}

/// The first 8 bytes of a word as an integer, zero past its end.
fn prefix_of(word: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let head = word.get(..word.len().min(8)).unwrap_or_default();
    bytes.get_mut(..head.len()).unwrap_or_default().copy_from_slice(head);
    word_prefix(u64::from_le_bytes(bytes), word.len())
}

/// A slot of the table: a known word's first 8 bytes and length, and where its ids are. A
/// word of at most 8 bytes is compared without another memory read, and its ids are in one
/// place: its term ids, its anchored phrases' indexes, then (for a word longer than 8 bytes)
/// where its bytes past the 8th are in `tails`.
#[derive(Clone, Copy, Default)]
struct Slot {
    prefix: u64,
    /// 0 for an empty slot (no word is empty).
    len: u16,
    terms: u8,
    phrases: u8,
    start: u32,
}

impl Slot {
    fn ids(&self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + usize::from(self.terms) + usize::from(self.phrases)
    }
}

const EMPTY_SLOT: Slot = Slot { prefix: 0, len: 0, terms: 0, phrases: 0, start: 0 };

/// 8 bits of a word's hash, never 0 (which marks an empty slot). The slot index takes the low
/// bits, this the high ones.
fn fingerprint_of(hash: u64) -> u8 {
    ((hash >> 56) as u8).max(1)
}

pub struct Vocabulary {
    /// Per slot, 8 bits of the hash of its word (0 for an empty slot): a 32 KB array that
    /// turns most missing words (four words in ten) away without reading `slots`.
    fingerprints: Vec<u8>,
    slots: Vec<Slot>,
    ids: Vec<u32>,
    tails: Vec<u8>,
    phrases: Vec<Phrase>,
    term_count: usize,
}

impl Vocabulary {
    /// `words`: each word and its term ids (`TopicTagger._word_terms`); `anchors`: each anchor
    /// word and the phrase keys anchored on it with their term ids (`TopicTagger._anchors`);
    /// term ids are below `term_count`.
    pub fn new(
        words: Vec<(Vec<u8>, Vec<u32>)>,
        anchors: Vec<Anchored>,
        term_count: usize,
    ) -> Result<Self, &'static str> {
        let mut known: HashMap<Vec<u8>, (Vec<u32>, Vec<u32>)> = HashMap::new();
        for (word, terms) in words {
            known.entry(word).or_default().0.extend(terms);
        }
        let mut phrases = Vec::new();
        for (anchor, keys) in anchors {
            let (_, anchored) = known.entry(anchor.clone()).or_default();
            for (key, term) in keys {
                anchored.push(phrases.len() as u32);
                phrases.push(Phrase::new(key, &anchor, term));
            }
        }
        // Sorted, so that the table does not depend on the HashMap's random order.
        let mut known: Vec<_> = known.into_iter().collect();
        known.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut vocabulary = Vocabulary {
            // A third full at most: a missing word meets an empty slot in a probe or two.
            fingerprints: vec![0; (known.len() * 3).next_power_of_two().max(16)],
            slots: vec![Slot::default(); (known.len() * 3).next_power_of_two().max(16)],
            ids: Vec::new(),
            tails: Vec::new(),
            phrases,
            term_count,
        };
        for (word, (terms, anchored)) in known {
            vocabulary.insert(&word, &terms, &anchored)?;
        }
        let phrase_terms = vocabulary.phrases.iter().map(|phrase| phrase.term);
        if phrase_terms.into_iter().any(|term| term as usize >= term_count) {
            return Err("a phrase names a term out of range");
        }
        Ok(vocabulary)
    }

    fn insert(&mut self, word: &[u8], terms: &[u32], anchored: &[u32]) -> Result<(), &'static str> {
        if terms.iter().any(|&term| term as usize >= self.term_count) {
            return Err("a word names a term out of range");
        }
        let (Ok(len), Ok(term_count), Ok(phrase_count), Ok(start)) = (
            u16::try_from(word.len()),
            u8::try_from(terms.len()),
            u8::try_from(anchored.len()),
            u32::try_from(self.ids.len()),
        ) else {
            return Err("a word too long, or with too many terms or phrases");
        };
        if len == 0 {
            return Err("an empty word");
        }
        let prefix = prefix_of(word);
        self.ids.extend_from_slice(terms);
        self.ids.extend_from_slice(anchored);
        if let Some(tail) = word.get(8..) {
            self.ids.push(self.tails.len() as u32);
            self.tails.extend_from_slice(tail);
        }
        let slot = Slot { prefix, len, terms: term_count, phrases: phrase_count, start };
        let hash = hash_word(word, prefix);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        // The table is never full (three slots a word), so an empty slot comes.
        for _ in 0..self.slots.len() {
            match (self.fingerprints.get_mut(at), self.slots.get_mut(at)) {
                (Some(fingerprint), Some(empty)) if *fingerprint == 0 => {
                    *fingerprint = fingerprint_of(hash);
                    *empty = slot;
                    return Ok(());
                }
                _ => at = (at + 1) & mask,
            }
        }
        Err("the table is full")
    }

    /// The slot of a word, or an empty slot (which has no ids) when it is not known: the
    /// caller treats both alike, so a word found and a word missing take the same branches.
    fn find(&self, word: &[u8], prefix: u64) -> &Slot {
        let hash = hash_word(word, prefix);
        let fingerprint = fingerprint_of(hash);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        for _ in 0..self.slots.len() {
            match self.fingerprints.get(at) {
                None | Some(0) => break,
                Some(&seen) if seen == fingerprint => {
                    if let Some(slot) = self.slots.get(at) {
                        let same = slot.prefix == prefix && usize::from(slot.len) == word.len();
                        if same && (word.len() <= 8 || self.tail_of(slot) == word.get(8..)) {
                            return slot;
                        }
                    }
                }
                Some(_) => {}
            }
            at = (at + 1) & mask;
        }
        &EMPTY_SLOT
    }

    fn tail_of(&self, slot: &Slot) -> Option<&[u8]> {
        let start = *self.ids.get(slot.ids().end)? as usize;
        self.tails.get(start..start + usize::from(slot.len).checked_sub(8)?)
    }

    /// The terms of a text's words, into `terms`: the words' own, then the phrases' found
    /// at their anchors' occurrences.
    pub fn terms_in(&self, words: &Words, terms: &mut TermSet) {
        terms.clear(self.term_count);
        // (phrase, word index of its anchor) for each occurrence of an anchor word.
        let mut anchored: Vec<(u32, usize)> = Vec::new();
        for (index, (word, prefix)) in words.iter().enumerate() {
            let slot = self.find(word, prefix);
            let ids = self.ids.get(slot.ids()).unwrap_or_default();
            let (term_ids, phrase_ids) = ids.split_at(usize::from(slot.terms).min(ids.len()));
            for &term in term_ids {
                terms.insert(term);
            }
            anchored.extend(phrase_ids.iter().map(|&phrase| (phrase, index)));
        }
        for (phrase, anchor_word) in anchored {
            if let Some(phrase) = self.phrases.get(phrase as usize) {
                if phrase.occurs_at(words, anchor_word) {
                    terms.insert(phrase.term);
                }
            }
        }
    }
}

/// A set of small ids (terms, phrases) as a bit set: inserting is one OR, and iterating gives
/// the ids sorted, the order the reference sums weights in.
#[derive(Default, Clone)]
pub struct TermSet {
    bits: Vec<u64>,
}

impl TermSet {
    /// Empty it, for ids below `capacity`.
    pub fn clear(&mut self, capacity: usize) {
        self.bits.clear();
        self.bits.resize(capacity.div_ceil(64), 0);
    }

    /// Ids past the capacity are ignored (the tables are checked when built).
    pub fn insert(&mut self, id: u32) {
        if let Some(bits) = self.bits.get_mut(id as usize / 64) {
            *bits |= 1 << (id % 64);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&bits| bits == 0)
    }

    /// Remove the ids that are in `other`.
    pub fn remove_all(&mut self, other: &TermSet) {
        for (bits, removed) in self.bits.iter_mut().zip(&other.bits) {
            *bits &= !removed;
        }
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().enumerate().flat_map(|(at, &bits)| {
            let base = at as u32 * 64;
            let mut rest = bits;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(base + bit)
            })
        })
    }
}
