"""The rules file: term syntax, validation errors, an operator's own file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.domain.engine import EscalationEngine
from app.domain.escalation import EscalationDetector, RulesError, load_ruleset


def test_packaged_rules_load_with_name_and_version() -> None:
    ruleset = load_ruleset()
    assert ruleset.label == f"{ruleset.name}@{ruleset.version}"
    assert EscalationDetector.load().rules_version == ruleset.label


def test_term_syntax_expands_verbs_and_alternatives() -> None:
    expand = EscalationEngine.expand_term
    assert expand("{threaten}") == ["threaten", "threatens", "threatened", "threatening"]
    assert expand("{ban+}") == ["ban", "bans", "banned", "banning"]
    assert expand("{seize}") == ["seize", "seizes", "seized", "seizing"]
    assert expand("{carry}") == ["carry", "carries", "carried", "carrying"]
    assert expand("{ethnically cleanse}")[-1] == "ethnically cleansing"
    assert expand("{cut|cuts} Ties") == ["cut ties", "cuts ties"]
    assert "not lift" in expand("{not|never} {lift|ease}")


def _packaged() -> dict[str, object]:
    text = (Path(__file__).parents[2] / "app/domain/rules/escalation.yaml").read_text()
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    return document


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "version"),
        (lambda d: d["rules"][0].update(category="nope"), "unknown category"),
        (lambda d: d["rules"][0].update(cameo="999"), "no Goldstein weight"),
        (lambda d: d["rules"].append(dict(d["rules"][0])), "used twice"),
        (lambda d: d["severity"]["bands"].update(high=1.0), "bands must ascend"),
        (lambda d: d["categories"][0].update(quad_class=2), "quad_class"),
        (lambda d: d["rules"][0].update(surprise=True), "surprise"),
    ],
)
def test_bad_rules_fail_with_a_clear_message(tmp_path: Path, mutate: object, message: str) -> None:
    document = _packaged()
    mutate(document)  # type: ignore[operator]
    with pytest.raises(RulesError, match=message):
        EscalationDetector.load(_write(tmp_path, document))


def test_unreadable_or_non_mapping_files_fail(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_ruleset(tmp_path / "missing.yaml")
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RulesError, match="mapping"):
        load_ruleset(path)
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_ruleset(path)


def test_operator_file_replaces_the_packaged_rules(tmp_path: Path) -> None:
    document = _packaged()
    document["name"] = "desk-rules"
    document["version"] = "7"
    detector = EscalationDetector.load(_write(tmp_path, document))
    assert detector.rules_version == "desk-rules@7"


@pytest.mark.parametrize(
    ("field", "value"),
    [("domestic_cap", 6.0), ("national_cap", 9.5), ("interstate_floor", 4.0)],
)
def test_scope_bounds_must_keep_the_alert_decision(
    tmp_path: Path, field: str, value: float
) -> None:
    document = _packaged()
    document["severity"]["scope"][field] = value  # type: ignore[index]
    with pytest.raises(RulesError, match=f"scope.{field}"):
        EscalationDetector.load(_write(tmp_path, document))
