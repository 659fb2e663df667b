"""The articles a run sends: the 2016 news stream when present, else synthetic ones.

Every payload carries a correlation id (``RawArticle.id``, which becomes ``article_id`` and the
tagged record's key) so the collector can match each output to the moment its input was sent.
Malformed payloads carry the id too: dead letters keep a preview of the original bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.bench.synthetic import synthetic_articles
from app.evaluation.labelled_stream import raw_article_of

# One message in this many is malformed, so the dead-letter path is part of every figure.
MALFORMED_EVERY = 40
CORRELATION_RE = re.compile(rb"(bench-[0-9a-f]{8}-[a-z0-9]+)-(\d+)")


@dataclass(frozen=True)
class Corpus:
    """Article templates, cycled to any length; ``source`` says where they came from."""

    articles: list[dict[str, Any]]
    source: str

    @property
    def mean_bytes(self) -> float:
        """Mean size of a well-formed payload."""
        sample = self.articles[:500]
        return sum(len(_dump({"id": "x", **a})) for a in sample) / max(len(sample), 1)

    def payload(self, phase_id: str, seq: int) -> bytes:
        """The raw message number ``seq`` of a phase (``phase_id`` = run id + phase)."""
        return self.template_payload(f"{phase_id}-{seq}", template_of(seq, len(self.articles)))

    def template_payload(self, cid: str, template: Template) -> bytes:
        """The payload of ``template`` carrying the correlation id ``cid``."""
        kind, index = template
        if kind == "malformed":
            return _malformed(cid, index)
        return _dump({"id": cid, **self.articles[index]})

    def payloads(self, phase_id: str, count: int, start: int = 0) -> Iterator[bytes]:
        """``count`` payloads numbered from ``start``."""
        for seq in range(start, start + count):
            yield self.payload(phase_id, seq)


Template = tuple[str, int]
"""("article", index into the corpus) or ("malformed", variant)."""
MALFORMED_VARIANTS = 4


def template_of(seq: int, distinct_articles: int) -> Template:
    """What message number ``seq`` is made from: which article, or which malformed variant."""
    if seq % MALFORMED_EVERY == MALFORMED_EVERY - 1:
        return ("malformed", (seq // MALFORMED_EVERY) % MALFORMED_VARIANTS)
    return ("article", seq % distinct_articles)


def load_corpus(dataset: Path | None, synthetic_count: int = 2_000) -> Corpus:
    """The dataset's articles if the file exists, else ``synthetic_count`` generated ones."""
    if dataset is not None and dataset.is_file():
        return Corpus(_read_dataset(dataset), f"dataset:{dataset.name}")
    return Corpus(synthetic_articles(synthetic_count, seed=2016), "synthetic")


def correlation_of(data: bytes) -> tuple[str, int] | None:
    """(phase id, seq) of the first correlation id found in ``data``."""
    match = CORRELATION_RE.search(data)
    if match is None:
        return None
    return match.group(1).decode("ascii"), int(match.group(2))


def _read_dataset(path: Path) -> list[dict[str, Any]]:
    """Dataset rows (id,date,title,feed,feed_category,url,words,text) as RawArticle fields."""
    articles = []
    with path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            articles.append(raw_article_of(row))
    return articles


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def _malformed(cid: str, variant: int) -> bytes:
    """Payloads each stage-1 check must reject, in rotation."""
    kinds = (
        f'{{"id": "{cid}", "url": "https://example.org/cut", "title": "Truncated',
        f'{{"id": "{cid}", "url": "ftp://example.org/x", "title": "Bad URL", '
        f'"body": "Text.", "published_at": "2016-03-01T10:00:00Z"}}',
        f'{{"id": "{cid}", "url": "https://example.org/no-date", "title": "No date", '
        f'"body": "Text."}}',
        f'{{"id": "{cid}", "url": "https://example.org/empty", "title": "Empty", '
        f'"body": "  ", "published_at": "2016-03-01T10:00:00Z"}}',
    )
    return kinds[variant % len(kinds)].encode()
