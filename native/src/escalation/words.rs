//! The trigger scan by words. Trigger keys are words padded with single spaces (" cut ties ")
//! and the scanned text is `spaced` (field.rs): words between spaces. The reference runs an
//! Aho-Corasick automaton over the text; a key occurs exactly where its words follow each
//! other one space apart. So each word of the text is looked up among the words that start
//! a key, and from those a trie of the keys' next words is walked. A DFA step per byte is a
//! dependent load into a table larger than the L1 cache; a look-up per word touches an 8 KB
//! filter and, for a word that may start a key, one small table.

use std::collections::HashMap;

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
const NONE: u32 = u32::MAX;

/// A word of a key at some place of the trie: its head, its full bytes (for words longer
/// than eight bytes), the trie node it leads to.
struct Step {
    head: Head,
    word: Box<[u8]>,
    node: u32,
}

impl Step {
    fn is(&self, head: Head, text: &[u8], start: usize, end: usize) -> bool {
        self.head == head && (head.length <= 8 || *self.word == text[start..end])
    }
}

struct Node {
    /// The key that ends at this node, if any.
    key: Option<usize>,
    /// The next words of the longer keys, as indexes into `WordKeys::steps`.
    next: Vec<u32>,
}

/// A key found in `spaced`: the offsets of its first and last space (`end` exclusive).
pub struct KeyMatch {
    pub start: usize,
    pub end: usize,
    pub key: usize,
}

pub struct WordKeys {
    steps: Vec<Step>,
    nodes: Vec<Node>,
    /// The words that start a key: an open-addressing table of indexes into `steps`, by the
    /// top bits of their hash (NONE: empty).
    first: Vec<u32>,
    /// A bit per the top `FILTER_BITS` of the hash of each word that starts a key: most
    /// words of a text start none, and this 8 KB table (in the L1 cache) tells so.
    starts: Vec<u64>,
}

impl WordKeys {
    /// From keys of the form " w1 w2 ... wn " (n >= 1, single spaces); None when one is not.
    pub fn new(keys: &[&str]) -> Option<Self> {
        let mut steps: Vec<Step> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut firsts: HashMap<&[u8], u32> = HashMap::new();
        for (index, key) in keys.iter().enumerate() {
            let inner = key.strip_prefix(' ')?.strip_suffix(' ')?;
            let mut node: Option<usize> = None;
            for word in inner.split(' ') {
                let bytes = word.as_bytes();
                if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_alphanumeric) {
                    return None;
                }
                let head = Head::of(bytes, 0, bytes.len());
                let existing = match node {
                    None => firsts.get(bytes).copied(),
                    Some(n) => nodes[n]
                        .next
                        .iter()
                        .copied()
                        .find(|&s| steps[s as usize].is(head, bytes, 0, bytes.len())),
                };
                let step = match existing {
                    Some(step) => step,
                    None => {
                        nodes.push(Node { key: None, next: Vec::new() });
                        steps.push(Step { head, word: bytes.into(), node: nodes.len() as u32 - 1 });
                        let step = steps.len() as u32 - 1;
                        match node {
                            None => {
                                firsts.insert(bytes, step);
                            }
                            Some(n) => nodes[n].next.push(step),
                        }
                        step
                    }
                };
                node = Some(steps[step as usize].node as usize);
            }
            nodes[node?].key = Some(index);
        }
        let size = (firsts.len() * 4).next_power_of_two().max(16);
        let mut first = vec![NONE; size];
        let mut starts = vec![0u64; (1 << FILTER_BITS) / 64];
        for &step in firsts.values() {
            let hash = steps[step as usize].head.hash();
            let bit = (hash >> (64 - FILTER_BITS)) as usize;
            starts[bit / 64] |= 1 << (bit % 64);
            let mut slot = (hash >> 32) as usize & (size - 1);
            while first[slot] != NONE {
                slot = (slot + 1) & (size - 1);
            }
            first[slot] = step;
        }
        Some(WordKeys { steps, nodes, first, starts })
    }

    /// The step of the key-starting word `text[start..end]`, if it is one.
    fn first_step(&self, text: &[u8], start: usize, end: usize) -> Option<&Step> {
        let head = Head::of(text, start, end);
        let hash = head.hash();
        let bit = (hash >> (64 - FILTER_BITS)) as usize;
        if self.starts[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mask = self.first.len() - 1;
        let mut slot = (hash >> 32) as usize & mask;
        loop {
            let step = *self.first.get(slot)?;
            let found = self.steps.get(step as usize)?;
            if found.is(head, text, start, end) {
                return Some(found);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Every occurrence of every key in `spaced` (padded with a space at each end).
    pub fn find(&self, spaced: &[u8]) -> Vec<KeyMatch> {
        let mut found = Vec::new();
        for_each_word(spaced, |start, end| {
            if let Some(step) = self.first_step(spaced, start, end) {
                self.walk(spaced, start, end, step.node, &mut found);
            }
        });
        found
    }

    /// The keys starting with the word `spaced[start..end]`, whose trie node is `node`.
    fn walk(&self, spaced: &[u8], start: usize, end: usize, node: u32, found: &mut Vec<KeyMatch>) {
        let mut node = node as usize;
        let mut last = end; // a space: the text is padded
        loop {
            let here = &self.nodes[node];
            if let Some(key) = here.key {
                found.push(KeyMatch { start: start - 1, end: last + 1, key });
            }
            // The next word of the key must follow exactly one space on.
            let next = last + 1;
            if here.next.is_empty() || next >= spaced.len() || spaced[next] == b' ' {
                return;
            }
            let next_end =
                spaced[next..].iter().position(|&b| b == b' ').map_or(spaced.len(), |p| next + p);
            let head = Head::of(spaced, next, next_end);
            let step = here.next.iter().map(|&s| &self.steps[s as usize]);
            let Some(step) = step.into_iter().find(|s| s.is(head, spaced, next, next_end)) else {
                return;
            };
            node = step.node as usize;
            last = next_end;
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
