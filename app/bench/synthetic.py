"""Realistic-looking articles assembled from sentence templates, for runs without the dataset.

Bodies are 0.5-10 KB; about 4 % are escalation stories (military moves between two named
countries), the rest ordinary news that mentions countries without conflict.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

ESCALATION_SHARE = 0.04
MIN_BODY_BYTES = 500
MAX_BODY_BYTES = 10_000

COUNTRIES = (
    "Russia",
    "Ukraine",
    "China",
    "Taiwan",
    "India",
    "Pakistan",
    "Iran",
    "Israel",
    "North Korea",
    "South Korea",
    "Japan",
    "Turkey",
    "Syria",
    "Saudi Arabia",
    "Yemen",
    "France",
    "Germany",
    "Brazil",
    "Nigeria",
    "Egypt",
    "Ethiopia",
    "Sudan",
    "Mexico",
)
SOURCES = ("wire-service", "daily-herald", "evening-post", "world-desk", "metro-news")
SECTIONS = ("world", "business", "science", "sport", "politics", "culture")

ORDINARY = (
    "Officials in {a} said on {day} that the budget for the coming year would rise modestly.",
    "The central bank of {a} kept interest rates unchanged, citing steady inflation.",
    "Researchers from {a} and {b} published a joint study on crop yields in dry regions.",
    "Shares in the largest carmaker in {a} rose after quarterly sales beat expectations.",
    "A delegation from {b} visited {a} to discuss trade in agricultural products.",
    "The national football team of {a} won its qualifier against {b} by two goals.",
    "Heavy rain caused flooding in several towns in {a}, and roads were closed for hours.",
    "The museum in the capital of {a} opened an exhibition of early photography.",
    "Analysts expect the economy of {b} to grow by about two percent this year.",
    "Teachers in {a} ended a week-long strike after reaching a pay agreement.",
    "A new rail link between {a} and {b} is expected to cut travel times by a third.",
    "Doctors in {a} reported fewer cases of seasonal flu than in the previous winter.",
    "The startup, founded in {b}, raised new funding to expand its delivery service.",
    "Parliament in {a} debated a bill on data protection late into the night.",
)
ESCALATION = (
    "{a} deployed troops and armoured vehicles to its border with {b} on {day}.",
    "Artillery shells fired from {a} struck positions inside {b}, killing several soldiers.",
    "The government of {b} accused {a} of launching air strikes on a military base.",
    "{a} test-fired a ballistic missile that flew over waters claimed by {b}.",
    "Warships from {a} blockaded a port in {b}, and commercial traffic came to a halt.",
    "{b} mobilised reservists after {a} massed forces near the frontier.",
    "{a} expelled the ambassador of {b} and threatened military retaliation.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def synthetic_articles(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` articles as ``RawArticle`` fields (without ``id``), reproducible by seed."""
    rng = random.Random(seed)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    return [_article(rng, n, start) for n in range(count)]


def _article(rng: random.Random, n: int, start: datetime) -> dict[str, Any]:
    a, b = rng.sample(COUNTRIES, 2)
    escalation = rng.random() < ESCALATION_SHARE
    target = rng.randint(MIN_BODY_BYTES, MAX_BODY_BYTES)
    sentences: list[str] = []
    size = 0
    while size < target:
        pool = ESCALATION if escalation and rng.random() < 0.5 else ORDINARY
        sentence = rng.choice(pool).format(a=a, b=b, day=rng.choice(DAYS))
        sentences.append(sentence)
        size += len(sentence) + 1
    headline = sentences[0].split(",")[0].rstrip(".")
    published = start + timedelta(minutes=17 * n)
    return {
        "url": f"https://news.example.org/{rng.choice(SECTIONS)}/{n:06d}",
        "title": headline,
        "body": _paragraphs(sentences),
        "published_at": published.isoformat(),
        "source": rng.choice(SOURCES),
    }


def _paragraphs(sentences: list[str]) -> str:
    """Groups of four sentences, one paragraph each, as feeds deliver them."""
    return "\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
