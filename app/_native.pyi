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
from collections.abc import Callable  # noqa: E402  (this section's own imports)
from typing import Any, Literal  # noqa: E402

from schemas import TaggedArticle  # noqa: E402

# rule index, weight, hedged, modified, armed, lead, field, start, end, trigger start,
# trigger end, phrase, sentence, sentence start, sentence end
_Hit = tuple[
    int,
    float,
    bool,
    bool,
    bool,
    bool,
    Literal["title", "body"],
    int,
    int,
    int,
    int,
    str,
    str,
    int,
    int,
]

# categories (dicts for AlertCategory), severity, severity level, dyad (source, target)
_Detection = tuple[
    list[dict[str, Any]],
    float,
    Literal["low", "medium", "high", "critical"],
    tuple[str, str | None] | None,
]

class EscalationCore:
    def __init__(
        self,
        *,
        triggers: list[tuple[str, list[int], bool]],
        context: list[tuple[str, bool, int, list[int], list[int]]],
        rules: list[tuple[str, int, str, float, float, bool, int, bool, int, str, bool]],
        categories: list[tuple[str, str, int, bool]],
        cues: tuple[int, int, int, int, int, int, int, int],
        severity: tuple[
            tuple[float, float, float, list[str]],
            int,
            tuple[float, float, float],
            tuple[float, float, float],
            tuple[int, float, float, float, str, str],
        ],
        lower: Callable[[str], str],
        reported_history: Callable[[str, int], bool],
        mass_casualties: Callable[[str, int], bool],
    ) -> None: ...
    @staticmethod
    def reported_history_ascii(window: str, year: int) -> bool | None: ...
    @staticmethod
    def casualties_ascii(sentence: str) -> int | None: ...
    def scan(self, text: str, title: bool, mention_starts: list[int], year: int) -> list[_Hit]: ...
    def kept(
        self, title: str, body: str, mentions: list[tuple[str, int, str]], year: int
    ) -> list[_Hit]: ...
    def detect_article(self, article: TaggedArticle) -> _Detection | None: ...
    def detect(
        self,
        title: str,
        body: str,
        mentions: list[tuple[str, int, str]],
        year: int,
        topics: list[str],
        actors: list[str],
    ) -> _Detection | None: ...
