//! The detect stage: `EscalationEngine`, built once from the rules file (rules.rs). Per
//! article: the scan of each field (scan.rs) gives the evidence, hits with named fields; the
//! judgement (judgement.rs) turns them into a detection, handed to Python as a dict of
//! `Detection`'s fields. `evidence` returns the hits themselves (`Hit`), for tests and for
//! anyone who wants to see what the judgement saw.

mod features;
mod field;
mod judgement;
mod rules;
mod scan;
mod verdict;

use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use features::Model;
use field::Field;
use judgement::{ArticleFacts, Mentions};
use rules::Tables;
use verdict::Mode;

/// An actor mention in a hit's sentence.
#[pyclass(frozen, get_all)]
#[derive(Clone)]
pub struct SentenceActor {
    code: String,
    /// Character offset in the field.
    start: usize,
}

/// One match of a rule in an article, as the judgement sees it (offsets are characters).
#[pyclass(frozen, get_all)]
pub struct Hit {
    rule_id: String,
    category: String,
    cameo: String,
    /// The rule's weight, times the hedge factor when hedged.
    weight: f64,
    field: &'static str,
    start: usize,
    end: usize,
    phrase: String,
    trigger_start: usize,
    trigger_end: usize,
    sentence_index: usize,
    sentence_start: usize,
    sentence_end: usize,
    lead: bool,
    hedged: bool,
    /// None, or why the trigger reports no new escalation ("negation", "history", ...).
    cancelled_by: Option<&'static str>,
    modified: bool,
    armed: bool,
    actors: Vec<SentenceActor>,
}

/// An article's parts, read from a `TaggedArticle` by attribute name.
struct ArticleParts {
    title: String,
    body: String,
    year: i64,
    mentions: Mentions,
    topics: Vec<String>,
    actors: Vec<String>,
}

fn read_article(article: &Bound<'_, PyAny>) -> PyResult<ArticleParts> {
    let py = article.py();
    let mut mentions = Vec::new();
    let mut actors = Vec::new();
    for actor in article.getattr(intern!(py, "actors"))?.try_iter()? {
        let actor = actor?;
        let code: String = actor.getattr(intern!(py, "code"))?.extract()?;
        for mention in actor.getattr(intern!(py, "mentions"))?.try_iter()? {
            let mention = mention?;
            let field = mention.getattr(intern!(py, "field"))?;
            let start: usize = mention.getattr(intern!(py, "start"))?.extract()?;
            mentions.push((
                field.downcast::<PyString>()?.to_str()? == "title",
                start,
                code.clone(),
            ));
        }
        actors.push(code);
    }
    let topics = article
        .getattr(intern!(py, "topics"))?
        .try_iter()?
        .map(|topic| topic?.getattr(intern!(py, "code"))?.extract())
        .collect::<PyResult<Vec<String>>>()?;
    Ok(ArticleParts {
        title: article.getattr(intern!(py, "title"))?.extract()?,
        body: article.getattr(intern!(py, "body"))?.extract()?,
        year: article
            .getattr(intern!(py, "published_at"))?
            .getattr(intern!(py, "year"))?
            .extract()?,
        mentions: Mentions::new(mentions),
        topics,
        actors,
    })
}

/// Finds escalation language in tagged articles, by the rules it was built from.
#[pyclass(frozen)]
pub struct EscalationEngine {
    tables: Tables,
    mode: Mode,
    model: Option<Model>,
}

/// The learned layer's file (judgement_model.json, written by
/// scripts/build_judgement_model.py), read by name; its features must be the engine's.
fn read_model(tables: &Tables, model: &Bound<'_, PyAny>) -> PyResult<Model> {
    let py = model.py();
    let field = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        model
            .get_item(key)
            .map_err(|e| PyValueError::new_err(format!("judgement model: {key}: {e}")))
    };
    let head = |key: &str| -> PyResult<(f64, Vec<f64>)> {
        let part = field(key)?;
        Ok((
            part.get_item(intern!(py, "bias"))?.extract()?,
            part.get_item(intern!(py, "weights"))?.extract()?,
        ))
    };
    let features: Vec<String> = field("features")?.extract()?;
    let expected = features::feature_names(tables);
    if features != expected {
        return Err(PyValueError::new_err(
            "judgement model: its features are not the engine's (rules categories or engine \
             changed): rebuild it with scripts/build_judgement_model.py",
        ));
    }
    let (high, alert) = (head("high")?, head("alert")?);
    if high.1.len() != features.len() || alert.1.len() != features.len() {
        return Err(PyValueError::new_err("judgement model: one weight per feature"));
    }
    let thresholds = field("thresholds")?;
    Ok(Model {
        features,
        high,
        alert,
        threshold_high: thresholds.get_item(intern!(py, "high"))?.extract()?,
        threshold_alert: thresholds.get_item(intern!(py, "alert"))?.extract()?,
        version: field("version")?.extract()?,
    })
}

impl EscalationEngine {
    /// Both fields' hits, with the folded texts they point into.
    fn scan<R>(
        &self,
        parts: &ArticleParts,
        then: impl FnOnce(&[Field<'_>], Vec<scan::Hit>) -> R,
    ) -> R {
        let mut fields = Vec::with_capacity(2);
        let mut hits = Vec::new();
        for (text, title) in [(&parts.title, true), (&parts.body, false)] {
            let triggers = scan::triggers(&self.tables, text);
            if triggers.is_empty() {
                continue; // most fields of a stream: no trigger with a rule
            }
            let field = Field::new(text, title);
            let starts = parts.mentions.starts(title);
            hits.extend(scan::scan(&self.tables, &field, &triggers, starts, parts.year));
            fields.push(field);
        }
        then(&fields, hits)
    }
}

/// Hits cancelled as history, and for any other reason.
fn cancelled_counts(hits: &[scan::Hit]) -> (usize, usize) {
    let history = hits.iter().filter(|h| h.cancelled == Some(scan::Reason::History)).count();
    let all = hits.iter().filter(|h| h.cancelled.is_some()).count();
    (history, all - history)
}

/// The field a hit points into (only fields with hits are kept).
fn field_of<'f, 'a>(fields: &'f [Field<'a>], title: bool) -> &'f Field<'a> {
    fields.iter().find(|f| f.title == title).unwrap_or(&fields[0])
}

fn snippet(fields: &[Field<'_>], hit: &scan::Hit) -> String {
    field_of(fields, hit.title)
        .snippet((hit.sentence_start, hit.sentence_end), (hit.start, hit.end))
}

#[pymethods]
impl EscalationEngine {
    /// `rules`: the validated rules file as a dict (`RuleSet.model_dump()`), read by name.
    /// `judgement`: `off` (the hits' severity and co-occurrence dyad), `rules` (main event,
    /// its clause's dyad, background and restraint caps) or `learned` (also `model`, the
    /// judgement model file as a dict).
    #[new]
    #[pyo3(signature = (rules, judgement = "off", model = None))]
    fn new(
        rules: &Bound<'_, PyAny>,
        judgement: &str,
        model: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let tables = Tables::new(rules)?;
        let mode = Mode::parse(judgement).ok_or_else(|| {
            PyValueError::new_err(format!(
                "judgement must be off, rules or learned, not {judgement:?}"
            ))
        })?;
        let model = match (mode, model) {
            (Mode::Learned, Some(model)) => Some(read_model(&tables, model)?),
            (Mode::Learned, None) => {
                return Err(PyValueError::new_err("judgement `learned` needs a model"));
            }
            _ => None,
        };
        Ok(EscalationEngine { tables, mode, model })
    }

    /// The judgement mode (`off`, `rules`, `learned`).
    #[getter]
    fn judgement(&self) -> &'static str {
        self.mode.name()
    }

    /// The learned layer's feature names, in model order.
    fn feature_names(&self) -> Vec<String> {
        features::feature_names(&self.tables)
    }

    /// The learned layer's features of a `TaggedArticle` (in `feature_names` order), or None
    /// when no hit stands (such an article never alerts).
    fn features(&self, article: &Bound<'_, PyAny>) -> PyResult<Option<Vec<f64>>> {
        let parts = read_article(article)?;
        Ok(self.scan(&parts, |fields, hits| {
            let facts = ArticleFacts {
                mentions: &parts.mentions,
                topics: &parts.topics,
                actors: &parts.actors,
                snippet: &|hit| snippet(fields, hit),
            };
            let cancelled = cancelled_counts(&hits);
            let detection = judgement::judge(&self.tables, hits, &facts)?;
            let ctx = verdict::Context {
                facts: &facts,
                fields,
                cancelled,
                title: &parts.title,
                cues: self.tables.judgement.count_cues(&parts.title, &parts.body),
                severity: detection.severity,
                body: &parts.body,
            };
            let main = verdict::main_event(&self.tables, &detection.hits, &ctx, &detection.dyad);
            Some(features::features(&self.tables, &detection.hits, &main, &ctx))
        }))
    }

    /// `<name>@<version>` of the rules.
    #[getter]
    fn rules_version(&self) -> &str {
        &self.tables.label
    }

    /// The detection of a `TaggedArticle` as a dict of `Detection`'s fields (categories as
    /// dicts of `AlertCategory`'s), or None when nothing stands.
    fn detect<'py>(&self, article: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let py = article.py();
        let parts = read_article(article)?;
        self.scan(&parts, |fields, hits| {
            let facts = ArticleFacts {
                mentions: &parts.mentions,
                topics: &parts.topics,
                actors: &parts.actors,
                snippet: &|hit| snippet(fields, hit),
            };
            let cancelled = cancelled_counts(&hits);
            let Some(mut detection) = judgement::judge(&self.tables, hits, &facts) else {
                return Ok(None);
            };
            let explained = PyDict::new(py);
            // A text without a headline is a passage, not an article: it has no title or lead
            // to weigh, and the model never saw one, so its hits alone judge it.
            let headless = parts.title.trim().is_empty();
            let mode = if headless { Mode::Off } else { self.mode };
            explained.set_item(intern!(py, "mode"), mode.name())?;
            if headless && self.mode != Mode::Off {
                explained.set_item(
                    intern!(py, "reasons"),
                    vec!["no headline: a passage, judged by its hits alone"],
                )?;
            }
            if mode != Mode::Off {
                let ctx = verdict::Context {
                    facts: &facts,
                    fields,
                    cancelled,
                    title: &parts.title,
                    cues: self.tables.judgement.count_cues(&parts.title, &parts.body),
                    severity: detection.severity,
                    body: &parts.body,
                };
                let found = verdict::decide(
                    &self.tables,
                    self.mode,
                    self.model.as_ref(),
                    &detection.hits,
                    &ctx,
                    &detection.dyad,
                );
                detection.severity = found.severity;
                detection.level = found.level;
                detection.dyad = found.main.dyad.clone();
                let hit = &detection.hits[found.main.hit];
                let field = field_of(fields, hit.title);
                explained.set_item(intern!(py, "rule_id"), &self.tables.rules[hit.rule].id)?;
                explained.set_item(intern!(py, "field"), field.name())?;
                explained.set_item(intern!(py, "phrase"), field.text.slice(hit.start, hit.end))?;
                explained.set_item(
                    intern!(py, "clause"),
                    field.snippet(found.main.clause, (hit.start, hit.end)),
                )?;
                explained.set_item(intern!(py, "p_high"), found.p_high)?;
                explained.set_item(intern!(py, "p_alert"), found.p_alert)?;
                explained.set_item(intern!(py, "reasons"), found.reasons)?;
            }
            let categories = PyList::empty(py);
            for group in &detection.categories {
                let category = &self.tables.categories[group.category];
                let best = &self.tables.rules[detection.hits[group.best].rule];
                let evidence = PyList::empty(py);
                for &index in &group.evidence {
                    let hit = &detection.hits[index];
                    let field = field_of(fields, hit.title);
                    let item = PyDict::new(py);
                    item.set_item(intern!(py, "rule_id"), &self.tables.rules[hit.rule].id)?;
                    item.set_item(intern!(py, "phrase"), field.text.slice(hit.start, hit.end))?;
                    item.set_item(intern!(py, "field"), field.name())?;
                    item.set_item(intern!(py, "start"), hit.start)?;
                    item.set_item(intern!(py, "end"), hit.end)?;
                    item.set_item(intern!(py, "sentence"), snippet(fields, hit))?;
                    evidence.append(item)?;
                }
                let entry = PyDict::new(py);
                entry.set_item(intern!(py, "category"), &category.id)?;
                entry.set_item(intern!(py, "cameo_code"), &best.cameo)?;
                entry.set_item(intern!(py, "plover_type"), &category.plover_type)?;
                entry.set_item(intern!(py, "quad_class"), category.quad_class)?;
                entry.set_item(intern!(py, "goldstein"), best.goldstein)?;
                entry.set_item(intern!(py, "evidence"), evidence)?;
                categories.append(entry)?;
            }
            let result = PyDict::new(py);
            result.set_item(intern!(py, "categories"), categories)?;
            result.set_item(intern!(py, "severity"), detection.severity)?;
            result.set_item(intern!(py, "severity_level"), detection.level)?;
            let dyad = match detection.dyad {
                Some((source, target)) => {
                    let dyad = PyDict::new(py);
                    dyad.set_item(intern!(py, "source"), source)?;
                    dyad.set_item(intern!(py, "target"), target)?;
                    Some(dyad)
                }
                None => None,
            };
            result.set_item(intern!(py, "dyad"), dyad)?;
            result.set_item(intern!(py, "rules_version"), &self.tables.label)?;
            result.set_item(intern!(py, "judgement"), explained)?;
            Ok(Some(result))
        })
    }

    /// Every hit of a `TaggedArticle` before the judgement, cancelled ones included, in scan
    /// order (title first).
    fn evidence(&self, article: &Bound<'_, PyAny>) -> PyResult<Vec<Hit>> {
        let parts = read_article(article)?;
        self.scan(&parts, |fields, hits| {
            hits.iter()
                .map(|hit| {
                    let rule = &self.tables.rules[hit.rule];
                    let field = field_of(fields, hit.title);
                    let actors = parts
                        .mentions
                        .between(hit.title, hit.sentence_start, hit.sentence_end)
                        .map(|(start, code)| SentenceActor { code: code.to_owned(), start })
                        .collect();
                    Ok(Hit {
                        rule_id: rule.id.clone(),
                        category: self.tables.categories[hit.category].id.clone(),
                        cameo: rule.cameo.clone(),
                        weight: hit.weight,
                        field: field.name(),
                        start: hit.start,
                        end: hit.end,
                        phrase: field.text.slice(hit.start, hit.end).to_owned(),
                        trigger_start: hit.trigger_start,
                        trigger_end: hit.trigger_end,
                        sentence_index: hit.sentence,
                        sentence_start: hit.sentence_start,
                        sentence_end: hit.sentence_end,
                        lead: hit.lead,
                        hedged: hit.hedged,
                        cancelled_by: hit.cancelled.map(scan::Reason::name),
                        modified: hit.modified,
                        armed: hit.armed,
                        actors,
                    })
                })
                .collect()
        })
    }

    /// The surface forms of a rule term (`{verb}`, `{verb+}`, `{a|b}`), lower-cased.
    #[staticmethod]
    fn expand_term(term: &str) -> Vec<String> {
        rules::expand(term)
    }

    /// Whether a folded window of words dates a trigger before `year` (the history cue).
    #[staticmethod]
    fn reported_history(window: &str, year: i64) -> bool {
        scan::reported_history(window, year)
    }

    /// The largest number of dead a sentence reports (the scope's mass-casualty check).
    #[staticmethod]
    fn casualties(sentence: &str) -> u64 {
        judgement::casualties(sentence)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EscalationEngine>()?;
    m.add_class::<Hit>()?;
    m.add_class::<SentenceActor>()?;
    Ok(())
}
