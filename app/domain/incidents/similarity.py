"""Near-duplicate text across outlets: MinHash signatures (datasketch) of word shingles from the
headline and the lead of an alert.

The alert carries the headline and the body's first few hundred characters (its lead), not the
whole body. News leads say who did what, where and when: what two outlets covering one event
share. The evidence sentences (what matched the escalation rules) are the fallback for alerts
without a lead (older alerts): they describe the event too, but often also its background,
which every report about one country shares.

Two reports of one event also share a word of a headline: each headline says what happened,
and the other report names it too (the place, the person, the act). A pair whose headlines
share no word with the other report is not grouped however alike the leads are: a site whose
pages all carry the same lead-in (a scraped banner or a "top story" box) gives unrelated
articles identical leads.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from app.domain.actor_lexicon import load_vocabulary
from schemas import EscalationAlert

NUM_PERM = 128
_SEED = 1
_SCHEME = "affine32"  # datasketch's default; named because shared permutations require it
_FORMAT = "3"
# Marks a headline word among the shingles (a word of the headline is also a plain shingle).
HEADLINE_MARK = "^"
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
    the headline and the evidence sentences when the alert has no lead), and each headline
    word once more with ``HEADLINE_MARK`` in front (for the headline check, not hashed)."""
    headline = text_shingles((alert.title,))
    if alert.lead is not None:
        words = headline | text_shingles((alert.lead,))
    else:
        sentences = [
            evidence.sentence for category in alert.categories for evidence in category.evidence
        ]
        words = headline | text_shingles(sentences)
    return words | {HEADLINE_MARK + word for word in headline}


def text_shingles(texts: Iterable[str]) -> set[str]:
    """Shingles of several texts: their content words. Single words rather than n-grams:
    outlets paraphrase (word order and phrasing differ), the names and facts stay."""
    found: set[str] = set()
    for text in texts:
        found.update(m.lower() for m in _WORD.findall(text))
    return found - _STOP - country_words()


def signature(tokens: set[str]) -> str:
    """The MinHash of a shingle set with the set's size and its words' short hashes, packed
    as ``3:size:minhash:headline:words`` (each part base64) for table state (``3``: the
    format); ``""`` for a set without words.

    Each MinHash value keeps 16 bits (b-bit MinHash), so that part is 256 bytes instead of 512
    in every member record written. Not the low 16 bits as they come: in datasketch's affine32
    permutations ``(a * x + b) mod 2**32`` the low 16 bits depend only on the low 16 bits of the
    (mixed) token hash ``x``, so two different words whose hashes share their low 16 bits agree
    in every permutation where both are the minimum (four to six of 128 for two six-word
    headlines, an overlap estimate of 0.06 between unrelated texts). A multiplicative
    (Fibonacci) hash of the whole 32-bit value spreads it over the 16 bits kept: two different
    minima then agree by chance with probability about 2**-16.

    The words themselves are kept as 16-bit hashes (the headline's, and all of them: about
    70 bytes for a headline and a lead), for the headline check in ``similarity``; two
    different words collide with probability 2**-16."""
    words = sorted(token for token in tokens if not token.startswith(HEADLINE_MARK))
    if not words:
        return ""
    headline = sorted(token[len(HEADLINE_MARK) :] for token in tokens - set(words))
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    minhash.update_batch([word.encode("utf-8") for word in words])
    mixed = (minhash.hashvalues.astype(np.uint64) * _FIBONACCI) & 0xFFFFFFFF
    parts = [(mixed >> 16).astype("<u2"), _word_hashes(headline), _word_hashes(words)]
    packed = ":".join(base64.b64encode(part.tobytes()).decode("ascii") for part in parts)
    return f"{_FORMAT}:{len(words)}:{packed}"


def _word_hashes(words: Iterable[str]) -> np.ndarray:
    """16 bits of each word's CRC-32, sorted and unique (a checksum is enough to tell about 40
    words apart, and costs a fraction of a cryptographic hash)."""
    return np.array(sorted({zlib.crc32(w.encode("utf-8")) & 0xFFFF for w in words}), "<u2")


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Drawing the permutations is most of a new MinHash's cost (about 1 ms, more than hashing a
    # headline's words): draw them once and hand them to every signature.
    drawn: tuple[np.ndarray, np.ndarray] = MinHash(num_perm=NUM_PERM, seed=_SEED).permutations
    return drawn


def similarity(first: str, second: str) -> float:
    """Estimated overlap coefficient |A & B| / min(|A|, |B|) of two packed signatures; 0.0
    when neither headline shares a word with the other text.

    From MinHash's Jaccard estimate J and the set sizes: |A & B| = J (|A| + |B|) / (1 + J).
    Overlap rather than Jaccard: a headline with a few evidence sentences and a bare headline
    about the same event share most of the shorter text, not of the union.
    """
    a, b = _unpack(first), _unpack(second)
    if a is None or b is None:
        return 0.0  # no words, or a signature of another format (older state): no match
    size_a, minhash_a, headline_a, words_a = a
    size_b, minhash_b, headline_b, words_b = b
    jaccard = float(np.count_nonzero(minhash_a == minhash_b)) / NUM_PERM
    if jaccard == 0.0 or (headline_a.isdisjoint(words_b) and headline_b.isdisjoint(words_a)):
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / (1.0 + jaccard) / min(size_a, size_b))


@lru_cache(maxsize=4096)
def _unpack(packed: str) -> tuple[int, np.ndarray, frozenset[int], frozenset[int]] | None:
    """Size, MinHash values, headline and word hashes of a packed signature; None for an
    empty one or one of another format (``2:size:minhash`` or ``size:minhash`` before).
    Cached: an alert is compared with the same recent members' signatures again and again."""
    fields = packed.split(":")
    if len(fields) != 5 or fields[0] != _FORMAT:
        return None
    minhash = np.frombuffer(base64.b64decode(fields[2]), dtype="<u2")
    if minhash.size != NUM_PERM:
        return None
    headline, words = (
        frozenset(np.frombuffer(base64.b64decode(field), dtype="<u2").tolist())
        for field in fields[3:]
    )
    return int(fields[1]), minhash, headline, words
