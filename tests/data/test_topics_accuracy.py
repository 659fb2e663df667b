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


@pytest.mark.data
def test_reuters_technology_feed_leans_to_technology(shared_dir: Path) -> None:
    # Weak labels: Reuters' technologyNews feed of the 2016 stream is part tech-company business
    # news, so no label is right for all of it; the share that goes to science/technology (over
    # business, politics, conflict and sport) was 0.41 before the 4-class work and 0.43 after.
    from app.domain.topics import TopicTagger

    tagger = TopicTagger.load()
    stream = shared_dir / "data" / "articles" / "news_stream_2016H1.jsonl"
    candidates = ("medtop:04000000", "medtop:11000000", "medtop:13000000", "medtop:15000000")
    tech = total = 0
    with stream.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("feed_category") != "technologyNews":
                continue
            scores = {t.code: t.score for t in tagger.tag(record["title"], record["text"] or "")}
            world = max(scores.get("medtop:11000000", 0.0), scores.get("medtop:16000000", 0.0))
            scores["medtop:11000000"] = world
            total += 1
            tech += max(candidates, key=lambda code: scores.get(code, 0.0)) == "medtop:13000000"
    assert total > 800
    assert tech / total >= 0.40, tech / total
