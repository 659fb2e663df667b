# Type stubs of the native core (native/src, Rust). Each section belongs to one Rust module;
# keep the signatures in step with its #[pyfunction]s and #[pyclass]es.

# --- text (native/src/text.rs) ---

# --- topics (native/src/topics.rs) ---

# --- escalation (native/src/escalation.rs and native/src/escalation/) ---
