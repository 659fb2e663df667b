"""The measured processes: ``brinkwatch worker`` and the baseline passthrough, as subprocesses.

Each writes a log in the run's work directory; readiness is read from that log. psutil follows
each pid for CPU time and RSS.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # no stubs; results are cast where used

WORKER_READY = "Worker]: Ready"
PASSTHROUGH_READY = "passthrough ready"
IO_BASELINE_READY = "io baseline ready"
STOP_TIMEOUT_S = 30.0
MB = 1024 * 1024
# Faust's log line prefix, e.g. "[2026-11-27 21:08:17,214] [17117] [INFO] ..." (local time).
_LOG_STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+)\]")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Measured:
    """A running subprocess, its log and its psutil handle."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    ready_marker: str
    web_port: int | None = None
    ps: psutil.Process = field(init=False)

    def __post_init__(self) -> None:
        self.ps = psutil.Process(self.popen.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time so far."""
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def rss_mb(self) -> float:
        """Resident set size now, in MiB."""
        return float(self.ps.memory_info().rss) / MB

    def ready_at(self) -> float | None:
        """When the process logged its readiness line (epoch s), None before; raises if it died.

        The time comes from the line's own log timestamp, not from when we noticed it: a fast
        consumer can drain a small backlog between the two.
        """
        text = self.log_path.read_text(errors="replace")
        for line in text.splitlines():
            if self.ready_marker in line:
                stamp = _LOG_STAMP.match(line)
                if stamp is None:
                    return time.time()
                return datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{text[-4000:]}")
        return None


@contextmanager
def launched(
    name: str,
    args: Sequence[str],
    env: dict[str, str],
    workdir: Path,
    ready_marker: str,
    web_port: int | None = None,
) -> Iterator[Measured]:
    """Run ``python args...`` until the block ends (SIGTERM, SIGKILL after a timeout)."""
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(  # noqa: S603 - our own modules, fixed arguments
            [sys.executable, *args], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield Measured(name, popen, log_path, ready_marker, web_port)
        finally:
            popen.terminate()
            try:
                popen.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait()


@contextmanager
def launched_all(
    specs: Sequence[tuple[str, Sequence[str], dict[str, str], int | None]],
    workdir: Path,
    ready_marker: str,
) -> Iterator[list[Measured]]:
    """Several processes started together (same marker), stopped together."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(launched(name, args, env, workdir, ready_marker, port))
            for name, args, env, port in specs
        ]


async def wait_ready(processes: Sequence[Measured], timeout_s: float = 120.0) -> float:
    """Wait until every process logged its readiness line; return the latest such moment."""
    deadline = time.monotonic() + timeout_s
    ready: dict[str, float] = {}
    while len(ready) < len(processes):
        for process in processes:
            at = ready.get(process.name) or process.ready_at()
            if at is not None:
                ready[process.name] = at
        if len(ready) < len(processes):
            if time.monotonic() > deadline:
                names = ", ".join(p.name for p in processes if p.name not in ready)
                raise TimeoutError(f"not ready after {timeout_s:.0f} s: {names}")
            await asyncio.sleep(0.05)
    return max(ready.values())


class RssSampler:
    """Samples the RSS of some processes every ``interval_s`` in a thread (psutil blocks)."""

    def __init__(self, processes: Sequence[Measured], interval_s: float = 0.25) -> None:
        self.processes = list(processes)
        self.interval_s = interval_s
        self.samples: list[tuple[float, float]] = []  # (epoch s, largest RSS MiB among them)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        """The largest RSS seen."""
        return max((rss for _, rss in self.samples), default=0.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss = max(p.rss_mb() for p in self.processes)
            except psutil.Error:
                return  # a process ended: the phase is over
            self.samples.append((time.time(), rss))
            self._stop.wait(self.interval_s)
