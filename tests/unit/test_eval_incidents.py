"""``brinkwatch eval incidents`` on pairs written here (no evaluation data)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app.cli.main import main

MISSILE = (
    "North Korea fires ballistic missile into the sea, Seoul says",
    "North Korea fired a ballistic missile into the sea off its east coast on Monday and "
    "threatened South Korea with retaliation, Seoul's military said.",
)
MISSILE_2 = (
    "Seoul says North Korea fired ballistic missile off east coast",
    "North Korea fired a ballistic missile off its east coast, South Korea's military said, "
    "and Pyongyang threatened retaliation against Seoul.",
)
SHELLING = (
    "North Korea shells border island, South Korea returns fire",
    "North Korean artillery shelled a South Korean border island, killing two marines, and "
    "South Korea returned fire, officials in Seoul said.",
)


def _article(name: str, text: tuple[str, str], hour: int) -> dict[str, str]:
    return {
        "url": f"https://news.invalid/{name}",
        "title": text[0],
        "body": text[1],
        "published_at": f"2024-03-04T{hour:02d}:00:00+00:00",
        "source": name,
    }


def test_pairs_are_scored(tmp_path: Path) -> None:
    pairs = [
        {"a": _article("a", MISSILE, 8), "b": _article("b", MISSILE_2, 9), "same": True},
        {"a": _article("c", MISSILE, 8), "b": _article("d", SHELLING, 10), "same": False},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "incidents", str(path), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["n"] == 2
    assert (figures["tp"], figures["fp"], figures["fn"], figures["tn"]) == (1, 0, 0, 1)
    assert figures["precision"] == figures["recall"] == 1.0


def test_malformed_pair_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": {"url": "x"}, "same": true}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "incidents", str(path)])
    assert result.exit_code != 0
    assert "needs objects 'a' and 'b'" in result.output


def test_missed_pairs_are_counted_by_cause(tmp_path: Path) -> None:
    quiet = (
        "Village fete raises money for the church roof",
        "Villagers held their summer fete on the green and raised money for the church roof.",
    )
    pairs = [
        # the same event three days apart: past the window
        {"a": _article("a", MISSILE, 8), "b": _article("b", MISSILE_2, 8), "same": True},
        # an article that raises no alert joins no incident
        {"a": _article("c", MISSILE, 8), "b": _article("d", quiet, 9), "same": True},
    ]
    pairs[0]["b"]["published_at"] = "2024-03-07T09:00:00+00:00"
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "incidents", str(path), "--json"])
    assert result.exit_code == 0, result.output
    misses = json.loads(result.output)["misses"]
    assert misses == {"no_alert": 1, "different_keys": 0, "time_gap": 1, "text": 0}
