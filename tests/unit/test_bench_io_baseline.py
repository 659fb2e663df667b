"""The I/O baseline publishes the worker's record shapes, each matched to its own input."""

from __future__ import annotations

from app.bench.corpus import MALFORMED_EVERY, correlation_of, load_corpus
from app.bench.io_baseline import outputs_for, stand_in
from app.bench.shapes import Shape

SHAPES: dict[str, list[Shape]] = {
    "article": [[("valid", 21, 900), ("tagged", 21, 1200), ("alerts", 36, 700)]],
    "malformed": [[("dlq", 27, 500)] for _ in range(4)],
}


def test_every_output_names_its_own_input_at_any_sequence_number() -> None:
    corpus = load_corpus(None, synthetic_count=5)
    for seq in (0, 7, 12_345, 99_999):
        raw = corpus.payload("bench-0123abcd-tput", seq)
        outputs = outputs_for(raw, f"bench-0123abcd-tput.raw/1/{seq}", SHAPES)
        malformed = seq % MALFORMED_EVERY == MALFORMED_EVERY - 1
        assert [topic for topic, _, _ in outputs] == (
            ["dlq"] if malformed else ["valid", "tagged", "alerts"]
        )
        for topic, key, value in outputs:
            assert correlation_of(value) == ("bench-0123abcd-tput", seq)
            if topic in ("valid", "tagged"):
                assert key == f"bench-0123abcd-tput-{seq}".encode()
            if topic == "alerts":
                assert correlation_of(key) == ("bench-0123abcd-tput", seq)
                assert len(key) == 36


def test_stand_in_values_have_the_requested_size() -> None:
    for size in (10, 60, 5_000):
        assert len(stand_in(b"bench-0123abcd-tput-1", b"x" * 100, size)) == size
