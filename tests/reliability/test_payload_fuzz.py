"""Raw payloads from hypothesis, produced to a real topic and run through a real worker:
every input yields exactly one valid article or one dead letter, and no agent ever restarts.

Payloads: valid articles with arbitrary field values, then truncated, byte-flipped or salted
with NUL bytes; deep nesting, ``1e309``, ``NaN``, large arrays, lone surrogates; and the
targeted cases that once lost their input (dates out of range, a 900 KB message, a body of
one repeated country name, quadratic HTML, bidirectional controls, hostile URLs).

The expected fate of each payload (valid, or which dead-letter reason) comes from the same
validation code run in-process; the worker's outputs are matched to inputs by their source
position (dead letters) and by count (valid articles). The default run sends
payloads (1,500 drawn plus the targeted ones, under a minute); the variant marked
``reliability`` sends 10,000 more.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.domain.pipeline import Pipeline
from app.domain.validation import Rejection
from app.settings import Settings
from schemas import Article, DeadLetter
from tests.support.kafka_io import collect, produce
from tests.support.topic_janitor import TopicJanitor
from tests.support.worker import isolated_env, running_worker

pytestmark = pytest.mark.integration

TARGETED = [
    b'{"url": "https://a.example/x", "title": "t", "body": "b", '
    b'"published_at": "0001-01-01T00:00:00+14:00"}',
    b'{"url": "https://a.example/y", "title": "t", "body": "b", '
    b'"published_at": "9999-12-31T23:59:59-23:59"}',
    b'{"url": "https://a.example/z", "title": "t", "body": "b", "published_at": 1e309}',
    b'{"url": "https://a.example/n", "title": "t", "body": "b", "published_at": NaN}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    b'{"url": "https://a.example/s", "title": "\\ud800", "body": "b", "published_at": 0}',
    json.dumps(
        {
            "url": "https://a.example/big",
            "title": "t",
            "body": "w " * 450_000,
            "published_at": "2026-11-26T10:00:00Z",
        }
    ).encode(),
    json.dumps(
        {
            "url": "https://a.example/fr",
            "title": "France",
            "body": "France " * 26_000,
            "published_at": "2026-11-26T10:00:00Z",
        }
    ).encode(),
    json.dumps(
        {
            "url": "https://a.example/html",
            "title": "t",
            "body": "<!--" * 12_000 + "<script " * 6_000 + " text",
            "published_at": "2026-11-26T10:00:00Z",
        }
    ).encode(),
    json.dumps(
        {
            "url": "https://a.example/arr",
            "title": "t",
            "body": "b",
            "authors": ["x"] * 10_000,
            "published_at": "2026-11-26T10:00:00Z",
        }
    ).encode(),
    *(
        json.dumps(
            {"url": url, "title": "t", "body": "b", "published_at": "2026-11-26T10:00:00Z"}
        ).encode()
        for url in (
            "https://-/",
            "https://a b.example/",
            "https://user:pass@a.example/",
            "https://a.example:0/",
            "https://a.example/\u0000",
            "https://a.example/\n",
        )
    ),
    json.dumps(
        {
            "url": "https://a.example/bidi",
            "title": "\u202egnp.exe\u202c",
            "body": "b",
            "published_at": "1938-01-01T00:00:00Z",
        }
    ).encode(),
]

_text = st.text(max_size=40)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=10,
)
_wild_articles = st.fixed_dictionaries(
    {
        "url": _text | _json_values,
        "title": _text | _json_values,
        "body": _text | _json_values,
        "published_at": st.floats(allow_nan=True, allow_infinity=True) | st.integers() | _text,
    },
    optional={"language": _text | _json_values, "authors": _json_values, "id": _json_values},
)
# Well-typed articles with arbitrary text: most become valid articles and reach every stage.
_fair_articles = st.fixed_dictionaries(
    {
        "url": st.tuples(
            st.sampled_from(["https://news.example.org/", "http://www.a.example:8080/b/"]),
            st.text(st.characters(codec="ascii", categories=["L", "N"]), max_size=12),
            st.sampled_from(["", "?utm_source=x&b=2", "#top", " ", "\u202e"]),
        ).map("".join),
        "title": st.text(max_size=80),
        "body": st.lists(
            st.sampled_from(
                [
                    "North Korea",
                    "Seoul",
                    "threatened",
                    "troops",
                    "<p>",
                    "</p>",
                    "&amp;",
                    "<!--",
                    "-->",
                    "<script>",
                    "\u202e",
                    "\u2066",
                    "é",
                    " ",
                    "\n",
                    "France",
                    "shelled",
                ]
            )
            | st.text(max_size=20),
            min_size=1,
            max_size=60,
        ).map(" ".join),
        "published_at": st.sampled_from(
            [
                "2026-11-26T10:00:00Z",
                "2026-11-26",
                "1989-12-31T23:59:59Z",
                "2999-01-01",
                "2026-11-26T10:00:00+14:00",
                "0001-01-01T00:00:00+14:00",
            ]
        )
        | st.integers(600_000_000, 1_800_000_000),
    },
    optional={
        "language": st.sampled_from(["en", "fr", "", "xx"]),
        "authors": st.lists(st.text(max_size=20), max_size=5),
        "id": st.text(max_size=20),
        "source": st.text(max_size=20),
    },
)


@st.composite
def payloads(draw: st.DrawFn) -> bytes:
    """One raw message: an article-like document, possibly mutated, or noise."""
    document = draw(st.one_of(_fair_articles, _fair_articles, _fair_articles, _wild_articles))
    encoded = json.dumps(document, ensure_ascii=draw(st.booleans()), allow_nan=True)
    data = encoded.encode("utf-8", errors="surrogatepass")
    mutation = draw(st.sampled_from(["none"] * 6 + ["truncate", "flip", "nul", "noise"]))
    if mutation == "truncate" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif mutation == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif mutation == "nul" and data:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    elif mutation == "noise":
        data = draw(st.binary(max_size=200))
    return data


@pytest.fixture(scope="module")
def worker_env(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, topic_janitor: TopicJanitor
) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("fuzz")
    name = topic_janitor.claim(f"fuzz-{hashlib.sha256(str(workdir).encode()).hexdigest()[:8]}")
    env = isolated_env(kafka_bootstrap, name, workdir)
    with running_worker(env, workdir):
        yield env | {"workdir": str(workdir)}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


class Ledger:
    """Everything produced so far to the module's worker, and what each should become."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger()


def expected_fate(pipeline: Pipeline, payload: bytes) -> str:
    result = pipeline.validate(payload, datetime.now(UTC))
    return result.error_type if isinstance(result, Rejection) else "valid"


def check_all_accounted_for(
    env: dict[str, str], pipeline: Pipeline, ledger: Ledger, batch: list[bytes]
) -> None:
    bootstrap = env["BRINKWATCH_BOOTSTRAP_SERVERS"]
    topic = {n: env[f"BRINKWATCH_TOPICS__{n.upper()}"] for n in ("raw", "valid", "dlq")}
    ledger.sent += batch
    asyncio.run(produce(bootstrap, topic["raw"], batch))
    total = len(ledger.sent)

    def settled(records: dict[str, list[Any]]) -> bool:
        return len(records[topic["valid"]]) + len(records[topic["dlq"]]) >= total

    records = asyncio.run(collect(bootstrap, list(topic.values()), settled, timeout_s=180))
    raw = {(r.partition, r.offset): r.value for r in records[topic["raw"]]}
    assert len(raw) == total
    letters = [DeadLetter.model_validate_json(r.value) for r in records[topic["dlq"]]]
    lettered = {(d.source_partition, d.source_offset): d for d in letters}
    assert len(lettered) == len(letters), "one dead letter per input, no duplicates"
    valid = [Article.model_validate_json(r.value) for r in records[topic["valid"]]]
    assert len(valid) + len(letters) == total, "every input: exactly one article or letter"
    expected = {position: expected_fate(pipeline, value) for position, value in raw.items()}
    for position, letter in lettered.items():
        assert letter.stage == "validate"
        assert letter.error_type == expected[position], (letter.reason, raw[position][:200])
        assert letter.payload_sha256 == hashlib.sha256(raw[position]).hexdigest()
        assert raw[position].startswith(base64.b64decode(letter.payload_base64))
    assert len(valid) == sum(fate == "valid" for fate in expected.values())
    log = (Path(env["workdir"]) / "worker.log").read_text(errors="replace")
    assert "Crashed reason" not in log, log[-3000:]
    assert "Restarting" not in log


def generated(count: int) -> list[bytes]:
    """``count`` payloads drawn by hypothesis (each example is one payload; all of them then
    go to the broker together, in one round trip)."""
    drawn: list[bytes] = []

    @given(payloads())
    @settings(
        max_examples=count,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def draw(payload: bytes) -> None:
        drawn.append(payload)

    draw()
    return drawn


def test_targeted_payloads_each_yield_one_article_or_dead_letter(
    worker_env: dict[str, str], pipeline: Pipeline, ledger: Ledger
) -> None:
    check_all_accounted_for(worker_env, pipeline, ledger, TARGETED)


def test_random_payloads_each_yield_one_article_or_dead_letter(
    worker_env: dict[str, str], pipeline: Pipeline, ledger: Ledger
) -> None:
    batch = generated(1500)
    assert len(set(batch)) > 1000, "hypothesis must vary its payloads"
    check_all_accounted_for(worker_env, pipeline, ledger, batch)


@pytest.mark.reliability
def test_many_random_payloads_each_yield_one_article_or_dead_letter(
    worker_env: dict[str, str], pipeline: Pipeline, ledger: Ledger
) -> None:
    for _ in range(5):
        check_all_accounted_for(worker_env, pipeline, ledger, generated(2000))
