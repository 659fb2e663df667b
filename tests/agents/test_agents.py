"""Agents in Faust's test_context: the thin glue sends what the stage handlers decide."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from unittest.mock import AsyncMock, patch

import pytest

from app.settings import Settings
from app.streaming.faust_app import BrinkwatchApp, create_app
from app.streaming.records import SourceRecord, StageResult
from schemas import Article, DeadLetter

GOOD = json.dumps(
    {
        "url": "https://news.example.org/b",
        "title": "Council approves budget",
        "body": "The city council approved next year's budget after a short debate.",
        "published_at": "2026-11-27T08:00:00Z",
    }
).encode()


@pytest.fixture
async def make_app(tmp_path: Path) -> AsyncIterator[Callable[[str], BrinkwatchApp]]:
    """Apps wired for test_context; their never-started consumer threads are cleaned up."""
    apps: list[BrinkwatchApp] = []

    def build(topology: str) -> BrinkwatchApp:
        settings = Settings(
            _env_file=None,
            app_id=f"agent-test-{topology}",  # type: ignore[call-arg]
            topology=topology,
            data_dir=tmp_path,
        )
        app = create_app(settings)
        app.loop = asyncio.get_running_loop()
        app.finalize()
        app.flow_control.resume()
        apps.append(app)
        return app

    yield build
    for app in apps:
        # Iterating a stream makes Faust build its aiokafka consumer thread, which owns an
        # event loop that is only closed when the thread runs and stops; here it never runs.
        consumer = app._consumer
        if consumer is not None:
            consumer._thread.thread_loop.close()


@pytest.fixture
def sends() -> Iterator[dict[str, AsyncMock]]:
    """Replace the outbound topics' send, so nothing tries to reach a broker.

    The batched fused agent publishes through ``publish_batch``: its outputs land in the same
    per-topic mocks, one call per record.
    """
    with (
        patch("app.streaming.faust_app.PipelineTopics.by_name") as by_name,
        patch("app.streaming.faust_app.PipelineTopics.publish_batch") as publish_batch,
    ):
        mocks: dict[str, AsyncMock] = {}

        def topic(name: str) -> AsyncMock:
            return mocks.setdefault(name, AsyncMock())

        async def publish(processed: list[tuple[SourceRecord, list[StageResult]]]) -> None:
            for record, results in processed:
                for result in results:
                    for out in result.outputs:
                        await topic(out.topic)(
                            key=out.key, value=out.value, source=record, stage=result.stage
                        )

        by_name.side_effect = lambda name: type("T", (), {"send": topic(name)})()
        publish_batch.side_effect = publish
        yield mocks


async def test_validate_agent_sends_valid_articles(
    make_app: Callable[[str], BrinkwatchApp], sends: dict[str, AsyncMock]
) -> None:
    app = make_app("staged")
    agent = app.agents["validate_articles"]
    async with agent.test_context() as context:
        await context.put(GOOD, key=b"k")
    [call] = sends["valid"].await_args_list
    article = Article.model_validate_json(call.kwargs["value"])
    assert call.kwargs["key"] == article.article_id.encode()
    assert "dlq" not in sends


async def test_validate_agent_dead_letters_and_keeps_going(
    make_app: Callable[[str], BrinkwatchApp], sends: dict[str, AsyncMock]
) -> None:
    app = make_app("staged")
    agent = app.agents["validate_articles"]
    async with agent.test_context() as context:
        await context.put(b"{broken", key=b"k1")
        await context.put(GOOD, key=b"k2")
    [dead] = sends["dlq"].await_args_list
    letter = DeadLetter.model_validate_json(dead.kwargs["value"])
    assert letter.error_type == "malformed_json"
    assert len(sends["valid"].await_args_list) == 1  # the next message still went through


async def test_fused_agent_publishes_valid_and_tagged(
    make_app: Callable[[str], BrinkwatchApp], sends: dict[str, AsyncMock]
) -> None:
    app = make_app("fused")
    assert set(app.agents) == {"process_articles"}
    async with app.agents["process_articles"].test_context() as context:
        await context.put(GOOD, key=b"k")
    assert len(sends["valid"].await_args_list) == 1
    assert len(sends["tagged"].await_args_list) == 1


async def test_fused_agent_dead_letters_bad_records_and_keeps_the_batch(
    make_app: Callable[[str], BrinkwatchApp], sends: dict[str, AsyncMock]
) -> None:
    app = make_app("fused")
    async with app.agents["process_articles"].test_context() as context:
        for value in (GOOD, b"{broken", GOOD.replace(b"/b", b"/c")):
            await context.put(value, key=b"k", wait=False)
        await context.put(b"not json either", key=b"k")
    letters = [
        DeadLetter.model_validate_json(c.kwargs["value"]) for c in sends["dlq"].await_args_list
    ]
    assert [letter.error_type for letter in letters] == ["malformed_json", "malformed_json"]
    assert len(sends["valid"].await_args_list) == 2
    assert len(sends["tagged"].await_args_list) == 2


async def test_fused_agent_turns_an_unexpected_error_into_that_records_dead_letter(
    make_app: Callable[[str], BrinkwatchApp], sends: dict[str, AsyncMock]
) -> None:
    app = make_app("fused")
    with patch("app.streaming.fused_batch.fused_stages") as stages:
        stages.side_effect = RuntimeError("boom")
        async with app.agents["process_articles"].test_context() as context:
            await context.put(GOOD, key=b"k")
    [dead] = sends["dlq"].await_args_list
    letter = DeadLetter.model_validate_json(dead.kwargs["value"])
    assert letter.error_type == "processing_error"
    assert "RuntimeError: boom" in letter.reason
    assert "valid" not in sends
