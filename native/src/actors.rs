//! The actor scan of the tag stage: every place where one of the capitalised surface forms of
//! a country starts, with the longest form that ends on a whole word. Reference: the trie
//! regular expression `ActorIndex.scanner` in app/domain/actor_lexicon.py, whose `finditer`
//! tried a match at every position of the text in Python's regex engine (about 45 us per
//! 3 KB article); here one Aho-Corasick pass finds the candidates.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::pyunicode::is_alnum;

#[pyclass(frozen)]
pub struct FormScanner {
    automaton: AhoCorasick,
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
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&texts)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(FormScanner { automaton, forms: objects, needs_word_end })
    }

    /// (start, end, form) of each match, in text order, as `scanner.finditer` gives them:
    /// the leftmost place where a form matches, the longest form there, then on from its end.
    /// Offsets count characters (Python string offsets).
    fn find(&self, py: Python<'_>, text: &str) -> Vec<(usize, usize, Py<PyString>)> {
        let mut candidates: Vec<(usize, usize, usize)> = self
            .automaton
            .find_overlapping_iter(text)
            .filter(|found| {
                let index = found.pattern().as_usize();
                !self.needs_word_end[index]
                    || !text[found.end()..].chars().next().is_some_and(is_alnum)
            })
            .map(|found| (found.start(), found.end(), found.pattern().as_usize()))
            .collect();
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut chosen = Vec::new();
        let mut free_from = 0;
        for (start, end, index) in candidates {
            if start >= free_from {
                chosen.push((start, end, index));
                free_from = end;
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
