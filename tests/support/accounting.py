"""Account for every input on the raw topic: one valid article or one dead letter each.

Inputs are the records actually on the raw topic (what the broker acknowledged), by position.
A valid article is matched to its input by URL (the test inputs have unique, already normal
URLs), a dead letter by the source position it carries. At-least-once delivery allows an input
to come out more than once after a crash or rebalance: those are reported, not failures.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka.structs import ConsumerRecord

from schemas import DeadLetter

Position = tuple[int, int]  # (partition, offset) on the raw topic


@dataclass
class Accounting:
    """What became of each input."""

    inputs: int
    valid: int  # inputs with at least one valid article
    dead_lettered: int  # inputs with at least one dead letter
    lost: list[Position] = field(default_factory=list)  # neither
    both: list[Position] = field(default_factory=list)  # a valid article AND a dead letter
    duplicates: int = 0  # outputs beyond the first per input (redeliveries)

    def summary(self) -> str:
        return (
            f"{self.inputs} inputs: {self.valid} valid, {self.dead_lettered} dead letters, "
            f"{len(self.lost)} lost, {len(self.both)} with both, "
            f"{self.duplicates} duplicate outputs (at-least-once redeliveries)"
        )


def account(
    raw: list[ConsumerRecord], valid: list[ConsumerRecord], dlq: list[ConsumerRecord]
) -> Accounting:
    """Match every raw record to its outputs."""
    url_of: dict[Position, str | None] = {}
    for record in raw:
        try:
            url = json.loads(record.value)["url"]
        except (ValueError, KeyError, TypeError):
            url = None  # not an article: only a dead letter can account for it
        url_of[(record.partition, record.offset)] = url
    valid_urls = Counter(json.loads(record.value)["url"] for record in valid)
    letters = Counter(
        (letter.source_partition, letter.source_offset)
        for letter in (DeadLetter.model_validate_json(record.value) for record in dlq)
    )
    result = Accounting(inputs=len(raw), valid=0, dead_lettered=0)
    # Inputs sharing a URL (a producer retry that wrote twice) share its valid articles.
    inputs_per_url = Counter(url for url in url_of.values() if url is not None)
    for position, url in sorted(url_of.items()):
        has_valid = url is not None and valid_urls[url] > 0
        has_letter = letters[position] > 0
        result.valid += has_valid
        result.dead_lettered += has_letter
        if not (has_valid or has_letter):
            result.lost.append(position)
        if has_valid and has_letter:
            result.both.append(position)
        result.duplicates += max(letters[position] - 1, 0)
    result.duplicates += sum(
        max(count - inputs_per_url[url], 0) for url, count in valid_urls.items()
    )
    return result


def accounted_for(count: int, raw: str, valid: str, dlq: str) -> Callable[[dict[str, Any]], bool]:
    """A ``collect`` stop condition: all ``count`` inputs are on ``raw`` and each has an output.

    Counting output records instead would stop early whenever redeliveries (duplicates) make up
    for inputs still being processed, and report those inputs as lost.
    """

    def done(records: dict[str, list[ConsumerRecord]]) -> bool:
        if len(records[raw]) < count:
            return False
        return not account(records[raw], records[valid], records[dlq]).lost

    return done
