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
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations h -> a*h + b (mod 2^32, `a` odd: a bijection), seed 1.

    The same values and arithmetic as datasketch 2's MinHash (scheme "affine32") with
    hashfunc=zlib.crc32, so its signatures are bit-for-bit ours; datasketch itself imports
    SciPy, 60 MB in every crawl process for these ten lines.
    """
    generator = np.random.RandomState(1)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer: spreads CRC32's structure before the affine permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash(shingles: set[bytes]) -> np.ndarray:
    """NUM_PERM minimum hash values (uint32) of a set of shingles."""
    a, b = _permutations()
    hashes = _fmix32(np.fromiter((zlib.crc32(s) for s in shingles), dtype=np.uint32, count=len(shingles)))
    with np.errstate(over="ignore"):  # uint32 wrap-around is the modulo 2^32
        return (hashes.reshape(-1, 1) * a + b).min(axis=0)


def fingerprint(text: str) -> Fingerprint:
    norm = normalized(text)
    exact = hashlib.sha1(norm.encode("utf-8")).hexdigest()
    compact = norm.replace(" ", "")
    shingles = {compact[i : i + SHINGLE].encode("utf-8") for i in range(max(1, len(compact) - SHINGLE + 1))}
    values = minhash(shingles)
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
