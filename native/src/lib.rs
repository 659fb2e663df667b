//! brinkwatch's engine: every text pass of the domain stages (whitespace normalisation and
//! language identification in validate; actors and topics in tag; triggers, context, cues
//! and the judgement in detect), exposed to Python as `app._native` and built by maturin.
//! Python holds the contract (schemas/, the rule files and their loaders, app/domain).

use pyo3::prelude::*;
use pyo3::types::PyDict;

mod actors;
mod escalation;
mod language;
mod text;
mod topics;

/// What this build is: crate version, profile, the matching crates' versions.
#[pyfunction]
fn build_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let info = PyDict::new(py);
    info.set_item("engine", env!("CARGO_PKG_NAME"))?;
    info.set_item("version", env!("CARGO_PKG_VERSION"))?;
    info.set_item("profile", if cfg!(debug_assertions) { "debug" } else { "release" })?;
    info.set_item("pyo3", "0.23")?;
    info.set_item("crates", "aho-corasick 1.1, regex 1.13, whatlang 0.18")?;
    Ok(info)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(build_info, m)?)?;
    text::register(m)?;
    language::register(m)?;
    actors::register(m)?;
    topics::register(m)?;
    escalation::register(m)?;
    Ok(())
}
