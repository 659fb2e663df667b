//! Language identification of the validate stage, by the `whatlang` crate (trigram profiles of
//! 69 languages, no model download). Only a sample of the text is read: the first few hundred
//! characters say which language an article is in as well as the whole of it does.
//!
//! whatlang's cost is fixed per text (it compares the sample with the 300-trigram profile of
//! every candidate language of the script: 9 in Latin script), and most articles are plainly
//! English. So a sample that is all ASCII letters and holds at least `MIN_MARKERS` English
//! function words (one word in eight or more), two of them words no other Latin-script
//! language has ("the", "and", "that", "with", ...), is English without asking whatlang.
//! Other languages do not pass: their function words are not these, and most are spelt with
//! accents. On 19,000 texts (the 2016 stream, the escalation and topic data sets) the check
//! passed 12,983 and never where whatlang named another language; where whatlang was not
//! confident (20 texts) it says English.

use std::collections::HashMap;

use pyo3::prelude::*;
use whatlang::{Detector, Lang};

/// Identifies the language of a text; built once per process.
#[pyclass(frozen)]
pub struct LanguageDetector {
    detector: Detector,
    /// The code English is reported as, when English is one of the languages reported.
    english: Option<String>,
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
        let english = codes.get(Lang::Eng.code()).cloned();
        LanguageDetector {
            detector: Detector::with_allowlist(allowed),
            english,
            codes,
            sample_chars,
        }
    }

    /// The ISO 639-1 code of the text's language, or None when whatlang is not confident.
    fn detect(&self, text: &str) -> Option<String> {
        let end = text.char_indices().nth(self.sample_chars).map_or(text.len(), |(at, _)| at);
        let sample = &text[..end];
        if self.english.is_some() && looks_english(sample) {
            return self.english.clone();
        }
        let info = self.detector.detect(sample)?;
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

/// English function words; the first `STRONG` are words of no other Latin-script language
/// reported (Dutch "of", "had", "is", "was", German "was" and "will" are among the others).
const ENGLISH_MARKERS: [&str; 24] = [
    "the", "and", "that", "with", "which", "their", "been", "would", "said", "were", "this",
    "from", "of", "to", "has", "have", "had", "is", "are", "for", "by", "who", "will", "was",
];
const STRONG: usize = 12;
const MIN_MARKERS: usize = 4;
const MIN_STRONG: usize = 2;
/// At least one word in this many is a marker.
const MARKER_SHARE: usize = 8;

/// True when the sample is plainly English (see the module's documentation).
fn looks_english(sample: &str) -> bool {
    let (mut words, mut markers, mut strong) = (0usize, 0usize, 0usize);
    for word in sample.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        if !word.is_ascii() {
            return false; // a letter outside ASCII: an accent, another script
        }
        words += 1;
        if word.len() > 5 {
            continue;
        }
        let mut lower = [0u8; 5];
        lower[..word.len()].copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        let lower = &lower[..word.len()];
        if let Some(at) = ENGLISH_MARKERS.iter().position(|m| m.as_bytes() == lower) {
            markers += 1;
            strong += usize::from(at < STRONG);
        }
    }
    strong >= MIN_STRONG && markers >= MIN_MARKERS && markers * MARKER_SHARE >= words
}

#[cfg(test)]
mod tests {
    use super::looks_english;

    #[test]
    fn english_prose_passes_other_languages_do_not() {
        assert!(looks_english(
            "The minister said on Monday that the talks with the rebels were over."
        ));
        assert!(!looks_english(
            "Pyongyang a coupé les lignes avec Séoul, une menace selon le ministre."
        ));
        assert!(!looks_english(
            "Pyongyang a coupe les lignes de communication avec Seoul et menace de"
        ));
        assert!(!looks_english(
            "Die Regierung hat am Montag erklärt, dass the Gespräche beendet sind."
        ));
        assert!(!looks_english("The end"));
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LanguageDetector>()?;
    Ok(())
}
