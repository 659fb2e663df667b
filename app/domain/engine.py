"""The engine: every text pass of the domain (whitespace, language, actors, topics, triggers,
context, cues, the escalation judgement) runs in Rust (``native/``), built by maturin as the
extension module ``app._native``. This module is its one import: the domain has no other
implementation to fall back on, so a missing build is an error that says how to build it.
"""

from __future__ import annotations

try:
    from app import _native
except ImportError as exc:  # pragma: no cover - only on a checkout that was never installed
    raise ImportError(
        "brinkwatch's engine (app._native, Rust) is not built: run `make` or "
        "`pip install -e .` in the repository (needs Rust's cargo)"
    ) from exc

ActorScanner = _native.ActorScanner
EscalationEngine = _native.EscalationEngine
EscalationHit = _native.Hit
LanguageDetector = _native.LanguageDetector
TopicTagger = _native.TopicTagger
normalize_whitespace = _native.normalize_whitespace
topic_words = _native.topic_words


def describe() -> str:
    """One line saying what runs: the engine, its version and build profile, its crates."""
    info = _native.build_info()
    return (
        f"engine: {info['engine']} {info['version']} ({info['profile']} build; "
        f"{info['crates']}; pyo3 {info['pyo3']}) at {_native.__file__}"
    )
