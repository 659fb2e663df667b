"""Profile a real ``brinkwatch worker`` draining a backlog, with py-spy (pinned in pyproject).

Loads a backlog onto its own topics (the broker of ``BRINKWATCH_BOOTSTRAP_SERVERS``, or the
local one), starts a worker on them, samples it with py-spy while it drains, deletes the
topics, and prints where the time went: busy samples by part (domain stages, serialisation,
Faust, aiokafka, our batching and publishing, the dashboard feed, ...) and the functions with
the most samples of their own. The raw stacks are kept for a flame graph::

    .venv/bin/python scripts/profile_worker.py --articles 60000 --seconds 30 --out prof.txt

Other ``BRINKWATCH_*`` variables reach the worker, so variants are profiled the same way
(e.g. ``BRINKWATCH_BATCH_MAX_EVENTS=1``).
"""

from __future__ import annotations

import argparse
import asyncio
import linecache
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from app.bench.config import DEFAULT_DATASET
from app.bench.corpus import load_corpus
from app.bench.load import load_backlog
from app.bench.phases import WORKER_ARGS
from app.bench.processes import WORKER_READY, free_port, launched, wait_ready
from app.bench.topics import (
    create_pipeline_topics,
    delete_run_topics,
    isolated_settings,
    worker_env,
)
from app.bench.worker_metrics import scrape
from app.settings import Settings

PY_SPY = Path(sys.executable).parent / "py-spy"
FRAME = re.compile(r"^(?P<function>.+) \((?P<file>[^:()]+):(?P<line>\d+)\)$")
# Stacks without a brinkwatch frame, by the library frames in them (first match wins).
LIBRARIES: list[tuple[str, re.Pattern[str]]] = [
    ("event loop idle (waiting in select)", re.compile(r"select \(selectors\.py")),
    ("aiokafka producer (sender, requests)", re.compile(r"aiokafka/producer|sender\.py")),
    ("aiokafka consumer (fetch, records)", re.compile(r"aiokafka/consumer|aiokafka/record")),
    ("Faust/mode (consumer, conductor, services)", re.compile(r"faust/|mode/")),
    ("asyncio transports and protocol", re.compile(r"asyncio/|aiokafka/")),
]


def part_of(frames: list[str], repo: Path) -> str:
    """What a main-thread stack was doing: its innermost brinkwatch frame, else its library.

    The domain runs compiled (mypyc, Rust) and has no Python frames, so a sample inside it
    shows as the line of ``app/streaming/stages.py`` that called it: that line is the part.
    """
    for frame in reversed(frames):
        match = FRAME.match(frame)
        # Paths as py-spy prints them: ours relative to the repository, libraries not.
        if match is None or not match["file"].startswith("app/"):
            continue
        path = match["file"]
        if path.startswith("app/cli/"):
            continue  # the process's entry point: every stack has it
        if path == "app/streaming/stages.py":
            line = linecache.getline(str(repo / path), int(match["line"])).strip()
            return f"stage: `{line}`"
        return path
    joined = ";".join(frames)
    for name, pattern in LIBRARIES:
        if pattern.search(joined):
            return name
    return "other"


def parts_of(raw: Path, repo: Path) -> tuple[Counter[str], int, int, int]:
    """Main-thread samples per part, main-thread total, other threads' busy and total samples.

    The main thread runs the agents, the producer and the web server; Faust's consumer thread
    (aiokafka's fetches) is counted apart.
    """
    parts: Counter[str] = Counter()
    main_total = other_busy = other_total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if not frames[0].startswith("_run_module_as_main"):
            other_total += count
            if "select (selectors.py" not in stack:
                other_busy += count
            continue
        main_total += count
        parts[part_of(frames, repo)] += count
    return parts, main_total, other_busy, other_total


def _validated(port: int) -> float:
    """Articles the worker's validate stage handled so far (its /metrics)."""
    samples = scrape(port) or []
    return sum(
        v
        for name, labels, v in samples
        if name == "brinkwatch_messages_total" and labels.get("stage") == "validate"
    )


async def _run(args: argparse.Namespace) -> Path:
    base = Settings()
    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    settings = isolated_settings(base, f"{run_id}-prof")
    corpus = load_corpus(DEFAULT_DATASET)
    workdir = Path(tempfile.mkdtemp(prefix="brinkwatch-profile-"))
    out = Path(args.out)
    try:
        await create_pipeline_topics(settings)
        await load_backlog(settings, settings.topics.raw, corpus.payloads(run_id, args.articles))
        port = free_port()
        env = worker_env(settings, port, workdir / "state")
        with launched("worker", WORKER_ARGS, env, workdir, WORKER_READY, port) as worker:
            await wait_ready([worker])
            await asyncio.sleep(args.warmup)
            started, handled, cpu = time.monotonic(), _validated(port), worker.cpu_seconds()
            if not args.profile:
                await asyncio.sleep(args.seconds)
            else:
                subprocess.run(  # noqa: S603 - the pinned py-spy beside this interpreter
                    [
                        str(PY_SPY),
                        "record",
                        "--pid",
                        str(worker.popen.pid),
                        "--duration",
                        str(args.seconds),
                        "--rate",
                        str(args.rate),
                        "--format",
                        "raw",
                        "--idle",
                        "--nonblocking",
                        "--output",
                        str(out),
                    ],
                    check=True,
                    capture_output=True,
                )
            elapsed = time.monotonic() - started
            done = _validated(port) - handled
            cpu_ms = (worker.cpu_seconds() - cpu) / max(done, 1) * 1000
            print(
                f"{done / elapsed:,.0f} articles/s, {cpu_ms:.3f} ms CPU per article, over "
                f"{elapsed:.0f} s (pid {worker.popen.pid}, "
                f"{corpus.source}, load average {os.getloadavg()[0]:.1f})",
                file=sys.stderr,
            )
    finally:
        await delete_run_topics(base, run_id)
    return out


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--out", default="artifacts/worker-profile.txt")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--no-profile",
        dest="profile",
        action="store_false",
        help="only the drain rate, without py-spy",
    )
    args = parser.parse_args()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    raw = asyncio.run(_run(args))
    if not args.profile:
        return
    parts, main_total, other_busy, other_total = parts_of(raw, Path(__file__).parents[1])
    print(
        f"main thread: {main_total} samples; Faust's consumer thread busy "
        f"{other_busy / max(other_total, 1):.1%} of its {other_total}\n"
    )
    print("| main thread | share |\n|---|---|")
    for name, count in parts.most_common(args.top):
        print(f"| {name} | {count / main_total:.1%} |")


if __name__ == "__main__":
    main()
