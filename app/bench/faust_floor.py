"""The framework's floor: a stock Faust agent that forwards each raw message unchanged.

Default Faust settings (producer, consumer, stream buffer, Monitor, no cython opt-in),
``stream.events()``, concurrency 1, one ``topic.send`` per event to one topic. Only what a
benchmark needs to run beside others is set: the broker, the web port (bound on loopback),
the data directory, and raw serializers on the two topics so bytes pass unchanged. Whatever
the worker does beyond this, it does in the time this agent spends doing nothing.

Run as its own process: ``python -m app.bench.faust_floor SOURCE SINK APP_ID WEB_PORT DATADIR``.
"""

from __future__ import annotations

import sys
from typing import Any

import faust

from app.settings import get_settings


def floor_app(source: str, sink: str, app_id: str, web_port: int, datadir: str) -> faust.App:
    """The stock app with its one forwarding agent."""
    brokers = ";".join(f"kafka://{h}" for h in get_settings().kafka_bootstrap().split(","))
    app = faust.App(
        app_id, broker=brokers, web_port=web_port, web_bind="127.0.0.1", datadir=datadir
    )
    source_topic = app.topic(source, key_serializer="raw", value_serializer="raw")
    sink_topic = app.topic(sink, key_serializer="raw", value_serializer="raw")

    @app.agent(source_topic, concurrency=1)
    async def forward(stream: Any) -> None:
        async for event in stream.events():
            await sink_topic.send(key=event.key, value=event.value)

    return app


def main() -> None:
    """Entry point: ``python -m app.bench.faust_floor SOURCE SINK APP_ID WEB_PORT DATADIR``."""
    source, sink, app_id, web_port, datadir = sys.argv[1:6]
    app = floor_app(source, sink, app_id, int(web_port), datadir)
    faust.Worker(app, loglevel="info", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
