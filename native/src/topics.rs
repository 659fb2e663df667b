//! The tag stage's topic scoring: `TopicTagger.tag` and `log_odds` of app/domain/topics.py,
//! from the tables that `TopicTagger.__init__` computes. tests/unit/test_native_topics.py
//! checks that both give the same tags (same floats, same evidence, same order).

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};

mod phrases;
mod pylower;
mod ranking;
mod vocabulary;
mod weights;
mod words;

use ranking::{gather_evidence, rounded_key, Candidate, EvidenceRank, Limits, TermEvidence};
use vocabulary::{TermSet, Vocabulary};
use weights::Weights;
use words::{cut_body, Words};

/// A term's non-zero weights as (topic index, log-odds) pairs.
type Row = Vec<(usize, f64)>;

/// Per topic: the ranks of its evidence terms in the body and in the headline
/// (`_evidence_rank[i]`, `_title_rank[i]`), and the terms by rank (`_ranked_terms[i]`).
type TopicEvidence<'py> = (HashMap<u32, u32>, HashMap<u32, u32>, Vec<Bound<'py, PyString>>);

/// An anchor word and the phrase keys anchored on it, each with its term id (`_anchors`).
type Anchor<'py> = (Bound<'py, PyBytes>, Vec<(Bound<'py, PyBytes>, u32)>);

/// The terms an article holds: those found only in the body, and those in the headline.
struct Found {
    body_only: TermSet,
    title: TermSet,
}

/// Scores an article's IPTC topics; built once per `TopicTagger`.
#[pyclass(frozen)]
pub struct TopicScorer {
    biases: Vec<f64>,
    rows: Weights,
    title_rows: Weights,
    vocabulary: Vocabulary,
    /// Per term, the topics it is evidence for.
    term_evidence: TermEvidence,
    ranked_terms: Vec<Vec<Py<PyString>>>,
    codes: Vec<String>,
    code_objects: Vec<Py<PyString>>,
    labels: Vec<Py<PyString>>,
    max_body_chars: usize,
    limits: Limits,
}

#[pymethods]
impl TopicScorer {
    #[new]
    #[pyo3(signature = (
        *, biases, rows, title_rows, words, anchors, evidence, codes, labels,
        max_body_chars, min_logit, saturation, min_score, max_evidence
    ))]
    #[allow(clippy::too_many_arguments)] // keyword-only: one per table and constant
    fn new(
        biases: Vec<f64>,
        rows: Vec<Row>,
        title_rows: Vec<Row>,
        words: Vec<(Bound<'_, PyBytes>, Vec<u32>)>,
        anchors: Vec<Anchor<'_>>,
        evidence: Vec<TopicEvidence<'_>>,
        codes: Vec<Bound<'_, PyString>>,
        labels: Vec<Bound<'_, PyString>>,
        max_body_chars: usize,
        min_logit: f64,
        saturation: f64,
        min_score: f64,
        max_evidence: usize,
    ) -> PyResult<Self> {
        let topic_count = biases.len();
        let term_count = rows.len();
        if [codes.len(), labels.len(), evidence.len()].iter().any(|&n| n != topic_count) {
            return Err(PyValueError::new_err("one bias, code, label and evidence per topic"));
        }
        if title_rows.len() != term_count {
            return Err(PyValueError::new_err("one row and one title row per term"));
        }
        let rows = Weights::new(rows, topic_count).map_err(PyValueError::new_err)?;
        let title_rows = Weights::new(title_rows, topic_count).map_err(PyValueError::new_err)?;
        let vocabulary = Vocabulary::new(
            words.into_iter().map(|(word, terms)| (word.as_bytes().to_vec(), terms)).collect(),
            anchors
                .into_iter()
                .map(|(anchor, keys)| {
                    let keys = keys.into_iter().map(|(key, term)| (key.as_bytes().to_vec(), term));
                    (anchor.as_bytes().to_vec(), keys.collect())
                })
                .collect(),
            term_count,
        )
        .map_err(PyValueError::new_err)?;
        let mut term_evidence = vec![Vec::new(); term_count];
        let mut ranked_terms = Vec::with_capacity(topic_count);
        for (topic, (in_body, in_title, ranked)) in evidence.into_iter().enumerate() {
            if in_body.len() != in_title.len() {
                return Err(PyValueError::new_err("body and title ranks of different terms"));
            }
            for (&term, &body_rank) in &in_body {
                let title_rank = in_title.get(&term).copied();
                let ranks = term_evidence.get_mut(term as usize);
                let (Some(title_rank), Some(ranks)) = (title_rank, ranks) else {
                    return Err(PyValueError::new_err("an evidence rank of an unknown term"));
                };
                if body_rank as usize >= ranked.len() || title_rank as usize >= ranked.len() {
                    return Err(PyValueError::new_err("an evidence rank past the ranked terms"));
                }
                let topic = topic as u32;
                ranks.push(EvidenceRank { topic, in_body: body_rank, in_title: title_rank });
            }
            ranked_terms.push(ranked.into_iter().map(Bound::unbind).collect());
        }
        Ok(TopicScorer {
            biases,
            rows,
            title_rows,
            vocabulary,
            term_evidence: TermEvidence::new(term_evidence).map_err(PyValueError::new_err)?,
            ranked_terms,
            codes: codes.iter().map(|code| code.to_string()).collect(),
            code_objects: codes.into_iter().map(Bound::unbind).collect(),
            labels: labels.into_iter().map(Bound::unbind).collect(),
            max_body_chars,
            limits: Limits { min_logit, saturation, min_score, max_evidence },
        })
    }

    /// The published topics, highest score first, as dicts of `TopicTag`'s fields; `None`
    /// when the Python reference must decide (see `find`).
    fn tag<'py>(
        &self,
        py: Python<'py>,
        title: &Bound<'py, PyString>,
        body: &Bound<'py, PyString>,
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        let Some(found) = self.find(title, body) else {
            return Ok(None);
        };
        let tags = PyList::empty(py);
        if found.body_only.is_empty() && found.title.is_empty() {
            return Ok(Some(tags));
        }
        let logits = self.logits(&found);
        let mut candidates: Vec<Candidate> = (logits.iter().enumerate())
            .filter_map(|(topic, &logit)| {
                let score = self.limits.score(logit)?;
                Some(Candidate { topic, score, ranks: Vec::new() })
            })
            .collect();
        let topic_count = self.biases.len();
        gather_evidence(
            &mut candidates,
            topic_count,
            &self.term_evidence,
            &found.body_only,
            &found.title,
        );
        candidates.retain(|candidate| !candidate.ranks.is_empty());
        // The reference's sort key: (-round(score, 12), code).
        let mut keyed: Vec<(u128, Candidate)> = candidates
            .into_iter()
            .map(|candidate| (rounded_key(candidate.score), candidate))
            .collect();
        keyed.sort_by(|(key_a, a), (key_b, b)| {
            key_b.cmp(key_a).then_with(|| self.codes.get(a.topic).cmp(&self.codes.get(b.topic)))
        });
        for (_, mut candidate) in keyed {
            candidate.ranks.sort_unstable();
            candidate.ranks.truncate(self.limits.max_evidence);
            tags.append(self.tag_fields(py, &candidate)?)?;
        }
        Ok(Some(tags))
    }

    /// Each topic's log-odds in topic order; `None` when the Python reference must decide.
    fn log_odds(
        &self,
        title: &Bound<'_, PyString>,
        body: &Bound<'_, PyString>,
    ) -> Option<Vec<f64>> {
        self.find(title, body).map(|found| self.logits(&found))
    }
}

impl TopicScorer {
    /// The terms of the headline and of the body (cut as `_score` cuts it). `None` for text
    /// the native words could differ on (a capital sigma, see `words`) or that cannot be
    /// encoded as UTF-8 (lone surrogates, on which the reference raises, or not when they are
    /// past the cut): the reference then runs and gives the answer or the error.
    fn find(&self, title: &Bound<'_, PyString>, body: &Bound<'_, PyString>) -> Option<Found> {
        let (title_text, body) = (title.to_str().ok()?, body.to_str().ok()?);
        let body = cut_body(body, self.max_body_chars);
        let mut words = Words::default();
        let mut title = TermSet::default();
        if !title_text.is_empty() {
            words.cut(title_text)?;
            self.vocabulary.terms_in(&words, &mut title);
        }
        words.cut(body)?;
        let mut body_only = TermSet::default();
        self.vocabulary.terms_in(&words, &mut body_only);
        body_only.remove_all(&title);
        Some(Found { body_only, title })
    }

    /// The biases plus the weights of the terms found: body-only terms by id, then headline
    /// terms by id with their boosted weights, the reference's order of float additions.
    fn logits(&self, found: &Found) -> Vec<f64> {
        let mut logits = self.biases.clone();
        self.rows.add_to(&mut logits, &found.body_only);
        self.title_rows.add_to(&mut logits, &found.title);
        logits
    }

    fn tag_fields<'py>(
        &self,
        py: Python<'py>,
        candidate: &Candidate,
    ) -> PyResult<Bound<'py, PyDict>> {
        let topic = candidate.topic;
        let ranked = self.ranked_terms.get(topic).map_or(&[][..], Vec::as_slice);
        let evidence: Vec<&Py<PyString>> =
            candidate.ranks.iter().filter_map(|&rank| ranked.get(rank as usize)).collect();
        let fields = PyDict::new(py);
        fields.set_item(intern!(py, "code"), self.code_objects.get(topic))?;
        fields.set_item(intern!(py, "label"), self.labels.get(topic))?;
        fields.set_item(intern!(py, "score"), PyFloat::new(py, candidate.score))?;
        fields.set_item(intern!(py, "evidence"), PyList::new(py, evidence)?)?;
        Ok(fields)
    }
}

/// `words_of(text)` of app/domain/topic_lexicon.py, or `None` where `TopicScorer` leaves the
/// text to the reference (exposed for the oracle tests).
#[pyfunction]
fn topic_words<'py>(py: Python<'py>, text: &str) -> Option<Vec<Bound<'py, PyBytes>>> {
    let mut words = Words::default();
    words.cut(text)?;
    Some(words.iter().map(|(word, _)| PyBytes::new(py, word)).collect())
}

/// `round(score, 12) * 10**12` as the integer `TopicScorer` sorts by (exposed for the oracle
/// tests).
#[pyfunction]
fn topic_score_key(score: f64) -> u128 {
    rounded_key(score)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TopicScorer>()?;
    m.add_function(wrap_pyfunction!(topic_words, m)?)?;
    m.add_function(wrap_pyfunction!(topic_score_key, m)?)?;
    Ok(())
}
