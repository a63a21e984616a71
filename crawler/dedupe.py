"""Story fingerprints: exact copies by a hash of the normalized text, near copies by MinHash.

Pure functions: the store keeps the signatures and LSH bands in SQLite and hands rows in.
Near copies are found through LSH buckets, so the cost of a check depends on how many
candidates share a bucket, not on the size of the archive. Character 5-grams work for Korean,
whose words change shape with particles, as well as for English.

Templated stories (weather, stock prices, results) are near-identical text with different
numbers: they are kept apart by a minimum length, by the numbers they print, and by their
headlines, which must agree too.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

MIN_EXACT_LENGTH = 20  # characters: below this even identical texts are not called one story
NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs above ~0.5 Jaccard usually share a bucket
ROWS = NUM_PERM // BANDS
SHINGLE = 5
WORD_RE = re.compile(r"\w+")
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Fingerprint:
    exact: str  # sha1 of the normalized text
    signature: bytes  # MinHash hash values, uint32, NUM_PERM of them
    bands: tuple[int, ...]  # one bucket key per band (64-bit, band number mixed in)
    length: int  # characters of normalized text


def normalized(text: str) -> str:
    """Lower-case words joined by single spaces: punctuation and markup spacing do not count."""
    return " ".join(WORD_RE.findall(text.casefold()))


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)


def fingerprint(text: str) -> Fingerprint:
    norm = normalized(text)
    exact = hashlib.sha1(norm.encode("utf-8")).hexdigest()
    compact = norm.replace(" ", "")
    shingles = {compact[i : i + SHINGLE].encode("utf-8") for i in range(max(1, len(compact) - SHINGLE + 1))}
    template = _template()
    minhash = MinHash(
        num_perm=NUM_PERM,
        seed=1,
        hashfunc=zlib.crc32,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    minhash.update_batch(list(shingles))
    values = minhash.hashvalues.astype(np.uint32)
    bands = tuple(_bucket(band, values[band * ROWS : (band + 1) * ROWS]) for band in range(BANDS))
    return Fingerprint(exact, values.tobytes(), bands, len(compact))


def _bucket(band: int, rows: np.ndarray) -> int:
    """A signed 64-bit key (what SQLite stores as an integer) for one band of a signature."""
    digest = hashlib.blake2b(bytes([band]) + rows.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets."""
    a = np.frombuffer(signature_a, dtype=np.uint32)
    b = np.frombuffer(signature_b, dtype=np.uint32)
    return float(np.count_nonzero(a == b)) / NUM_PERM


def numbers(text: str) -> set[str]:
    return set(NUMBER_RE.findall(text))


def headline_agreement(title_a: str, title_b: str) -> float:
    """Jaccard of character bigrams: rewritten wire headlines still share most of their words."""
    a, b = _bigrams(title_a), _bigrams(title_b)
    return len(a & b) / len(a | b) if a and b else 0.0


def _bigrams(text: str) -> set[str]:
    compact = normalized(text).replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


@dataclass(frozen=True)
class Policy:
    threshold: float = 0.8  # estimated Jaccard of 5-gram sets for a near copy
    min_length: int = 200  # characters without spaces (a short Korean story); shorter: only exact copies
    min_headline_agreement: float = 0.2
    min_number_agreement: float = 0.6  # of the numbers printed, when either prints three or more


def same_story(policy: Policy, new: dict, old: dict, score: float) -> bool:
    """Whether a candidate with MinHash similarity `score` is the same story, guards included.

    `new` and `old` carry `title`, `text` (plain body) and `length` (normalized characters).
    """
    if score < policy.threshold or min(new["length"], old["length"]) < policy.min_length:
        return False
    if headline_agreement(new["title"], old["title"]) < policy.min_headline_agreement:
        return False
    new_numbers, old_numbers = numbers(new["text"]), numbers(old["text"])
    if max(len(new_numbers), len(old_numbers)) >= 3:
        agreement = len(new_numbers & old_numbers) / len(new_numbers | old_numbers)
        if agreement < policy.min_number_agreement:
            return False
    return True
