//! Language identification of the validate stage, by the `whatlang` crate (trigram profiles of
//! 69 languages, no model download). Only a sample of the text is read: the first few hundred
//! characters say which language an article is in as well as the whole of it does.

use std::collections::HashMap;

use pyo3::prelude::*;
use whatlang::{Detector, Lang};

/// Identifies the language of a text; built once per process.
#[pyclass(frozen)]
pub struct LanguageDetector {
    detector: Detector,
    /// whatlang's ISO 639-3 codes -> the ISO 639-1 codes articles carry.
    codes: HashMap<String, String>,
    sample_chars: usize,
}

#[pymethods]
impl LanguageDetector {
    /// `codes`: ISO 639-3 -> ISO 639-1 for the languages to report (others are never
    /// reported); `sample_chars`: how much of the text is read.
    #[new]
    #[pyo3(signature = (*, codes, sample_chars))]
    fn new(codes: HashMap<String, String>, sample_chars: usize) -> Self {
        let allowed: Vec<Lang> =
            Lang::all().iter().copied().filter(|l| codes.contains_key(l.code())).collect();
        LanguageDetector { detector: Detector::with_allowlist(allowed), codes, sample_chars }
    }

    /// The ISO 639-1 code of the text's language, or None when whatlang is not confident.
    fn detect(&self, text: &str) -> Option<String> {
        let end = text.char_indices().nth(self.sample_chars).map_or(text.len(), |(at, _)| at);
        let info = self.detector.detect(&text[..end])?;
        if !info.is_reliable() {
            return None;
        }
        self.codes.get(info.lang().code()).cloned()
    }

    /// Every language whatlang knows, as ISO 639-3 codes.
    #[staticmethod]
    fn known() -> Vec<&'static str> {
        Lang::all().iter().map(|lang| lang.code()).collect()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LanguageDetector>()?;
    Ok(())
}
