//! The detect stage's per-article work (app/domain/escalation/detector.py), from the trigger
//! scan to the detection's figures: `EscalationCore`, built once per rule set from tables
//! the Python computes (app/domain/escalation/native.py). Python only builds the output
//! models. The pure-Python detector stays the reference; tests/unit/test_native_escalation.py
//! checks that both give the same hits and detections.
//!
//! Three checks are made by the Python reference, called back, for non-ASCII text only,
//! each only where its answer can matter: the exact lower-casing of a history window
//! (field.rs), explicit years (cues.rs, history.rs) and casualty counts (scope.rs,
//! casualties.rs); on ASCII text (nearly all news) the native matchers answer.

mod casualties;
mod check;
mod context;
mod cues;
mod field;
mod history;
mod mentions;
mod regex;
mod scope;
mod scoring;
mod selection;
mod sentences;
mod tables;
mod wordcut;
mod words;

use std::borrow::Cow;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use check::{FieldContext, Hit};
use field::FieldText;
use mentions::MentionIndex;
use tables::{CategoryRow, ContextRow, CueWindows, RuleRow, SeverityRow, Tables, TriggerRow};

/// (field, start, actor code), as `mentions.MentionIndex` takes them.
type Mention<'py> = (Bound<'py, PyString>, usize, Bound<'py, PyString>);

fn strs<'a>(strings: &'a [Bound<'_, PyString>]) -> PyResult<Vec<&'a str>> {
    strings.iter().map(|s| s.to_str()).collect()
}

fn mention_index<'a>(mentions: &'a [Mention<'_>]) -> PyResult<MentionIndex<'a>> {
    let triples = mentions
        .iter()
        .map(|(field, start, code)| Ok((field.to_str()?, *start, code.to_str()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(MentionIndex::new(triples))
}

#[pyclass(frozen)]
pub struct EscalationCore {
    tables: Tables,
    /// textscan.lower_keep_length, for non-ASCII text.
    lower: Py<PyAny>,
    /// history.reported_history(window, year) -> bool.
    reported_history: Py<PyAny>,
    /// scope.reports_mass_casualties(sentence, threshold) -> bool.
    mass_casualties: Py<PyAny>,
}

/// The kept hits of an article with the fields they point into.
struct Article<'a, 'py> {
    fields: Vec<FieldText<'a, 'py>>,
    hits: Vec<Hit>,
}

impl<'a, 'py> Article<'a, 'py> {
    fn field(&self, title: bool) -> PyResult<&FieldText<'a, 'py>> {
        self.fields
            .iter()
            .find(|f| f.title == title)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("hit in an absent field"))
    }

    fn phrase(&self, hit: &Hit) -> PyResult<Bound<'py, PyString>> {
        Ok(self.field(hit.title)?.slice(hit.start, hit.end))
    }

    /// The hit's evidence sentence (a snippet of its sentence).
    fn sentence_text(&self, hit: &Hit) -> PyResult<Cow<'a, str>> {
        let field = self.field(hit.title)?;
        let offset = hit.sentence_start;
        let marks = &field.marks[offset..hit.sentence_end];
        let cut = sentences::snippet(marks, hit.start - offset, hit.end - offset);
        let part = field.part(offset + cut.start, offset + cut.end);
        if !cut.before && !cut.after {
            return Ok(Cow::Borrowed(part));
        }
        let before = if cut.before { "\u{2026}" } else { "" };
        let after = if cut.after { "\u{2026}" } else { "" };
        Ok(Cow::Owned(format!("{before}{part}{after}")))
    }

    fn sentence(&self, hit: &Hit) -> PyResult<Bound<'py, PyString>> {
        let field = self.field(hit.title)?;
        Ok(PyString::new(field.py(), &self.sentence_text(hit)?))
    }
}

#[pymethods]
impl EscalationCore {
    #[new]
    #[pyo3(signature = (
        *, triggers, context, rules, categories, cues, severity, lower, reported_history,
        mass_casualties
    ))]
    #[allow(clippy::too_many_arguments)] // the rule set's parts, named
    fn new(
        triggers: Vec<TriggerRow>,
        context: Vec<ContextRow>,
        rules: Vec<RuleRow>,
        categories: Vec<CategoryRow>,
        cues: CueWindows,
        severity: SeverityRow,
        lower: Py<PyAny>,
        reported_history: Py<PyAny>,
        mass_casualties: Py<PyAny>,
    ) -> PyResult<Self> {
        let tables = Tables::new(triggers, context, rules, categories, cues, severity)?;
        Ok(EscalationCore { tables, lower, reported_history, mass_casualties })
    }

    /// The hits of one field before dedupe (the reference's `_check` on all its triggers),
    /// as tuples: rule index, weight, hedged, modified, armed, lead, field, start, end,
    /// trigger start, trigger end, phrase, sentence, sentence start, sentence end.
    fn scan<'py>(
        &self,
        text: &Bound<'py, PyString>,
        title: bool,
        mention_starts: Vec<usize>,
        year: i64,
    ) -> PyResult<Bound<'py, PyList>> {
        let py = text.py();
        let field = FieldText::new(text, title)?;
        let hits = self.scan_field(py, &field, &mention_starts, year)?;
        let article = Article { fields: vec![field], hits };
        hit_tuples(py, &article)
    }

    /// The native `reported_history(window, year)`; None for a non-ASCII window (for tests).
    #[staticmethod]
    fn reported_history_ascii(window: &str, year: i64) -> Option<bool> {
        history::reported_history(window, year)
    }

    /// The native `_casualties(sentence)` (saturating); None for a non-ASCII sentence (for
    /// tests).
    #[staticmethod]
    fn casualties_ascii(sentence: &str) -> Option<u64> {
        casualties::casualties(sentence)
    }

    /// The kept hits of an article (after dedupe and drop_framed), as `scan` gives them.
    fn kept<'py>(
        &self,
        title: &Bound<'py, PyString>,
        body: &Bound<'py, PyString>,
        mentions: Vec<Mention<'py>>,
        year: i64,
    ) -> PyResult<Bound<'py, PyList>> {
        let py = title.py();
        let mentions = mention_index(&mentions)?;
        let article = self.kept_hits(title, body, &mentions, year)?;
        hit_tuples(py, &article)
    }

    /// The detection of a `schemas.TaggedArticle`, or None: (categories as dicts for
    /// AlertCategory, severity, severity level, dyad as (source, target) or None). The
    /// article's fields are read here, which costs less than building the lists in Python.
    fn detect_article<'py>(
        &self,
        article: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let py = article.py();
        let text = |name: &Bound<'py, PyString>| -> PyResult<Bound<'py, PyString>> {
            Ok(article.getattr(name)?.downcast_into::<PyString>()?)
        };
        let (title, body) = (text(intern!(py, "title"))?, text(intern!(py, "body"))?);
        let mut mentions: Vec<Mention<'py>> = Vec::new();
        let mut actors: Vec<Bound<'py, PyString>> = Vec::new();
        for actor in article.getattr(intern!(py, "actors"))?.try_iter()? {
            let actor = actor?;
            let code = actor.getattr(intern!(py, "code"))?.downcast_into::<PyString>()?;
            for mention in actor.getattr(intern!(py, "mentions"))?.try_iter()? {
                let mention = mention?;
                let field = mention.getattr(intern!(py, "field"))?.downcast_into::<PyString>()?;
                let start: usize = mention.getattr(intern!(py, "start"))?.extract()?;
                mentions.push((field, start, code.clone()));
            }
            actors.push(code);
        }
        let published = article.getattr(intern!(py, "published_at"))?;
        let year: i64 = published.getattr(intern!(py, "year"))?.extract()?;
        let topics = article
            .getattr(intern!(py, "topics"))?
            .try_iter()?
            .map(|topic| Ok(topic?.getattr(intern!(py, "code"))?.downcast_into::<PyString>()?))
            .collect::<PyResult<Vec<_>>>()?;
        self.detect(&title, &body, mentions, year, topics, actors)
    }

    /// `detect_article` on an article's parts: `mentions` as (field, start, actor code),
    /// `topics` and `actors` its topic and actor codes, ranked.
    fn detect<'py>(
        &self,
        title: &Bound<'py, PyString>,
        body: &Bound<'py, PyString>,
        mentions: Vec<Mention<'py>>,
        year: i64,
        topics: Vec<Bound<'py, PyString>>,
        actors: Vec<Bound<'py, PyString>>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.detection(title, body, mentions, year, topics, actors)
    }
}

impl EscalationCore {
    fn detection<'py>(
        &self,
        title: &Bound<'py, PyString>,
        body: &Bound<'py, PyString>,
        mentions: Vec<Mention<'py>>,
        year: i64,
        topics: Vec<Bound<'py, PyString>>,
        actors: Vec<Bound<'py, PyString>>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let py = title.py();
        let mentions = mention_index(&mentions)?;
        let article = self.kept_hits(title, body, &mentions, year)?;
        if article.hits.is_empty() {
            return Ok(None);
        }
        let hits = &article.hits;
        let mass = |index: usize| -> PyResult<bool> {
            let sentence = article.sentence_text(&hits[index])?;
            let threshold = self.tables.severity.mass_casualties;
            if let Some(count) = casualties::casualties(&sentence) {
                return Ok(u64::try_from(threshold).map_or(true, |t| count >= t));
            }
            if !scope::may_count_casualties(&sentence) {
                return Ok(false);
            }
            self.mass_casualties.bind(py).call1((sentence, threshold))?.is_truthy()
        };
        let topics = strs(&topics)?;
        let actors = strs(&actors)?;
        // Sport, business, tech or arts naming no country: evidence counts for less.
        let weak_topics = &self.tables.severity.weak_context_topics;
        let weak_context = actors.is_empty()
            && topics.first().is_some_and(|first| weak_topics.iter().any(|t| t == first));
        let scope = scope::Scope::new(&self.tables, hits, &mentions, &topics, &mass);
        let severity = scope.bound(scoring::severity_of(&self.tables, hits, weak_context))?;
        let level = scoring::level_of(&self.tables, severity);
        let categories = self.category_dicts(py, &article)?;
        let dyad = scoring::dyad_of(hits, &mentions, &actors);
        let result = (categories, severity, level, dyad).into_pyobject(py)?;
        Ok(Some(result))
    }

    fn scan_field(
        &self,
        py: Python<'_>,
        field: &FieldText<'_, '_>,
        mention_starts: &[usize],
        year: i64,
    ) -> PyResult<Vec<Hit>> {
        let history = |window: &str, year: i64| -> PyResult<bool> {
            match history::reported_history(window, year) {
                Some(dated) => Ok(dated),
                None => self.reported_history.bind(py).call1((window, year))?.is_truthy(),
            }
        };
        let context =
            FieldContext { mention_starts, year, reported_history: &history, lower: &self.lower };
        check::scan(&self.tables, field, &context)
    }

    fn kept_hits<'a, 'py>(
        &self,
        title: &'a Bound<'py, PyString>,
        body: &'a Bound<'py, PyString>,
        mentions: &MentionIndex<'_>,
        year: i64,
    ) -> PyResult<Article<'a, 'py>> {
        let py = title.py();
        let mut fields = Vec::with_capacity(2);
        let mut hits = Vec::new();
        for (text, is_title) in [(title, true), (body, false)] {
            if text.to_str()?.is_empty() {
                continue;
            }
            let field = FieldText::new(text, is_title)?;
            hits.extend(self.scan_field(py, &field, mentions.starts(is_title), year)?);
            fields.push(field);
        }
        let hits = selection::drop_framed(&self.tables, selection::dedupe(&self.tables, hits));
        Ok(Article { fields, hits })
    }

    fn category_dicts<'py>(
        &self,
        py: Python<'py>,
        article: &Article<'_, 'py>,
    ) -> PyResult<Bound<'py, PyList>> {
        let groups = scoring::categories_of(&self.tables, &article.hits);
        let list = PyList::empty(py);
        for group in groups {
            let category = &self.tables.categories[group.category];
            let best = &self.tables.rules[article.hits[group.best].rule];
            let evidence = PyList::empty(py);
            for &index in &group.evidence {
                let hit = &article.hits[index];
                let item = PyDict::new(py);
                item.set_item(intern!(py, "rule_id"), &self.tables.rules[hit.rule].id)?;
                item.set_item(intern!(py, "phrase"), article.phrase(hit)?)?;
                item.set_item(intern!(py, "field"), field_name(py, hit.title))?;
                item.set_item(intern!(py, "start"), hit.start)?;
                item.set_item(intern!(py, "end"), hit.end)?;
                item.set_item(intern!(py, "sentence"), article.sentence(hit)?)?;
                evidence.append(item)?;
            }
            let entry = PyDict::new(py);
            entry.set_item(intern!(py, "category"), &category.id)?;
            entry.set_item(intern!(py, "cameo_code"), &best.cameo)?;
            entry.set_item(intern!(py, "plover_type"), &category.plover_type)?;
            entry.set_item(intern!(py, "quad_class"), category.quad_class)?;
            entry.set_item(intern!(py, "goldstein"), best.goldstein)?;
            entry.set_item(intern!(py, "evidence"), evidence)?;
            list.append(entry)?;
        }
        Ok(list)
    }
}

fn field_name(py: Python<'_>, title: bool) -> &Bound<'_, PyString> {
    if title {
        intern!(py, "title")
    } else {
        intern!(py, "body")
    }
}

fn hit_tuples<'py>(py: Python<'py>, article: &Article<'_, 'py>) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for hit in &article.hits {
        let head = (hit.rule, hit.weight, hit.hedged, hit.modified, hit.armed, hit.lead);
        let tail = (
            field_name(py, hit.title),
            hit.start,
            hit.end,
            hit.trigger_start,
            hit.trigger_end,
            article.phrase(hit)?,
            article.sentence(hit)?,
            hit.sentence_start,
            hit.sentence_end,
        );
        let items: Vec<Bound<'py, PyAny>> =
            head.into_pyobject(py)?.iter().chain(tail.into_pyobject(py)?.iter()).collect();
        list.append(PyTuple::new(py, items)?)?;
    }
    Ok(list)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EscalationCore>()?;
    Ok(())
}
