//! IPTC Media Topic scoring of the tag stage. Text is cut into words (runs of letters and
//! digits, and the currency signs £ € ¥, lower-cased); single-word terms are looked up in a hash map, phrases found by one
//! Aho-Corasick pass over the words joined by single spaces. Each topic's score is the
//! logistic of its bias plus the weights of the distinct terms found (a headline term with
//! more weight); evidence lists the terms that raised it most. The tables come from
//! app/domain/topics.py (the lexicon and the learned model); scripts/build_topic_model.py
//! trains on the same words (`topic_words`).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};

use crate::text::matches_at;
use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The words of a text, lower-cased, each followed by one space, the whole preceded by one:
/// " w1 w2 ... wn " (phrase keys are looked for in it as " two words ").
pub fn joined_words(text: &str) -> String {
    let mut joined = String::with_capacity(text.len() + 2);
    joined.push(' ');
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                joined.push(c.to_ascii_lowercase());
            } else if !joined.ends_with(' ') {
                joined.push(' ');
            }
        } else if c.is_alphanumeric() || matches!(c, '£' | '€' | '¥') {
            // The pound, euro and yen signs stay on their amounts: the learned model knows
            // "£5bn" (a business word) apart from "5".
            joined.extend(c.to_lowercase());
        } else if !joined.ends_with(' ') {
            joined.push(' ');
        }
    }
    if !joined.ends_with(' ') {
        joined.push(' ');
    }
    joined
}

/// The words of a text as the tagger cuts them.
#[pyfunction]
fn topic_words(text: &str) -> Vec<String> {
    joined_words(text).split_whitespace().map(str::to_owned).collect()
}

#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Topic {
    code: String,
    label: String,
    bias: f64,
}

#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Term {
    term: String,
    /// (topic index, log-odds), non-zero.
    weights: Vec<(usize, f64)>,
}

/// A term that is evidence for a topic: its rank there in the body and in the headline.
#[derive(Clone, Copy)]
struct Rank {
    topic: usize,
    body: u32,
    title: u32,
}

#[pyclass(frozen)]
pub struct TopicTagger {
    topics: Vec<Topic>,
    terms: Vec<String>,
    rows: Vec<Vec<(usize, f64)>>,
    title_rows: Vec<Vec<(usize, f64)>>,
    /// Every word that is a term or begins a phrase: one look-up per word of the text.
    words: hashbrown::HashMap<String, WordEntry>,
    phrases: AhoCorasick,
    phrase_terms: Vec<u32>,
    /// Per term, the topics it is evidence for; per topic, its evidence terms by rank.
    ranks: Vec<Vec<Rank>>,
    ranked_terms: Vec<Vec<u32>>,
    max_body_chars: usize,
    min_score: f64,
    saturation: f64,
    max_evidence: usize,
}

/// What a word of the text is: the terms it is (none for a word that only begins phrases),
/// and whether phrases begin with it.
#[derive(Default)]
struct WordEntry {
    terms: Vec<u32>,
    phrase_head: bool,
}

/// The terms an article holds, sorted: those only in the body, and those in the headline.
struct Found {
    body_only: Vec<u32>,
    title: Vec<u32>,
}

impl TopicTagger {
    fn terms_in(&self, text: &str) -> Vec<u32> {
        let joined = joined_words(text);
        let mut found: Vec<u32> = Vec::new();
        let bytes = joined.as_bytes();
        // Words are separated by single spaces, and the text ends with one.
        let mut at = 0; // byte offset of the space before the current word
        while at + 1 < bytes.len() {
            let start = at + 1;
            let end = start + bytes[start..].iter().position(|&b| b == b' ').unwrap_or(0);
            if let Some(entry) = self.words.get(&joined[start..end]) {
                found.extend(&entry.terms);
                // Phrases are searched anchored at the words that begin one.
                if entry.phrase_head {
                    let phrases = matches_at(&self.phrases, &joined, at);
                    found.extend(phrases.iter().map(|m| self.phrase_terms[m.pattern()]));
                }
            }
            at = end.max(start);
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn find(&self, title: &str, body: &str) -> Found {
        // News puts its subject first: past max_body_chars, the body is not read.
        let body = match body.char_indices().nth(self.max_body_chars) {
            Some((at, _)) => &body[..body[..at].rfind(' ').filter(|&cut| cut > 0).unwrap_or(at)],
            None => body,
        };
        let title = if title.is_empty() { Vec::new() } else { self.terms_in(title) };
        let mut body_only = self.terms_in(body);
        body_only.retain(|t| title.binary_search(t).is_err());
        Found { body_only, title }
    }

    /// Biases plus the weights of the terms found, summed in term order (a fixed order: the
    /// same article gets the same scores in every process).
    fn logits(&self, found: &Found) -> Vec<f64> {
        let mut logits: Vec<f64> = self.topics.iter().map(|t| t.bias).collect();
        for (terms, rows) in [(&found.body_only, &self.rows), (&found.title, &self.title_rows)] {
            for &term in terms {
                for &(topic, weight) in &rows[term as usize] {
                    logits[topic] += weight;
                }
            }
        }
        logits
    }
}

#[pymethods]
impl TopicTagger {
    /// `words`: each single word -> its terms; `phrases`: each padded phrase (" two words ",
    /// or " two word" for a prefix term) -> its term.
    #[new]
    #[pyo3(signature = (
        *, topics, terms, words, phrases, title_boost, max_body_chars, min_score, saturation,
        max_evidence, min_evidence_weight
    ))]
    #[allow(clippy::too_many_arguments)] // keyword-only, one per table and constant
    fn new(
        topics: Vec<Topic>,
        terms: Vec<Term>,
        words: HashMap<String, Vec<u32>>,
        phrases: HashMap<String, u32>,
        title_boost: f64,
        max_body_chars: usize,
        min_score: f64,
        saturation: f64,
        max_evidence: usize,
        min_evidence_weight: f64,
    ) -> PyResult<Self> {
        let count = terms.len() as u32;
        if words.values().flatten().chain(phrases.values()).any(|&t| t >= count) {
            return Err(PyValueError::new_err("a word or phrase of an unknown term"));
        }
        if terms.iter().flat_map(|t| &t.weights).any(|&(topic, _)| topic >= topics.len()) {
            return Err(PyValueError::new_err("a weight of an unknown topic"));
        }
        let (keys, phrase_terms): (Vec<String>, Vec<u32>) = phrases.into_iter().unzip();
        let mut entries: hashbrown::HashMap<String, WordEntry> = words
            .into_iter()
            .map(|(word, terms)| (word, WordEntry { terms, phrase_head: false }))
            .collect();
        for head in keys.iter().filter_map(|k| k.split_whitespace().next()) {
            entries.entry(head.to_owned()).or_default().phrase_head = true;
        }
        let phrases = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Anchored)
            .build(&keys)
            .map_err(|e| PyValueError::new_err(format!("topic phrases: {e}")))?;
        let boost = 1.0 + title_boost;
        let rows: Vec<Vec<(usize, f64)>> = terms.iter().map(|t| t.weights.clone()).collect();
        let title_rows: Vec<Vec<(usize, f64)>> =
            rows.iter().map(|r| r.iter().map(|&(i, w)| (i, w * boost)).collect()).collect();
        // Per topic, its evidence terms heaviest first (ties: by term, descending), a headline
        // term ranked with its boosted weight.
        let mut ranks = vec![Vec::new(); terms.len()];
        let mut ranked_terms = Vec::with_capacity(topics.len());
        for topic in 0..topics.len() {
            let mut keys: Vec<(f64, &str, usize, bool)> = Vec::new();
            for (id, term) in terms.iter().enumerate() {
                for &(t, weight) in &term.weights {
                    if t == topic && weight >= min_evidence_weight {
                        keys.push((weight, &term.term, id, false));
                        keys.push((weight * boost, &term.term, id, true));
                    }
                }
            }
            keys.sort_by(|a, b| {
                (b.0.total_cmp(&a.0)).then(b.1.cmp(a.1)).then(b.2.cmp(&a.2)).then(b.3.cmp(&a.3))
            });
            let mut body_ranks: HashMap<usize, u32> = HashMap::new();
            for (rank, &(_, _, id, title)) in keys.iter().enumerate() {
                if !title {
                    body_ranks.insert(id, rank as u32);
                }
            }
            for (rank, &(_, _, id, title)) in keys.iter().enumerate() {
                if title {
                    let body = body_ranks[&id];
                    ranks[id].push(Rank { topic, body, title: rank as u32 });
                }
            }
            ranked_terms.push(keys.iter().map(|k| k.2 as u32).collect());
        }
        Ok(TopicTagger {
            terms: terms.into_iter().map(|t| t.term).collect(),
            topics,
            rows,
            title_rows,
            words: entries,
            phrases,
            phrase_terms,
            ranks,
            ranked_terms,
            max_body_chars,
            min_score,
            saturation,
            max_evidence,
        })
    }

    /// The published topics as dicts of `TopicTag`'s fields, highest score first.
    fn tag<'py>(&self, py: Python<'py>, title: &str, body: &str) -> PyResult<Bound<'py, PyList>> {
        let found = self.find(title, body);
        let tags = PyList::empty(py);
        if found.body_only.is_empty() && found.title.is_empty() {
            return Ok(tags);
        }
        let mut scores: Vec<Option<f64>> = self
            .logits(&found)
            .into_iter()
            .map(|mut logit| {
                if logit > self.saturation {
                    // Near 1 the logistic rounds to 1.0 and strong topics would tie; the
                    // excess is compressed, keeping the order of the log-odds.
                    logit = self.saturation + (logit - self.saturation).ln_1p();
                }
                let score = 1.0 / (1.0 + (-logit).exp());
                (score >= self.min_score).then_some(score)
            })
            .collect();
        let mut evidence: Vec<Vec<u32>> = vec![Vec::new(); self.topics.len()];
        for (terms, in_title) in [(&found.body_only, false), (&found.title, true)] {
            for &term in terms {
                for rank in &self.ranks[term as usize] {
                    if scores[rank.topic].is_some() {
                        evidence[rank.topic].push(if in_title { rank.title } else { rank.body });
                    }
                }
            }
        }
        let mut order: Vec<usize> = (0..self.topics.len())
            .filter(|&t| scores[t].is_some() && !evidence[t].is_empty())
            .collect();
        // Scores equal to 12 decimals are a tie (the same weights summed in another order
        // differ in the last bits), broken by code.
        let key = |t: usize| (scores[t].unwrap_or(0.0) * 1e12).round() as i64;
        order.sort_by(|&a, &b| {
            key(b).cmp(&key(a)).then(self.topics[a].code.cmp(&self.topics[b].code))
        });
        for topic in order {
            let ranks = &mut evidence[topic];
            ranks.sort_unstable();
            let terms = ranks
                .iter()
                .take(self.max_evidence)
                .map(|&r| self.terms[self.ranked_terms[topic][r as usize] as usize].as_str());
            let tag = PyDict::new(py);
            tag.set_item(intern!(py, "code"), &self.topics[topic].code)?;
            tag.set_item(intern!(py, "label"), &self.topics[topic].label)?;
            tag.set_item(intern!(py, "score"), scores[topic].take())?;
            tag.set_item(intern!(py, "evidence"), PyList::new(py, terms)?)?;
            tags.append(tag)?;
        }
        Ok(tags)
    }

    /// Each topic's log-odds before the logistic, in topic order (what the model trains on).
    fn log_odds(&self, title: &str, body: &str) -> Vec<f64> {
        self.logits(&self.find(title, body))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TopicTagger>()?;
    m.add_function(wrap_pyfunction!(topic_words, m)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(joined_words("Élysée’s G-20 summit!"), " élysée s g 20 summit ");
        assert_eq!(joined_words(""), " ");
    }
}
