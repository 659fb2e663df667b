//! The multi-word terms (`TopicTagger._anchors`): a phrase is looked for only where its anchor
//! word occurs.
//!
//! The reference looks for a phrase's padded key (" two words ", or " two word" when its last
//! word is a prefix) in the joined words, when its anchor (its longest whole word) and its
//! other whole words occur. The key's whole words are space-delimited in the joined words, so
//! the key occurs exactly where its anchor, at its place in the key, is one of the text's
//! words and the key's bytes start at the space before the key's first word: comparing the
//! key there, at each occurrence of the anchor, finds every occurrence and nothing else.

use memchr::memmem;

use super::words::Words;

pub struct Phrase {
    key: Vec<u8>,
    /// The anchor's place among the key's words; `None` if the anchor is not one of its whole
    /// words (not made by the Python tables): the key is then searched for in the whole text.
    anchor_at: Option<usize>,
    finder: memmem::Finder<'static>,
    pub term: u32,
}

impl Phrase {
    pub fn new(key: Vec<u8>, anchor: &[u8], term: u32) -> Self {
        let mut parts: Vec<&[u8]> = key.split(|&byte| byte == b' ').collect();
        // A prefix key ends with its last word's prefix: not a whole word.
        if key.last() != Some(&b' ') {
            parts.pop();
        }
        let whole = parts.into_iter().filter(|part| !part.is_empty());
        let anchor_at = whole.clone().position(|part| part == anchor);
        // The comparison at a word needs the key's leading space (the reference's keys all
        // have it); without it the key is searched for.
        let anchor_at = anchor_at.filter(|_| key.first() == Some(&b' '));
        let finder = memmem::Finder::new(&key).into_owned();
        Phrase { key, anchor_at, finder, term }
    }

    /// Whether the key occurs in `words` with its anchor at word `anchor_word`.
    pub fn occurs_at(&self, words: &Words, anchor_word: usize) -> bool {
        let Some(anchor_at) = self.anchor_at else {
            return self.finder.find(words.joined()).is_some();
        };
        let Some(first) = anchor_word.checked_sub(anchor_at) else {
            return false;
        };
        let start = words.space_before(first);
        let end = start.saturating_add(self.key.len());
        words.joined().get(start..end) == Some(&self.key[..])
    }
}
