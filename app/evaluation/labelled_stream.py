"""Join the committed labels (ids and label fields only, tests/data/) with the articles of the
2016 stream in ../shared/data at run time, into the input format of the eval commands. The
article text never enters the repository."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.evaluation.jsonl import EvalInputError, read_records

STREAM_PATH = Path("data") / "articles" / "news_stream_2016H1.jsonl"


def raw_article_of(row: dict[str, Any]) -> dict[str, Any]:
    """A stream row (``id, date, title, feed, feed_category, url, words, text``) as the raw
    article a producer would send: ``url``, ``title``, ``body``, ``published_at``, ``source``."""
    return {
        "url": row["url"],
        "title": row["title"],
        "body": row["text"],
        "published_at": row["date"],
        "source": row["feed"],
    }


def stream_articles(stream: Path, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """The stream's rows whose id is in ``wanted``, as raw articles (``url``, ``title``,
    ``body``, ``published_at``, ``source``, ``id``)."""
    found: dict[str, dict[str, Any]] = {}
    with stream.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["id"] in wanted:
                found[row["id"]] = {"id": row["id"], **raw_article_of(row)}
    return found


def labelled_articles(labels: Path, stream: Path) -> Iterator[dict[str, Any]]:
    """One eval record per label line: the stream article plus ``label``, ``dyad``,
    ``source_alt``, ``target_alt``.

    Raises:
        EvalInputError: a labelled id is not in the stream.
    """
    records = [record for _, record in read_records(labels)]
    articles = stream_articles(stream, {record["id"] for record in records})
    for record in records:
        article = articles.get(record["id"])
        if article is None:
            raise EvalInputError(f"{labels}: id {record['id']!r} is not in {stream}")
        yield {
            **article,
            "label": record["level"],
            "dyad": record.get("dyad"),
            "source_alt": record.get("source_alt") or [],
            "target_alt": record.get("target_alt") or [],
        }


def uniform_labelled_share(sample: Path, labels: Path) -> tuple[float, int, int]:
    """The medium+ share among the labelled articles drawn uniformly from the stream (stratum
    ``uniform`` of the sample file): the stream-wide share of articles that deserve an alert.
    Returns (share, medium+ count, uniform count)."""
    uniform = {
        record["id"] for _, record in read_records(sample) if record.get("stratum") == "uniform"
    }
    levels = [record["level"] for _, record in read_records(labels) if record["id"] in uniform]
    alerting = sum(1 for level in levels if level != "quiet")
    return (alerting / len(levels) if levels else 0.0), alerting, len(levels)


def stream_payloads(stream: Path) -> list[bytes]:
    """Every article of the stream as the raw payload a producer would send."""
    payloads = []
    with stream.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            raw = {**raw_article_of(row), "body": row["text"] or ""}
            payloads.append(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    return payloads
