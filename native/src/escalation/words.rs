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
//! The scan: each word of `spaced` is looked up among the words that start a key or phrase
//! (an 8 KB filter in the L1 cache first: most words start none), and from those a trie of
//! next words is walked. A DFA step per byte is a dependent load into a table larger than
//! the L1 cache; this touches little memory per word.

use std::cell::RefCell;
use std::collections::HashMap;

use super::field::is_word_byte;

/// A word as it is compared: its first eight bytes (zero-padded) and its length; a longer
/// word's other bytes are compared only when these agree.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Head {
    bytes: u64,
    length: usize,
}

impl Head {
    fn of(text: &[u8], start: usize, end: usize) -> Self {
        let length = end - start;
        let bytes = match text.get(start..start + 8) {
            Some(eight) => {
                let mut word = [0u8; 8];
                word.copy_from_slice(eight);
                let all = u64::from_le_bytes(word);
                if length >= 8 {
                    all
                } else {
                    all & ((1u64 << (8 * length)) - 1)
                }
            }
            None => {
                text[start..end].iter().take(8).rev().fold(0, |acc, &b| acc << 8 | u64::from(b))
            }
        };
        Head { bytes, length }
    }

    /// A multiplicative hash; its top bits index the filter and the table.
    fn hash(self) -> u64 {
        (self.bytes ^ (self.length as u64).rotate_right(8)).wrapping_mul(0x9e_37_79_b9_7f_4a_7c_15)
    }
}

const FILTER_BITS: u32 = 16;

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
const NONE: u32 = u32::MAX;
/// The most words a key or phrase may have (the packaged rules have at most five).
const MAX_WORDS: usize = 12;

/// What ends at a trie node.
enum Output {
    /// A trigger key (index into the tables' trigger entries).
    Key(usize),
    /// A context phrase (index into the tables' context entries) and its separators, in
    /// order, as they must read in `folded`.
    Phrase(usize, Vec<Box<[u8]>>),
}

/// A word of a key or phrase where the scan compares it: its head, inline, and its index
/// among the words (for the bytes past the head of a longer word).
#[derive(Clone, Copy)]
struct Slot {
    head: u64,
    length: u32,
    word: u32,
    node: u32,
}

impl Slot {
    const EMPTY: Slot = Slot { head: 0, length: 0, word: NONE, node: NONE };

    fn is(&self, words: &[Box<[u8]>], head: Head, text: &[u8], start: usize, end: usize) -> bool {
        self.head == head.bytes
            && self.length as usize == head.length
            && (head.length <= 8
                || words.get(self.word as usize).is_some_and(|w| **w == text[start..end]))
    }
}

/// A trie node, its outputs and next words as ranges of the flat arrays (the scan touches
/// a few cache lines per word, not a heap block per node).
#[derive(Clone, Copy)]
struct Node {
    outputs: (u32, u32),
    next: (u32, u32),
}

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
    nodes: Vec<Node>,
    outputs: Vec<Output>,
    /// Each node's next words (`Slot::node` their node), with their distance in spaces.
    edges: Vec<(Slot, usize)>,
    /// The words that start a key or phrase: an open-addressing table by the top bits of
    /// their hash (node NONE: empty).
    first: Vec<Slot>,
    /// A bit per the top `FILTER_BITS` of the hash of each word that starts a key or phrase.
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

/// A next word in the trie as it is built: word, distance in spaces, node.
type NextWord = (u32, usize, u32);

/// The trie as it is built, before it is laid out flat: per node its outputs and next
/// words.
#[derive(Default)]
struct Trie {
    words: Vec<Box<[u8]>>,
    ids: HashMap<Box<[u8]>, u32>,
    nodes: Vec<(Vec<Output>, Vec<NextWord>)>,
    /// First word -> node.
    firsts: HashMap<u32, u32>,
}

impl Trie {
    fn add(&mut self, words: &[&[u8]], gaps: &[usize], output: Output) {
        let mut node: Option<u32> = None;
        for (i, &word) in words.iter().enumerate() {
            let id = match self.ids.get(word) {
                Some(&id) => id,
                None => {
                    self.words.push(word.into());
                    let id = self.words.len() as u32 - 1;
                    self.ids.insert(word.into(), id);
                    id
                }
            };
            let existing = match node {
                None => self.firsts.get(&id).copied(),
                Some(n) => self.nodes[n as usize]
                    .1
                    .iter()
                    .find(|&&(w, gap, _)| w == id && gap == gaps[i - 1])
                    .map(|&(_, _, child)| child),
            };
            let child = existing.unwrap_or_else(|| {
                self.nodes.push((Vec::new(), Vec::new()));
                let created = self.nodes.len() as u32 - 1;
                match node {
                    None => {
                        self.firsts.insert(id, created);
                    }
                    Some(n) => self.nodes[n as usize].1.push((id, gaps[i - 1], created)),
                }
                created
            });
            node = Some(child);
        }
        if let Some(node) = node {
            self.nodes[node as usize].0.push(output);
        }
    }

    fn slot(&self, word: u32, node: u32) -> Option<Slot> {
        let bytes = self.words.get(word as usize)?;
        let head = Head::of(bytes, 0, bytes.len());
        Some(Slot { head: head.bytes, length: u32::try_from(head.length).ok()?, word, node })
    }
}

impl WordIndex {
    /// From the trigger keys (" w1 w2 ... wn ", single spaces) and the context phrases with
    /// whether each is glued. None when a key or phrase does not have that shape (ASCII
    /// words with separators, starting and ending with a word; a glued one starting "n'").
    pub fn new(keys: &[&str], phrases: &[(&str, bool)]) -> Option<Self> {
        let mut trie = Trie::default();
        let mut glued = Vec::new();
        for (key_index, key) in keys.iter().enumerate() {
            let inner = key.strip_prefix(' ')?.strip_suffix(' ')?;
            let words: Vec<&[u8]> = inner.split(' ').map(str::as_bytes).collect();
            if words.iter().any(|w| w.is_empty() || !w.iter().all(u8::is_ascii_alphanumeric)) {
                return None;
            }
            if words.len() > MAX_WORDS {
                return None;
            }
            trie.add(&words, &vec![1; words.len() - 1], Output::Key(key_index));
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
            if words.len() > MAX_WORDS {
                return None;
            }
            let gaps: Vec<usize> = separators.iter().map(|s| s.len()).collect();
            trie.add(&words, &gaps, Output::Phrase(phrase_index, separators));
        }
        // Laid out flat: nodes, their outputs and next words in contiguous ranges.
        let (mut nodes, mut outputs, mut edges) = (Vec::new(), Vec::new(), Vec::new());
        for (node_outputs, next) in std::mem::take(&mut trie.nodes) {
            let first_output = u32::try_from(outputs.len()).ok()?;
            let first_edge = u32::try_from(edges.len()).ok()?;
            outputs.extend(node_outputs);
            for (word, gap, child) in next {
                edges.push((trie.slot(word, child)?, gap));
            }
            nodes.push(Node {
                outputs: (first_output, u32::try_from(outputs.len()).ok()?),
                next: (first_edge, u32::try_from(edges.len()).ok()?),
            });
        }
        let size = (trie.firsts.len() * 4).next_power_of_two().max(16);
        let mut first = vec![Slot::EMPTY; size];
        let mut starts = vec![0u64; (1 << FILTER_BITS) / 64];
        for (&word, &node) in &trie.firsts {
            let slot = trie.slot(word, node)?;
            let hash = Head { bytes: slot.head, length: slot.length as usize }.hash();
            let bit = (hash >> (64 - FILTER_BITS)) as usize;
            starts[bit / 64] |= 1 << (bit % 64);
            let mut at = (hash >> 32) as usize & (size - 1);
            while first[at].node != NONE {
                at = (at + 1) & (size - 1);
            }
            first[at] = slot;
        }
        Some(WordIndex { words: trie.words, nodes, outputs, edges, first, starts, glued })
    }

    /// The trie node of the word `text[start..end]` (whose head is `head`) when it starts a
    /// key or phrase.
    fn first_node(&self, text: &[u8], start: usize, end: usize, head: Head) -> Option<u32> {
        let hash = head.hash();
        let mask = self.first.len() - 1;
        let mut at = (hash >> 32) as usize & mask;
        loop {
            let slot = self.first.get(at)?;
            if slot.node == NONE {
                return None;
            }
            if slot.is(&self.words, head, text, start, end) {
                return Some(slot.node);
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
            // Every word, and those that pass the filter appended without a branch (a word of
            // news passes about one time in three: a branch would be mispredicted often).
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
                if let Some(node) = self.first_node(spaced, start, end, head) {
                    self.walk(spaced, folded, &words[index..], node, &mut keys, &mut phrases);
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
        (keys, phrases)
    }

    /// The keys and phrases starting with the first of `words` (the text's words from there
    /// on, start and end in `spaced`), whose trie node is `node`.
    fn walk(
        &self,
        spaced: &[u8],
        folded: &[u8],
        words: &[(usize, usize)],
        node: u32,
        keys: &mut Vec<KeyMatch>,
        phrases: &mut Vec<PhraseMatch>,
    ) {
        let mut node = node as usize;
        let mut count = 1; // words walked; the text is padded, so each has spaces around it
        loop {
            let Some(here) = self.nodes.get(node) else { return };
            let (start, last) = (words[0].0, words[count - 1].1);
            let outputs = self.outputs.get(here.outputs.0 as usize..here.outputs.1 as usize);
            for output in outputs.unwrap_or_default() {
                match output {
                    Output::Key(key) => {
                        keys.push(KeyMatch { start: start - 1, end: last + 1, key: *key })
                    }
                    Output::Phrase(phrase, separators) => {
                        let separated = separators.iter().enumerate().all(|(i, separator)| {
                            // Between word i and i+1, in `folded` offsets (one less).
                            folded.get(words[i].1 - 1..words[i + 1].0 - 1) == Some(&separator[..])
                        });
                        if separated {
                            phrases.push(PhraseMatch {
                                start: start - 1,
                                end: last - 1,
                                phrase: *phrase,
                            });
                        }
                    }
                }
            }
            let next_words = self.edges.get(here.next.0 as usize..here.next.1 as usize);
            let Some(next_words) = next_words.filter(|n| !n.is_empty()) else { return };
            let Some(&(next, next_end)) = words.get(count) else { return };
            let (head, gap) = (Head::of(spaced, next, next_end), next - last);
            let step = next_words.iter().find(|(slot, distance)| {
                *distance == gap && slot.is(&self.words, head, spaced, next, next_end)
            });
            let Some((slot, _)) = step else { return };
            node = slot.node as usize;
            count += 1;
        }
    }
}

/// The spaces of eight bytes as the low eight bits of a mask (SWAR: a zero-byte test on the
/// bytes xor 0x20, exact, then the bytes' top bits gathered by one multiply).
fn space_bits(eight: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = eight ^ 0x2020_2020_2020_2020;
    let zero = !((x & LOW7).wrapping_add(LOW7) | x | LOW7); // 0x80 where a byte was a space
    ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The spaces of up to 64 bytes as a bit mask (bit i: byte i is a space; past the end too).
fn space_mask(block: &[u8]) -> u64 {
    let mut mask = 0u64;
    for (i, eight) in block.chunks(8).enumerate() {
        let mut word = [b' '; 8];
        word[..eight.len()].copy_from_slice(eight);
        mask |= space_bits(u64::from_le_bytes(word)) << (8 * i);
    }
    if block.len() < 64 {
        mask |= u64::MAX << block.len();
    }
    mask
}

/// Calls `visit(start, end)` for every word (maximal run of bytes other than a space) of
/// `text`, in order. Spaces are found 64 bytes at a time as a bit mask whose bits give the
/// words' starts and ends: no branch per byte, so word lengths do not upset the branch
/// predictor.
fn for_each_word(text: &[u8], mut visit: impl FnMut(usize, usize)) {
    let n = text.len();
    let masks: Vec<u64> = text.chunks(64).map(space_mask).collect();
    let mut carry = 1u64; // before the text: a space
    for (index, &spaces) in masks.iter().enumerate() {
        let mut starts = !spaces & (spaces << 1 | carry);
        carry = spaces >> 63;
        while starts != 0 {
            let bit = starts.trailing_zeros();
            starts &= starts - 1;
            let start = index * 64 + bit as usize;
            let after = spaces >> bit; // bit 0 is the word's first byte, not a space
            let end = if after != 0 {
                start + after.trailing_zeros() as usize
            } else {
                // The word runs into the next blocks.
                let mut end = (index + 1) * 64;
                for &later in &masks[index + 1..] {
                    if later != 0 {
                        end += later.trailing_zeros() as usize;
                        break;
                    }
                    end += 64;
                }
                end
            };
            visit(start, end.min(n));
        }
    }
}
