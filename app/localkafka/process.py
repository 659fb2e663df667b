"""Start, stop and inspect the local broker process (``java ... kafka.Kafka server.properties``).

The broker runs detached (own session, stdin from /dev/null, stdout/stderr appended to
``broker.log``) so it outlives the command that started it; ``broker.pid`` records it. A start
lock serialises concurrent ``start``/``stop`` calls for the same port.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.localkafka.config import (
    HOST,
    Listener,
    RunLayout,
    formatted_cluster_id,
    render_log4j2_properties,
    render_server_properties,
    resolve_cluster_id,
)
from app.localkafka.errors import BrokerStartError, LocalKafkaError
from app.localkafka.fetch import ensure_jars
from app.localkafka.files import file_lock, write_atomic
from app.localkafka.logs import indent_tail, log_tail
from app.localkafka.probe import probe
from app.settings import LocalBroker

log = logging.getLogger(__name__)

POLL_S = 0.2
FORMAT_TIMEOUT_S = 120.0
KILL_WAIT_S = 10.0
MIN_XMS_BYTES = 256 * 1024 * 1024

_HEAP_RE = re.compile(r"^(\d+)([kKmMgG]?)$")


@dataclass(frozen=True)
class BrokerStatus:
    """What is known about the broker for one ``LocalBroker`` configuration.

    ``running``: a Kafka broker answers on ``bootstrap`` (ours or anyone's).
    ``pid``: our broker process from the pid file, if alive; ``None`` for a broker we did not
    start (``stop`` leaves those alone). ``started_by_us``: this very ``start()`` call launched
    the process (False when it reused one, and always False from ``status()``).
    """

    running: bool
    pid: int | None
    bootstrap: str
    log_path: Path | None
    started_by_us: bool
    run_dir: Path

    @property
    def managed(self) -> bool:
        """True when ``stop()`` can stop the broker (we have its live pid)."""
        return self.pid is not None


def status(broker: LocalBroker) -> BrokerStatus:
    """Look without touching: does a broker answer, and is it one we started?"""
    layout = RunLayout.of(broker)
    return _status(broker, layout, _broker_pid(layout), started_by_us=False)


def start(
    broker: LocalBroker,
    *,
    jars_root: Path | None = None,
    listeners: Sequence[Listener] = (),
    properties: Mapping[str, str] | None = None,
) -> BrokerStatus:
    """Make sure a broker answers on ``127.0.0.1:<port>`` and return its status.

    Reuses any Kafka broker already answering there. Otherwise fetches the jars (``jars_root``
    overrides the jar cache root, see :func:`ensure_jars`), writes the config, formats storage
    on first use and launches the broker, waiting until it serves requests. ``listeners`` and
    ``properties`` extend the generated server.properties (see
    :func:`~app.localkafka.config.render_server_properties`); a reused broker keeps its own.
    """
    layout = RunLayout.of(broker)
    layout.run_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(layout.lock_file):
        pid = _broker_pid(layout)
        answer = probe(broker.port)
        if answer == "kafka":
            log.info("reusing the Kafka broker on %s:%d", HOST, broker.port)
            return _status(broker, layout, pid, started_by_us=False)
        if pid is not None:  # ours, alive, not answering yet (or hung): wait, do not duplicate
            _wait_ready(broker, layout, pid, own_child=False)
            return _status(broker, layout, pid, started_by_us=False)
        if answer == "other":
            raise BrokerStartError(
                f"{HOST}:{broker.port} accepts connections but does not answer as Kafka; "
                "free the port or choose another one (BRINKWATCH_LOCAL_BROKER__PORT)"
            )
        layout.pid_file.unlink(missing_ok=True)
        return _launch(broker, layout, jars_root, listeners, properties)


def stop(broker: LocalBroker, timeout_s: float = 30) -> bool:
    """Stop the broker we started (SIGTERM, then SIGKILL after ``timeout_s``).

    Returns whether a process was stopped; a broker started by someone else is left alone.
    """
    layout = RunLayout.of(broker)
    if not layout.run_dir.is_dir():
        return False
    with file_lock(layout.lock_file):
        pid = _broker_pid(layout)
        if pid is None:
            layout.pid_file.unlink(missing_ok=True)
            return False
        log.info("stopping the Kafka broker (pid %d)", pid)
        _terminate(pid, timeout_s)
        layout.pid_file.unlink(missing_ok=True)
        return True


# --- launching ------------------------------------------------------------------------------


def _launch(
    broker: LocalBroker,
    layout: RunLayout,
    jars_root: Path | None,
    listeners: Sequence[Listener] = (),
    properties: Mapping[str, str] | None = None,
) -> BrokerStatus:
    xms = _xms(broker.heap)
    jars = ensure_jars(broker, jars_root=jars_root)
    java = _java()
    layout.data_dir.mkdir(parents=True, exist_ok=True)
    config = render_server_properties(
        broker, layout.data_dir, listeners=listeners, properties=properties
    )
    layout.server_properties.write_text(config, encoding="utf-8")
    layout.log4j_config.write_text(render_log4j2_properties(), encoding="utf-8")
    if layout.log_file.exists():
        layout.log_file.replace(layout.log_file.with_name(layout.log_file.name + ".1"))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    _append_log(
        layout,
        f"=== app.localkafka {stamp}: Kafka {broker.kafka_version} on {HOST}:{broker.port} ===\n",
    )
    classpath = f"{jars}/*"
    common = [f"-Dlog4j2.configurationFile={layout.log4j_config}", "-cp", classpath]
    cluster_id = resolve_cluster_id(layout)
    if formatted_cluster_id(layout.data_dir) is None:
        _format_storage(java, common, layout, cluster_id)
    argv = [
        java,
        f"-Xms{xms}",
        f"-Xmx{broker.heap}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-Djava.awt.headless=true",
        f"-XX:ErrorFile={layout.run_dir / 'hs_err_pid%p.log'}",
        *common,
        "kafka.Kafka",
        str(layout.server_properties),
    ]
    started = time.monotonic()
    pid = _spawn_detached(argv, layout.log_file)
    write_atomic(layout.pid_file, f"{pid}\n")
    log.info("started Kafka %s (pid %d), waiting for readiness", broker.kafka_version, pid)
    try:
        _wait_ready(broker, layout, pid, own_child=True)
    except BaseException:
        with contextlib.suppress(LocalKafkaError):
            _terminate(pid, KILL_WAIT_S)
        layout.pid_file.unlink(missing_ok=True)
        raise
    log.info("Kafka ready on %s:%d after %.1f s", HOST, broker.port, time.monotonic() - started)
    return _status(broker, layout, pid, started_by_us=True)


def _format_storage(java: str, common: list[str], layout: RunLayout, cluster_id: str) -> None:
    cmd = [
        java,
        "-Xmx256m",
        *common,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_id,
        "-c",
        str(layout.server_properties),
        "--ignore-formatted",
    ]
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            cmd,
            capture_output=True,
            text=True,
            timeout=FORMAT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise BrokerStartError(f"formatting {layout.data_dir} timed out") from exc
    output = proc.stdout + proc.stderr
    _append_log(layout, output)
    if proc.returncode != 0:
        raise BrokerStartError(
            f"formatting KRaft storage in {layout.data_dir} failed "
            f"(exit code {proc.returncode}):\n{indent_tail(output)}"
        )


def _spawn_detached(argv: list[str], log_file: Path) -> int:
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        return os.posix_spawn(
            argv[0],
            argv,
            dict(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, fd, 1),
                (os.POSIX_SPAWN_DUP2, fd, 2),
            ],
            setsid=True,
            setsigmask=(),
            setsigdef=(
                signal.SIGPIPE,
                signal.SIGXFSZ,
                signal.SIGINT,
                signal.SIGTERM,
                signal.SIGHUP,
                signal.SIGQUIT,
            ),
        )
    except OSError as exc:
        raise BrokerStartError(f"cannot run {argv[0]}: {exc}") from exc
    finally:
        os.close(fd)


def _wait_ready(broker: LocalBroker, layout: RunLayout, pid: int, *, own_child: bool) -> None:
    deadline = time.monotonic() + broker.start_timeout_s
    where = f"{HOST}:{broker.port}"
    while True:
        exit_code = _reap(pid) if own_child else None
        if exit_code is not None or not _alive(pid):
            how = f" with exit code {exit_code}" if exit_code is not None else ""
            raise BrokerStartError(
                f"the Kafka broker (pid {pid}) exited{how} before serving on {where}; "
                f"last lines of {layout.log_file}:\n{log_tail(layout.log_file)}"
            )
        if probe(broker.port) == "kafka":
            return
        if time.monotonic() >= deadline:
            raise BrokerStartError(
                f"the Kafka broker (pid {pid}) did not serve on {where} within "
                f"{broker.start_timeout_s:.0f} s; last lines of {layout.log_file}:\n"
                f"{log_tail(layout.log_file)}"
            )
        time.sleep(POLL_S)


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise BrokerStartError("java not found (set JAVA_HOME or put Java >= 17 on PATH)")
    return found


def _xms(heap: str) -> str:
    """``-Xms``: 256m like Kafka's scripts, or the whole heap when that is smaller."""
    match = _HEAP_RE.match(heap.strip())
    if match is None:
        raise BrokerStartError(f"heap must look like 512m or 1g, got {heap!r}")
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()]
    return heap if int(match.group(1)) * scale < MIN_XMS_BYTES else "256m"


# --- processes --------------------------------------------------------------------------------


def _broker_pid(layout: RunLayout) -> int | None:
    """The pid from the pid file if that process is alive and is our broker for this run dir."""
    try:
        pid = int(layout.pid_file.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None
    if pid <= 0:
        return None
    _reap(pid)
    if not _alive(pid) or not _is_our_broker(pid, layout):
        return None
    return pid


def _reap(pid: int) -> int | None:
    """Collect our child's exit status if it has exited; None if running or not our child."""
    try:
        done, wait_status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    if done == 0:
        return None
    return os.waitstatus_to_exitcode(wait_status)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie still "exists" for kill(0)
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _is_our_broker(pid: int, layout: RunLayout) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here: trust the pid file
        return True
    args = cmdline.split(b"\0")
    return b"kafka.Kafka" in args and str(layout.server_properties).encode() in args


def _terminate(pid: int, timeout_s: float) -> None:
    for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, KILL_WAIT_S)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            _reap(pid)
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            _reap(pid)
            if not _alive(pid):
                return
            time.sleep(0.1)
        if sig == signal.SIGTERM:
            log.warning("broker pid %d ignored SIGTERM for %.0f s; sending SIGKILL", pid, wait_s)
    raise LocalKafkaError(f"broker pid {pid} survived SIGKILL")


# --- files --------------------------------------------------------------------------------------


def _status(
    broker: LocalBroker, layout: RunLayout, pid: int | None, *, started_by_us: bool
) -> BrokerStatus:
    return BrokerStatus(
        running=probe(broker.port) == "kafka",
        pid=pid,
        bootstrap=f"{HOST}:{broker.port}",
        log_path=layout.log_file if layout.log_file.is_file() else None,
        started_by_us=started_by_us,
        run_dir=layout.run_dir,
    )


def _append_log(layout: RunLayout, text: str) -> None:
    with layout.log_file.open("a", encoding="utf-8") as fh:
        fh.write(text)
