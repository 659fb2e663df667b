"""Reading the workers' Prometheus /metrics: stage timings and whether every stage caught up.

Optional by design: a worker without the web views gives None and the harness goes on.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.error
import urllib.request
from collections import defaultdict

_SAMPLE = re.compile(r"^(brinkwatch_[a-z_]+)\{([^}]*)\} ([0-9.eE+-]+)$")
_LABEL = re.compile(r'(\w+)="([^"]*)"')
Samples = list[tuple[str, dict[str, str], float]]


def scrape(web_port: int) -> Samples | None:
    """brinkwatch's samples from a worker's /metrics, or None if it does not serve them."""
    url = f"http://127.0.0.1:{web_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    except (urllib.error.URLError, OSError):
        return None
    samples = []
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            labels = dict(_LABEL.findall(match.group(2)))
            samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def stage_seconds(ports: list[int]) -> dict[str, dict[str, float]] | None:
    """``brinkwatch_stage_seconds`` sum and count per stage, added over the workers."""
    stages: dict[str, dict[str, float]] = defaultdict(lambda: {"sum": 0.0, "count": 0.0})
    for port in ports:
        for name, labels, value in scrape(port) or []:
            for suffix in ("sum", "count"):
                if name == f"brinkwatch_stage_seconds_{suffix}":
                    stages[labels["stage"]][suffix] += value
    return dict(stages) or None


def _stages_caught_up(ports: list[int]) -> bool | None:
    """True when every tagged article was also run through detection (None: no metrics)."""
    handled: dict[tuple[str, str], float] = defaultdict(float)
    seen = False
    for port in ports:
        for name, labels, value in scrape(port) or []:
            if name == "brinkwatch_messages_total":
                seen = True
                handled[labels["stage"], labels["outcome"]] += value
    if not seen:
        return None
    detected = sum(v for (stage, _), v in handled.items() if stage == "detect")
    return detected >= handled["tag", "ok"]


async def wait_stages_drained(ports: list[int], timeout_s: float = 600.0) -> float | None:
    """Wait until detection caught up with tagging; return that moment (epoch s).

    In the staged topology the detect agent consumes the tagged topic, so the last tagged
    record leaves before the last article is fully processed. None without /metrics.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        caught_up = await asyncio.to_thread(_stages_caught_up, ports)
        if caught_up is None:
            return None
        if caught_up:
            return time.time()
        await asyncio.sleep(0.1)
    return None
