"""Run a real ``brinkwatch worker`` process for integration tests, isolated by its settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_ports

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    return free_ports(1)[0]


def isolated_env(bootstrap: str, name: str, workdir: Path, **extra: str) -> dict[str, str]:
    """Environment for a worker with its own topics, consumer group, port and state dir.

    Every topic name starts with ``name``, the app id too: Faust names its table changelogs
    after the app id, so a janitor's claim of ``name`` sweeps them with the rest."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRINKWATCH_")}
    env.update(
        {
            "BRINKWATCH_BOOTSTRAP_SERVERS": bootstrap,
            "BRINKWATCH_APP_ID": f"{name}-bw",
            "BRINKWATCH_TOPICS__RAW": f"{name}.raw",
            "BRINKWATCH_TOPICS__VALID": f"{name}.valid",
            "BRINKWATCH_TOPICS__TAGGED": f"{name}.tagged",
            "BRINKWATCH_TOPICS__ALERTS": f"{name}.alerts",
            "BRINKWATCH_TOPICS__DLQ": f"{name}.dlq",
            "BRINKWATCH_WEB_PORT": str(free_port()),
            "BRINKWATCH_DATA_DIR": str(workdir / "state"),
            "BRINKWATCH_LOG_LEVEL": "info",
        }
    )
    env.update(extra)
    return env


def second_worker_env(env: dict[str, str], state_dir: Path) -> dict[str, str]:
    """``env`` for a second worker of the same group: its own web port and state directory.
    (A port next to the first one's may be taken by anything else on the machine.)"""
    return {**env, "BRINKWATCH_WEB_PORT": str(free_port()), "BRINKWATCH_DATA_DIR": str(state_dir)}


@contextmanager
def running_worker(
    env: dict[str, str], workdir: Path, ready_timeout_s: float = 90.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``brinkwatch worker`` and wait until its agents are consuming ("Worker ready")."""
    log_path = workdir / "worker.log"
    with _command("worker", env, workdir, log_path) as process:
        _wait_ready(process, log_path, ready_timeout_s)
        yield process


def _wait_ready(process: subprocess.Popen[bytes], log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if "Worker]: Ready" in text:
            return
        if process.poll() is not None:
            raise RuntimeError(f"worker exited with {process.returncode}:\n{text[-4000:]}")
        time.sleep(0.3)
    raise TimeoutError(f"worker not ready in {timeout_s} s:\n{log_path.read_text()[-4000:]}")


@contextmanager
def running_dashboard(
    env: dict[str, str], workdir: Path, ready_timeout_s: float = 60.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``brinkwatch dashboard`` on ``BRINKWATCH_DASHBOARD__PORT``; wait for its /readyz.

    Ready means its topic feed is connected, so the topics must exist (start a worker first).
    """
    log_path = workdir / f"dashboard-{env['BRINKWATCH_DASHBOARD__PORT']}.log"
    url = f"http://127.0.0.1:{env['BRINKWATCH_DASHBOARD__PORT']}/readyz"
    with _command("dashboard", env, workdir, log_path) as process:
        _wait_url_ok(process, url, log_path, ready_timeout_s)
        yield process


@contextmanager
def _command(
    name: str, env: dict[str, str], workdir: Path, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``brinkwatch <name>`` with its output in ``log_path``; stopped on exit."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", name],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            stop_process(process)


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> int:
    """SIGTERM, then SIGKILL after ``timeout_s``; return the exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _wait_url_ok(
    process: subprocess.Popen[bytes], url: str, log_path: Path, timeout_s: float
) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log_path.read_text(errors="replace")
            raise RuntimeError(f"process exited with {process.returncode}:\n{text[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local http
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or 503 until ready
        time.sleep(0.3)
    raise TimeoutError(f"{url} not 200 in {timeout_s} s:\n{log_path.read_text()[-4000:]}")
