"""Near-duplicate text across outlets: MinHash signatures (datasketch) of word shingles from the
headline and the lead of an alert.

The alert carries the headline and the body's first few hundred characters (its lead), not the
whole body. News leads say who did what, where and when: what two outlets covering one event
share. The evidence sentences (what matched the escalation rules) are the fallback for alerts
without a lead (older alerts): they describe the event too, but often also its background,
which every report about one country shares.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from app.domain.actor_lexicon import load_vocabulary
from schemas import EscalationAlert

NUM_PERM = 128
_SEED = 1
_SCHEME = "affine32"  # datasketch's default; named because shared permutations require it
_FORMAT = "2"
# Knuth's multiplicative constant: 2**32 divided by the golden ratio, odd.
_FIBONACCI = np.uint64(0x9E3779B1)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words so common in news that sharing them says nothing about the event.
_STOP = frozenset(
    """the and for that with from this have has had was were are but not its his her their
    they them who whom which what when where will would said says say also after before over
    into about than then there been more most other some such only just can could may might
    one two new year years told reuters according update""".split()
)


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Words of country names, demonyms and capitals (from the actor vocabulary).

    Alerts are compared only within one grouping key (a country), where these words are
    shared by every event: they would make two events about one country look alike.
    """
    words: set[str] = set()
    for form in load_vocabulary().forms.values():
        if form.code is not None and form.kind in ("name", "demonym", "capital"):
            words.update(m.lower() for m in _WORD.findall(form.text))
    return frozenset(words)


def shingles(alert: EscalationAlert) -> set[str]:
    """Content words (lower case, 3+ letters, no stop words) of the headline and the lead (of
    the headline and the evidence sentences when the alert has no lead)."""
    if alert.lead is not None:
        return text_shingles((alert.title, alert.lead))
    sentences = [alert.title] + [
        evidence.sentence for category in alert.categories for evidence in category.evidence
    ]
    return text_shingles(sentences)


def text_shingles(texts: Iterable[str]) -> set[str]:
    """Shingles of several texts: their content words. Single words rather than n-grams:
    outlets paraphrase (word order and phrasing differ), the names and facts stay."""
    found: set[str] = set()
    for text in texts:
        found.update(m.lower() for m in _WORD.findall(text))
    return found - _STOP - country_words()


def signature(tokens: set[str]) -> str:
    """The MinHash of a shingle set with the set's size, packed as ``2:size:base64`` for table
    state (``2``: the format); ``""`` for an empty set.

    Each hash value keeps 16 bits (b-bit MinHash), so the signature is 256 bytes instead of 512
    in every member record written. Not the low 16 bits as they come: in datasketch's affine32
    permutations ``(a * x + b) mod 2**32`` the low 16 bits depend only on the low 16 bits of the
    (mixed) token hash ``x``, so two different words whose hashes share their low 16 bits agree
    in every permutation where both are the minimum (four to six of 128 for two six-word
    headlines, an overlap estimate of 0.06 between unrelated texts). A multiplicative
    (Fibonacci) hash of the whole 32-bit value spreads it over the 16 bits kept: two different
    minima then agree by chance with probability about 2**-16."""
    if not tokens:
        return ""
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    minhash.update_batch([token.encode("utf-8") for token in sorted(tokens)])
    mixed = (minhash.hashvalues.astype(np.uint64) * _FIBONACCI) & 0xFFFFFFFF
    kept = (mixed >> 16).astype("<u2")
    packed = base64.b64encode(kept.tobytes()).decode("ascii")
    return f"{_FORMAT}:{len(tokens)}:{packed}"


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Drawing the permutations is most of a new MinHash's cost (about 1 ms, more than hashing a
    # headline's words): draw them once and hand them to every signature.
    drawn: tuple[np.ndarray, np.ndarray] = MinHash(num_perm=NUM_PERM, seed=_SEED).permutations
    return drawn


def similarity(first: str, second: str) -> float:
    """Estimated overlap coefficient |A & B| / min(|A|, |B|) of two packed signatures.

    From MinHash's Jaccard estimate J and the set sizes: |A & B| = J (|A| + |B|) / (1 + J).
    Overlap rather than Jaccard: a headline with a few evidence sentences and a bare headline
    about the same event share most of the shorter text, not of the union.
    """
    if not first or not second:
        return 0.0  # no words: never "the same text"
    format_a, size_a, packed_a = _fields(first)
    format_b, size_b, packed_b = _fields(second)
    if format_a != _FORMAT or format_b != _FORMAT:
        return 0.0  # a signature of another format (state from an older version): no match
    a = np.frombuffer(base64.b64decode(packed_a), dtype="<u2")
    b = np.frombuffer(base64.b64decode(packed_b), dtype="<u2")
    if a.size != NUM_PERM or b.size != NUM_PERM:
        return 0.0  # a signature of another format (state from an older version): no match
    jaccard = float(np.count_nonzero(a == b)) / NUM_PERM
    n_a, n_b = int(size_a), int(size_b)
    return min(1.0, jaccard * (n_a + n_b) / (1.0 + jaccard) / min(n_a, n_b))


def _fields(packed: str) -> tuple[str, str, str]:
    """Format, size and hash values of a packed signature (a format-1 one, ``size:base64``,
    has an empty format)."""
    head, _, values = packed.rpartition(":")
    version, _, size = head.rpartition(":")
    return version, size, values
