"""Export at scale: a full export of a large archive, then the re-export after 10 new articles.

Fills an archive with synthetic articles (inserted in bulk: this measures the export, not the
crawl), exports everything once, adds 10 articles through the real `Archive.save`, and exports
again. The feeds are built from the latest entries only and posts are written incrementally
(a manifest remembers what each post was made from), so the second export should take seconds.

    python benchmarks/export.py [--articles 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.store import ARTICLES, Archive, _content_hash, article_id  # noqa: E402
from exporters.run import ExportOptions, export_all  # noqa: E402

WORDS = "정부 시장 금리 수출 기업 투자 지원 정책 발표 계획 규모 확대 경제 산업 economy market policy".split()


def synthetic(rng: random.Random, index: int) -> dict:
    text = " ".join(rng.choice(WORDS) for _ in range(60))
    body = "\n".join(f"<p>{text} {index} {n}.</p>" for n in range(5))
    url = f"https://bench.example/news/{index}"
    day = f"20{20 + index % 5}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    row = {
        "url": url, "source": f"source-{index % 20}", "title": f"{rng.choice(WORDS)} 기사 {index}",
        "published": f"{day}T{index % 24:02d}:00:00+00:00", "language": "ko",
        "authors": json.dumps(["홍길동"], ensure_ascii=False), "keywords": "[]",
        "categories": json.dumps([["News", "Business"][index % 2]]), "excerpt": text[:200], "body_html": body,
    }  # fmt: skip
    row["content_hash"] = _content_hash(row)
    row.update(id=article_id(url), first_seen=row["published"], updated_at=row["published"])
    return row


def timed_export(archive: Archive, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = export_all(archive, ExportOptions(out_dir=out))
    return time.perf_counter() - started, len(result.written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(Path(folder) / "news.db")
        started = time.perf_counter()
        archive.db[ARTICLES].insert_all((synthetic(rng, i) for i in range(args.articles)), batch_size=2000)
        print(f"archive of {args.articles} articles filled in {time.perf_counter() - started:.0f} s")
        out = Path(folder) / "site"
        full, written = timed_export(archive, out)
        peak_full = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"full export:        {full:7.1f} s, {written} files written, peak RSS {peak_full:.0f} MB")
        for index in range(args.articles, args.articles + 10):
            record = synthetic(rng, index)
            record.update(published="2026-01-01T00:00:00+00:00", authors=["홍길동"], categories=["News"])
            archive.save(record)
        again, written = timed_export(archive, out)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"after 10 new ones:  {again:7.1f} s, {written} files written, peak RSS {peak:.0f} MB")
        archive.close()


if __name__ == "__main__":
    main()
