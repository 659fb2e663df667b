"""`brinkwatch analyze` on hostile input: a clear rejection and exit code 2, never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli.main import main
from app.domain.pipeline import Pipeline

ARTICLE = {
    "url": "https://news.example.org/a",
    "title": "Markets steady",
    "body": "Shares ended the day flat as investors awaited the central bank decision.",
}


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59"])
def test_a_date_out_of_range_is_rejected_not_a_traceback(date: str) -> None:
    payload = json.dumps({**ARTICLE, "published_at": date})
    result = CliRunner().invoke(main, ["analyze"], input=payload)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    rejection = json.loads(result.stdout)["rejection"]
    assert rejection["error_type"] == "invalid_timestamp"
    assert date in rejection["reason"]


def test_an_unexpected_error_is_reported_as_a_processing_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(self: Pipeline, payload: bytes, now: object) -> None:
        raise ZeroDivisionError("tagger bug")

    monkeypatch.setattr(Pipeline, "analyze", explode)
    payload = json.dumps({**ARTICLE, "published_at": "2026-11-27T08:00:00Z"})
    result = CliRunner().invoke(main, ["analyze"], input=payload)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert json.loads(result.stdout)["rejection"] == {
        "error_type": "processing_error",
        "reason": "ZeroDivisionError: tagger bug",
    }
