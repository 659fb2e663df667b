//! The actor scan of the tag stage: every place where one of the capitalised surface forms of
//! a country starts, with the longest form that ends on a whole word. Reference: the trie
//! regular expression `ActorIndex.scanner` in app/domain/actor_lexicon.py, whose `finditer`
//! tried a match at every position of the text in Python's regex engine (about 45 us per
//! 3 KB article); here a byte trie is walked from the bytes that can begin a form.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::pyunicode::is_alnum;

/// A byte trie of the forms. Every form starts with a capital letter, which is rare in running
/// text, so a walk is started only at bytes that begin some form (about one in twenty-five):
/// cheaper than a full automaton pass over every byte. The edges of all nodes sit in flat
/// arrays: the article's walks touch a few cache lines each, where a node per allocation cost
/// a cache miss per step (2.5x slower in a stream of articles than on one article repeated).
struct Trie {
    /// Node `n`'s edges are `edge_bytes[edge_start[n]..edge_start[n + 1]]` (sorted), leading
    /// to the nodes at the same places of `edge_child`.
    edge_start: Vec<u32>,
    edge_bytes: Vec<u8>,
    edge_child: Vec<u32>,
    /// The form that ends at each node.
    form_at: Vec<Option<u32>>,
    /// The root's edges as a table (0: no form starts with that byte), the hot lookup.
    root: [u32; 256],
}

impl Trie {
    fn new(forms: &[String]) -> Self {
        // Built with a vector per node, then laid out flat.
        let mut edges: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut form_at: Vec<Option<u32>> = vec![None];
        for (index, form) in forms.iter().enumerate() {
            let mut node = 0usize;
            for &byte in form.as_bytes() {
                node = match edges[node].binary_search_by_key(&byte, |&(b, _)| b) {
                    Ok(at) => edges[node][at].1 as usize,
                    Err(at) => {
                        let child = edges.len();
                        edges[node].insert(at, (byte, child as u32));
                        edges.push(Vec::new());
                        form_at.push(None);
                        child
                    }
                };
            }
            // The first of equal forms wins, as in the regex (it holds each string once).
            form_at[node].get_or_insert(index as u32);
        }
        let mut trie = Trie {
            edge_start: Vec::with_capacity(edges.len() + 1),
            edge_bytes: Vec::new(),
            edge_child: Vec::new(),
            form_at,
            root: [0; 256],
        };
        for node_edges in &edges {
            trie.edge_start.push(trie.edge_bytes.len() as u32);
            for &(byte, child) in node_edges {
                trie.edge_bytes.push(byte);
                trie.edge_child.push(child);
            }
        }
        trie.edge_start.push(trie.edge_bytes.len() as u32);
        for &(byte, child) in &edges[0] {
            trie.root[byte as usize] = child;
        }
        trie
    }

    fn child(&self, node: usize, byte: u8) -> Option<usize> {
        if node == 0 {
            let child = self.root[byte as usize];
            return (child != 0).then_some(child as usize);
        }
        let (start, end) = (self.edge_start[node] as usize, self.edge_start[node + 1] as usize);
        let at = self.edge_bytes[start..end].binary_search(&byte).ok()?;
        Some(self.edge_child[start + at] as usize)
    }
}

#[pyclass(frozen)]
pub struct FormScanner {
    trie: Trie,
    forms: Vec<Py<PyString>>,
    /// The form ends in a letter or digit, so the next character must not be one.
    needs_word_end: Vec<bool>,
}

#[pymethods]
impl FormScanner {
    /// `forms`: (surface form, whether it must end on a word boundary).
    #[new]
    fn new(forms: Vec<(Bound<'_, PyString>, bool)>) -> PyResult<Self> {
        let mut texts = Vec::with_capacity(forms.len());
        let mut objects = Vec::with_capacity(forms.len());
        let mut needs_word_end = Vec::with_capacity(forms.len());
        for (form, word_end) in forms {
            texts.push(form.to_str()?.to_owned());
            objects.push(form.unbind());
            needs_word_end.push(word_end);
        }
        Ok(FormScanner { trie: Trie::new(&texts), forms: objects, needs_word_end })
    }

    /// (start, end, form) of each match, in text order, as `scanner.finditer` gives them:
    /// the leftmost place where a form matches, the longest form there, then on from its end.
    /// Offsets count characters (Python string offsets).
    fn find(&self, py: Python<'_>, text: &str) -> Vec<(usize, usize, Py<PyString>)> {
        let bytes = text.as_bytes();
        let mut chosen = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            if self.trie.root[bytes[start] as usize] == 0 {
                start += 1;
                continue;
            }
            match self.longest_at(text, start) {
                Some((end, index)) => {
                    chosen.push((start, end, index));
                    start = end;
                }
                None => start += 1,
            }
        }
        let ascii = text.is_ascii();
        let mut offsets = CharOffsets::new(text);
        chosen
            .into_iter()
            .map(|(start, end, index)| {
                let (start, end) =
                    if ascii { (start, end) } else { (offsets.at(start), offsets.at(end)) };
                (start, end, self.forms[index].clone_ref(py))
            })
            .collect()
    }
}

impl FormScanner {
    /// The end and index of the longest form starting at byte `start` that ends where it
    /// must (before a character that is not a letter or digit, when it ends in one).
    fn longest_at(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut node = 0;
        let mut best = None;
        let mut at = start;
        loop {
            if let Some(index) = self.trie.form_at[node] {
                let index = index as usize;
                // `at` ends a whole form, so it is a character boundary.
                if !self.needs_word_end[index] || !text[at..].chars().next().is_some_and(is_alnum) {
                    best = Some((at, index));
                }
            }
            match bytes.get(at).and_then(|&byte| self.trie.child(node, byte)) {
                Some(child) => {
                    node = child;
                    at += 1;
                }
                None => return best,
            }
        }
    }
}

/// Byte offsets -> character offsets, for offsets asked in increasing order (one pass).
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0 }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            // Asked out of order (an end before a later start): count from the beginning.
            return self.text[..byte].chars().count();
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<FormScanner>()?;
    Ok(())
}
