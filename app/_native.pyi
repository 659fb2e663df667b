# Type stubs of the native core (native/src, Rust). Each section belongs to one Rust module;
# keep the signatures in step with its #[pyfunction]s and #[pyclass]es.

# --- text (native/src/text.rs) ---
def normalize_whitespace(text: str) -> str:
    """Returns ``text`` itself when it is already normalised."""

class LanguageGuesser:
    def __init__(
        self, stopwords: list[tuple[str, list[str]]], sample_chars: int, min_hits: int
    ) -> None: ...
    def guess(self, text: str) -> str | None: ...

# --- actors (native/src/actors.rs) ---
class FormScanner:
    def __init__(self, forms: list[tuple[str, bool]]) -> None: ...
    def find(self, text: str) -> list[tuple[int, int, str]]: ...

# --- topics (native/src/topics.rs) ---

# --- escalation (native/src/escalation.rs and native/src/escalation/) ---
