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
class TopicScorer:
    def __init__(
        self,
        *,
        biases: list[float],
        rows: list[tuple[tuple[int, float], ...]],
        title_rows: list[tuple[tuple[int, float], ...]],
        words: list[tuple[bytes, tuple[int, ...]]],
        anchors: list[tuple[bytes, list[tuple[bytes, int]]]],
        evidence: list[tuple[dict[int, int], dict[int, int], list[str]]],
        codes: list[str],
        labels: list[str],
        max_body_chars: int,
        min_logit: float,
        saturation: float,
        min_score: float,
        max_evidence: int,
    ) -> None: ...
    def tag(self, title: str, body: str) -> list[dict[str, object]] | None: ...
    def log_odds(self, title: str, body: str) -> list[float] | None: ...

def topic_words(text: str) -> list[bytes] | None: ...
def topic_score_key(score: float) -> int: ...

# --- escalation (native/src/escalation.rs and native/src/escalation/) ---
