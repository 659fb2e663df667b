"""The story brinkwatch started from, through the real broker: a clear, explained, high alert
(North Korea cutting its lines to the South), without evidence from the background sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from schemas import Article, EscalationAlert
from tests.support.kafka_io import collect, produce
from tests.support.worker import isolated_env, running_worker

pytestmark = [pytest.mark.integration, pytest.mark.data]

# Context the domain notes say must not fire: history, treaties, de-escalation.
CONTEXT_PHRASES = (
    "peace accords",
    "reducing military tension",
    "technically at war",
    "1950 to 1953",
    "closed in 2016",
)


def seed_articles(shared_dir: Path) -> list[bytes]:
    stories = sorted((shared_dir / "seeds").glob("*.txt"))
    assert stories, f"no seed story in {shared_dir / 'seeds'}"
    articles = []
    for path in stories:
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        url = f"https://seed.brinkwatch.invalid/{path.stem}"
        articles.append(
            json.dumps(
                {
                    "url": url,
                    "title": title.strip(),
                    "body": body,
                    "published_at": "2020-06-09T06:00:00Z",
                    "source": "seed",
                }
            ).encode()
        )
    return articles


async def test_seed_story_alerts_through_the_broker(
    shared_dir: Path, kafka_bootstrap: str, unique_name: str, tmp_path: Path
) -> None:
    articles = seed_articles(shared_dir)
    env = isolated_env(kafka_bootstrap, unique_name, tmp_path)
    with running_worker(env, tmp_path):
        await produce(kafka_bootstrap, env["BRINKWATCH_TOPICS__RAW"], articles)
        topics = [env["BRINKWATCH_TOPICS__ALERTS"], env["BRINKWATCH_TOPICS__VALID"]]

        def done(records: dict[str, list[Any]]) -> bool:
            return len(records[topics[0]]) >= len(articles)

        records = await collect(kafka_bootstrap, topics, done)

    alerts = [EscalationAlert.model_validate_json(r.value) for r in records[topics[0]]]
    assert len(alerts) == len(articles), "one alert per seed story, no duplicates"
    alert = alerts[0]
    # Offsets refer to the normalised body the pipeline published on the valid topic.
    valid = {
        a.article_id: a
        for a in map(Article.model_validate_json, (r.value for r in records[topics[1]]))
    }
    body = valid[alert.article_id].body
    assert {"PRK", "KOR"} <= set(alert.actors)
    assert alert.dyad is not None and (alert.dyad.source, alert.dyad.target) == ("PRK", "KOR")
    assert {"reduce_relations", "threaten"} <= {c.category for c in alert.categories}
    assert alert.severity_level in ("high", "critical")
    reduce = next(c for c in alert.categories if c.category == "reduce_relations")
    assert any("communication" in e.phrase for e in reduce.evidence)
    for category in alert.categories:
        assert category.quad_class in (3, 4) and category.goldstein < 0
        for evidence in category.evidence:
            text = body if evidence.field == "body" else alert.title
            assert text[evidence.start : evidence.end] == evidence.phrase
            assert not any(p in evidence.sentence for p in CONTEXT_PHRASES), evidence
    topic_codes = {t.code for t in alert.topics}
    assert {"medtop:11000000", "medtop:16000000"} <= topic_codes
