//! brinkwatch's native core: the per-article text passes of the domain stages (validate, tag,
//! detect), exposed to Python as `app._native`. Each function has a pure-Python reference in
//! `app/domain`; tests check that both give the same results.

use pyo3::prelude::*;

mod actors;
mod escalation;
mod pyunicode;
mod text;
mod topics;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    text::register(m)?;
    actors::register(m)?;
    topics::register(m)?;
    escalation::register(m)?;
    Ok(())
}
