//! Country actors of the tag stage: every surface form of the vocabulary (app/domain/
//! actor_lexicon.py builds it from pycountry and actors.yaml) found by one Aho-Corasick pass,
//! case-sensitive, on whole words; overlapping candidates resolved (unambiguous forms first,
//! then longest, then leftmost: "North Korea" beats "Korea", "Latin America" blocks
//! "America"); ambiguous forms ("Georgia", "the North") kept only when the article's context
//! says they name the country. Offsets handed back are character offsets.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::text::{matches_at, CharMap, PairFilter};

/// When an ambiguous form names its country (the `ambiguous` section of actors.yaml).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Context {
    default: bool,
    confirm: Vec<String>,
    deny: Vec<String>,
    requires_codes: Vec<String>,
    unless_codes: Vec<String>,
    person_like: bool,
    else_code: Option<String>,
}

/// One surface form; no code marks a blocker phrase that names no country.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Form {
    text: String,
    code: Option<String>,
    kind: String,
    context: Option<Context>,
}

/// A chosen place in a field: byte offsets and the form.
#[derive(Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    form: usize,
}

#[pyclass(frozen)]
pub struct ActorScanner {
    automaton: AhoCorasick,
    /// The first two bytes of the forms (most words that begin with a form's first byte,
    /// "the", "in", "Monday", begin none).
    first_pairs: PairFilter,
    forms: Vec<Form>,
    /// Characters per form (the longest form wins, counted in characters).
    lengths: Vec<usize>,
    names: HashMap<String, String>,
    /// Capitalised words that may stand next to a place without making it part of a name.
    function_words: HashSet<String>,
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

impl ActorScanner {
    /// The chosen forms of one field, in text order.
    fn scan(&self, text: &str) -> Vec<Found> {
        let all_caps =
            text.chars().any(char::is_uppercase) && !text.chars().any(char::is_lowercase);
        if text.is_empty() || all_caps {
            // ALL-CAPS headlines defeat case-sensitive matching; they carry little anyway.
            return Vec::new();
        }
        let mut candidates: Vec<Found> = Vec::new();
        // Forms are searched anchored where one can begin: a byte that starts a form, at the
        // start of a word (one automaton step per byte of the text costs a cache miss each).
        let bytes = text.as_bytes();
        let starts = (0..bytes.len()).filter(|&at| {
            self.first_pairs.may_begin(bytes, at) && !is_word(text[..at].chars().next_back())
        });
        let matches = starts.flat_map(|at| matches_at(&self.automaton, text, at));
        for m in matches {
            let (start, end, form) = (m.start(), m.end(), m.pattern().as_usize());
            let ends_in_word = is_word(self.forms[form].text.chars().next_back());
            if is_word(text[..start].chars().next_back())
                || (ends_in_word && is_word(text[end..].chars().next()))
            {
                continue; // inside a word: "Iran" in "TIran", "Oman" in "Omani"
            }
            candidates.push(Found { start, end, form });
        }
        // One candidate per start: the longest form there.
        candidates.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        candidates.dedup_by_key(|c| c.start);
        let mut chosen = Vec::with_capacity(candidates.len());
        let mut cluster: Vec<Found> = Vec::new();
        let mut cluster_end = 0;
        for candidate in candidates {
            if candidate.start >= cluster_end {
                self.resolve_overlaps(&mut cluster, &mut chosen);
            }
            cluster_end = cluster_end.max(candidate.end);
            cluster.push(candidate);
        }
        self.resolve_overlaps(&mut cluster, &mut chosen);
        chosen
    }

    /// Greedy choice among overlapping candidates (unambiguous forms and blockers first, then
    /// longest, then leftmost), appended in text order.
    fn resolve_overlaps(&self, cluster: &mut Vec<Found>, chosen: &mut Vec<Found>) {
        if cluster.len() > 1 {
            cluster.sort_by_key(|c| {
                (self.forms[c.form].context.is_some(), usize::MAX - self.lengths[c.form], c.start)
            });
            let mut kept: Vec<Found> = Vec::new();
            for c in cluster.iter() {
                if kept.iter().all(|k| c.end <= k.start || c.start >= k.end) {
                    kept.push(*c);
                }
            }
            kept.sort_by_key(|c| c.start);
            chosen.extend(kept);
        } else {
            chosen.append(cluster);
        }
        cluster.clear();
    }

    /// True for "Michael Jordan", "Washington Post": a capitalised name word right beside.
    fn next_to_capitalised(&self, text: &str, start: usize, end: usize) -> bool {
        let name_like = |word: &str| {
            word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().all(char::is_alphabetic)
                && !self.function_words.contains(word)
        };
        if let Some(before) = text[..start].strip_suffix(' ') {
            if name_like(before.split_whitespace().next_back().unwrap_or_default()) {
                return true;
            }
        }
        if let Some(after) = text[end..].strip_prefix(' ') {
            let word = after.split_whitespace().next().unwrap_or_default();
            if name_like(word.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"'])) {
                return true;
            }
        }
        false
    }

    /// The country an ambiguous mention names in this article, or None.
    fn resolve<'s>(
        &'s self,
        form: &'s Form,
        context: &'s Context,
        (text, start, end): (&str, usize, usize),
        (title, body): (&str, &str),
        sure: &HashSet<&str>,
    ) -> Option<&'s str> {
        let in_article = |cue: &String| title.contains(cue.as_str()) || body.contains(cue.as_str());
        if !context.requires_codes.is_empty()
            && !context.requires_codes.iter().any(|c| sure.contains(c.as_str()))
        {
            return None;
        }
        if context.unless_codes.iter().any(|c| sure.contains(c.as_str())) {
            return None;
        }
        if context.person_like && self.next_to_capitalised(text, start, end) {
            return None;
        }
        if context.confirm.iter().any(in_article) {
            return form.code.as_deref();
        }
        if !context.default {
            return None;
        }
        if context.deny.iter().any(in_article) {
            return context.else_code.as_deref();
        }
        form.code.as_deref()
    }
}

#[pymethods]
impl ActorScanner {
    #[new]
    #[pyo3(signature = (*, forms, names, function_words))]
    fn new(
        forms: Vec<Form>,
        names: HashMap<String, String>,
        function_words: HashSet<String>,
    ) -> PyResult<Self> {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Anchored)
            .build(forms.iter().map(|f| f.text.as_str()))
            .map_err(|e| PyValueError::new_err(format!("actor forms: {e}")))?;
        let lengths = forms.iter().map(|f| f.text.chars().count()).collect();
        let first_pairs = PairFilter::new(forms.iter().map(|f| f.text.as_bytes()));
        Ok(ActorScanner { automaton, first_pairs, forms, lengths, names, function_words })
    }

    /// Country actors as dicts of `ActorTag`'s fields, most mentioned first (ties: first
    /// mentioned first), each with its mentions in text order (title first).
    fn find<'py>(&self, py: Python<'py>, title: &str, body: &str) -> PyResult<Bound<'py, PyList>> {
        let fields = [("title", title, self.scan(title)), ("body", body, self.scan(body))];
        let sure: HashSet<&str> = fields
            .iter()
            .flat_map(|(_, _, found)| found.iter())
            .map(|f| &self.forms[f.form])
            .filter(|form| form.context.is_none())
            .filter_map(|form| form.code.as_deref())
            .collect();
        let mut actors: Vec<(&str, Bound<'py, PyList>)> = Vec::new();
        for (field, text, found) in &fields {
            let map = CharMap::new(text);
            for f in found {
                let form = &self.forms[f.form];
                let code = match &form.context {
                    Some(context) => {
                        self.resolve(form, context, (text, f.start, f.end), (title, body), &sure)
                    }
                    None => form.code.as_deref(),
                };
                let Some(code) = code else { continue }; // a blocker, or ruled out
                let mention = PyDict::new(py);
                mention.set_item(intern!(py, "text"), &text[f.start..f.end])?;
                mention.set_item(intern!(py, "field"), *field)?;
                mention.set_item(intern!(py, "start"), map.char_at(f.start))?;
                mention.set_item(intern!(py, "end"), map.char_at(f.end))?;
                mention.set_item(intern!(py, "kind"), &form.kind)?;
                match actors.iter().find(|(c, _)| *c == code) {
                    Some((_, mentions)) => mentions.append(mention)?,
                    None => actors.push((code, PyList::new(py, [mention])?)),
                }
            }
        }
        actors.sort_by_key(|(_, mentions)| usize::MAX - mentions.len()); // stable
        let tags = PyList::empty(py);
        for (code, mentions) in actors {
            let tag = PyDict::new(py);
            tag.set_item(intern!(py, "code"), code)?;
            tag.set_item(intern!(py, "name"), self.names.get(code).map_or(code, String::as_str))?;
            tag.set_item(intern!(py, "mentions"), mentions)?;
            tags.append(tag)?;
        }
        Ok(tags)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ActorScanner>()?;
    Ok(())
}
