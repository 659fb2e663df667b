# Type stubs of the engine (native/src, Rust, built by maturin as app._native). Checked
# against the built module by `python -m mypy.stubtest app._native` in `make lint`. Every
# table crosses the boundary by name: keyword arguments, dicts read by key, classes with
# named attributes.
from typing import Any, TypedDict, final

# --- lib.rs ---
def build_info() -> dict[str, str]: ...

# --- text.rs ---
def normalize_whitespace(text: str) -> str: ...

# --- language.rs ---
@final
class LanguageDetector:
    def __new__(cls, *, codes: dict[str, str], sample_chars: int) -> LanguageDetector: ...
    def detect(self, text: str) -> str | None: ...
    @staticmethod
    def known() -> list[str]: ...

# --- actors.rs ---
class ActorContext(TypedDict):
    default: bool
    confirm: list[str]
    deny: list[str]
    requires_codes: list[str]
    unless_codes: list[str]
    person_like: bool
    else_code: str | None

class ActorForm(TypedDict):
    text: str
    code: str | None
    kind: str
    context: ActorContext | None

@final
class ActorScanner:
    def __new__(
        cls, *, forms: list[ActorForm], names: dict[str, str], function_words: set[str]
    ) -> ActorScanner: ...
    def find(self, title: str, body: str) -> list[dict[str, Any]]: ...

# --- topics.rs ---
class TopicRow(TypedDict):
    code: str
    label: str
    bias: float

class TermRow(TypedDict):
    term: str
    weights: list[tuple[int, float]]

@final
class TopicTagger:
    def __new__(
        cls,
        *,
        topics: list[TopicRow],
        terms: list[TermRow],
        words: dict[str, list[int]],
        phrases: dict[str, int],
        title_boost: float,
        max_body_chars: int,
        min_score: float,
        saturation: float,
        max_evidence: int,
        min_evidence_weight: float,
    ) -> TopicTagger: ...
    def tag(self, title: str, body: str) -> list[dict[str, Any]]: ...
    def log_odds(self, title: str, body: str) -> list[float]: ...

def topic_words(text: str) -> list[str]: ...

# --- escalation.rs and escalation/ ---
@final
class SentenceActor:
    @property
    def code(self) -> str: ...
    @property
    def start(self) -> int: ...

@final
class Hit:
    @property
    def rule_id(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def cameo(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def field(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def phrase(self) -> str: ...
    @property
    def trigger_start(self) -> int: ...
    @property
    def trigger_end(self) -> int: ...
    @property
    def sentence_index(self) -> int: ...
    @property
    def sentence_start(self) -> int: ...
    @property
    def sentence_end(self) -> int: ...
    @property
    def lead(self) -> bool: ...
    @property
    def hedged(self) -> bool: ...
    @property
    def cancelled_by(self) -> str | None: ...
    @property
    def modified(self) -> bool: ...
    @property
    def armed(self) -> bool: ...
    @property
    def actors(self) -> list[SentenceActor]: ...

@final
class EscalationEngine:
    def __new__(
        cls, rules: dict[str, Any], judgement: str = "off", model: dict[str, Any] | None = None
    ) -> EscalationEngine: ...
    @property
    def rules_version(self) -> str: ...
    @property
    def judgement(self) -> str: ...
    def feature_names(self) -> list[str]: ...
    def features(self, article: Any) -> list[float] | None: ...
    def detect(self, article: Any) -> dict[str, Any] | None: ...
    def evidence(self, article: Any) -> list[Hit]: ...
    @staticmethod
    def expand_term(term: str) -> list[str]: ...
    @staticmethod
    def reported_history(window: str, year: int) -> bool: ...
    @staticmethod
    def casualties(sentence: str) -> int: ...
