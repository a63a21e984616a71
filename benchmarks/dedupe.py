"""How the duplicate check scales: time per new article at 10k, 50k and 200k stored articles.

Builds an archive of synthetic articles through the real `Archive.save` (alias, exact hash,
MinHash and LSH bands, the story link) and times, at each size, the save of a batch of new
articles — a few of them near copies of stored stories — and reports the database size.
The check looks candidates up in LSH buckets, so its time should stay flat as the archive grows.

    python benchmarks/dedupe.py [--sizes 10000,50000,200000] [--batch 200] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.store import Archive  # noqa: E402

SYLLABLES = (
    "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초코토포호구누두루무부수우주추"
)
WORDS = [
    "정부",
    "시장",
    "금리",
    "수출",
    "기업",
    "투자",
    "지원",
    "정책",
    "발표",
    "계획",
    "규모",
    "확대",
    "경제",
    "산업",
]


def sentence(rng: random.Random) -> str:
    words = [
        rng.choice(WORDS) + "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        for _ in range(12)
    ]
    return " ".join(words) + f" {rng.randint(1, 9999)}억 원 규모다."


def article(rng: random.Random, index: int, source: str = "bench") -> dict:
    body = "".join(f"<p>{' '.join(sentence(rng) for _ in range(3))}</p>" for _ in range(6))
    return {
        "url": f"https://{source}.example/news/{index}",
        "source": source,
        "title": " ".join(sentence(rng).split()[:6]),
        "published": f"2024-{1 + index % 12:02d}-{1 + index % 28:02d}T{index % 24:02d}:00:00+00:00",
        "body_html": body,
        "categories": ["News"],
    }


def near_copy(original: dict, index: int) -> dict:
    body = original["body_html"].replace("</p><p>", "</p>\n<p>", 1).rsplit("<p>", 1)[0]  # last paragraph cut
    return dict(original, url=f"https://wire.example/copy/{index}", source="wire", body_html=body,
                title=original["title"] + " (종합)")  # fmt: skip


def fill(archive: Archive, rng: random.Random, start: int, stop: int, kept: list[dict]) -> None:
    for index in range(start, stop):
        record = article(rng, index)
        archive.save(record)
        if index % 997 == 0:
            kept.append(record)


def measure(
    archive: Archive, rng: random.Random, size: int, batch: int, kept: list[dict]
) -> tuple[float, int]:
    """Milliseconds per save of a new article (one in ten a near copy) and copies found."""
    timings, merged = [], 0
    for offset in range(batch):
        if offset % 10 == 0 and kept:
            record = near_copy(rng.choice(kept), size * 10 + offset)
        else:
            record = article(rng, 10_000_000 + size + offset, source="fresh")
        started = time.perf_counter()
        archive.save(record)
        timings.append((time.perf_counter() - started) * 1000)
        merged += archive.last_merge is not None
    return statistics.median(timings), merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,200000")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = tempfile.TemporaryDirectory()
    path = args.db or Path(folder.name) / "bench.db"
    rng = random.Random(20241125)
    archive = Archive(path)
    kept: list[dict] = []
    stored = 0
    print(f"{'archive':>9} {'ms/new article':>15} {'near copies found':>18} {'db MB':>7} {'fill s':>7}")
    for size in sizes:
        started = time.perf_counter()
        fill(archive, rng, stored, size, kept)
        fill_seconds = time.perf_counter() - started
        stored = size
        median_ms, merged = measure(archive, rng, size, args.batch, kept)
        megabytes = path.stat().st_size / 1e6 + (
            Path(f"{path}-wal").stat().st_size / 1e6 if Path(f"{path}-wal").exists() else 0
        )
        found = f"{merged}/{args.batch // 10}"
        print(f"{size:>9} {median_ms:>15.2f} {found:>18} {megabytes:>7.0f} {fill_seconds:>7.0f}", flush=True)
    archive.close()


if __name__ == "__main__":
    main()
