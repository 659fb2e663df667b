"""Escalation detection: readable YAML rules, an Aho-Corasick trigger scan, CAMEO codes and
Goldstein-weighted severity with evidence for every category."""

from app.domain.escalation.detector import EscalationDetector
from app.domain.escalation.ruleset import RulesError, RuleSet, load_ruleset

__all__ = ["EscalationDetector", "RuleSet", "RulesError", "load_ruleset"]
