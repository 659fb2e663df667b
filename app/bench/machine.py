"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs; results are cast where used

from app.settings import Settings


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else what platform knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def describe_machine(settings: Settings) -> dict[str, Any]:
    """CPU, cores, memory, OS, Python, package versions and the Kafka version."""
    from importlib.metadata import version

    kafka = (
        f"Apache Kafka {settings.local_broker.kafka_version} (local, KRaft)"
        if settings.uses_local_broker
        else f"external at {settings.kafka_bootstrap()}"
    )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "faust_streaming": version("faust-streaming"),
        "aiokafka": version("aiokafka"),
        "kafka": kafka,
    }
