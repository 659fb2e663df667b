"""Topic accuracy on the BBC News set (development data), through ``eval topics``' code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.domain.pipeline import Pipeline
from app.evaluation.topics import evaluate, load_label_map, read_items
from app.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.data
def test_bbc_accuracy(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "data" / "topics" / "bbc_news_2225.csv"
    jsonl = tmp_path / "bbc.jsonl"
    with source.open(encoding="utf-8") as handle, jsonl.open("w", encoding="utf-8") as out:
        for row in csv.DictReader(handle):
            record = {"title": row["title"], "text": row["text"], "label": row["category"]}
            out.write(json.dumps(record) + "\n")
    report = evaluate(
        read_items(jsonl),
        load_label_map(REPO / "docs" / "eval" / "bbc_map.json"),
        Pipeline.from_settings(Settings()),
    )
    assert report.n == 2225
    assert report.rejected == 0
    assert report.accuracy >= 0.95, report.to_dict()
