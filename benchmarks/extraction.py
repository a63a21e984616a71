"""Extraction accuracy: our extractor and open-source anchors, same pages, each set's README metric.

    python benchmarks/extraction.py --board [--sets a,b] [--ours-only] [--json FILE]
    python benchmarks/extraction.py --diff REV [--sets a,b] [--json FILE]
    python benchmarks/extraction.py FOLDER [--json FILE] [--limit N] [--half even|odd|all]
    python benchmarks/extraction.py --origins-from SET --half even

`--board` runs the development board, the five sets in ../shared/benchmarks/ (declared in
`_sets.py`), and prints one table: per set and field, ours beside every anchor, each figure
also held out by site (on the pages of sites no rule was written from, `rule_origins.toml`),
a verdict line per set, and the Korean floors. FOLDER runs one folder of either layout.
`--diff REV` runs ours at commit REV and now on the same pages and lists the pages whose
score moved. Every extractor gets the same decoded HTML text; only its own call is timed.
Anchors' results are cached in benchmarks/.cache/ (`--no-cache` recomputes and re-times them).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tarfile
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _extractors as extractors  # noqa: E402
import _scoring as scoring  # noqa: E402
import _sets as sets  # noqa: E402

FIELDS = {
    "shingles": ["body_f1", "body_precision", "body_recall", "title", "date", "date_minute", "authors_f1",
                 "image", "image_file"],
    "snippets": ["snippet_f1", "with", "without", "title", "authors_f1", "date"],
}  # fmt: skip
HEADERS = {
    "body_f1": "body F1", "body_precision": "body P", "body_recall": "body R", "snippet_f1": "snippet F1",
    "with": "with found", "without": "without abs", "title": "headline", "date": "date day",
    "date_minute": "date min", "authors_f1": "authors F1", "image": "image URL", "image_file": "image file",
    "pages_per_s": "pages/CPU s",
}  # fmt: skip
# The fields the board verdict compares (precision and recall alone trade against each other).
VERDICT = ["body_f1", "snippet_f1", "title", "date", "date_minute", "authors_f1", "image", "image_file"]
# The output key a field needs: an extractor that never gives it has no figure ("-").
NEEDS = {"title": "title", "date": "date", "date_minute": "date", "authors_f1": "authors",
         "image": "image", "image_file": "image"}  # fmt: skip
KOREAN_FLOORS = {"body_f1": 0.93, "title": 0.95, "date_minute": 0.95, "authors_f1": 0.85, "image_file": 0.93}
HELD_OUT_SLACK = 0.02


# ---------------------------------------------------------------- scoring one page


def scored_text(board_set: sets.BoardSet, fields: dict[str, Any]) -> str:
    """The text a set scores: with or without the standfirst (declared per set), comments where counted."""
    body = fields.get("body") or ""
    standfirst = fields.get("standfirst")
    if standfirst is not None:  # ours, once extraction gives the standfirst as a field of its own
        lines = body.split("\n")
        if lines and " ".join(lines[0].split()) == " ".join(standfirst.split()):
            body = "\n".join(lines[1:])  # it still opens the body: counted once, where declared
        if board_set.standfirst and standfirst.strip():
            body = f"{standfirst}\n{body}"
    if board_set.comments and fields.get("comments"):
        body += "\n" + fields["comments"]
    return body


def page_figures(board_set: sets.BoardSet, truth: dict[str, Any], url: str, fields: dict[str, Any]) -> dict:
    """The README figures of one page; a field the truth leaves empty is absent."""
    text = scored_text(board_set, fields)
    figures: dict[str, Any] = {}
    if board_set.body == "snippets":
        figures["with"], figures["without"] = scoring.snippet_shares(
            text, truth.get("with") or [], truth.get("without") or []
        )
    else:
        figures["body_counts"] = scoring.body_counts(truth.get("body_text"), text)
    if truth.get("title") is not None:
        figures["title"] = float(scoring.same_title(truth["title"], fields.get("title")))
    if truth.get("publishing_date"):
        expected, _ = scoring.as_datetime(truth["publishing_date"])
        got, has_time = scoring.as_datetime(fields.get("date"))
        figures["date"] = float(scoring.same_day(expected, got))
        if truth.get("publishing_date_precision") != "day":
            figures["date_minute"] = float(scoring.same_minute(expected, got, has_time))
    if truth.get("authors") is not None:
        names = [name for name in fields.get("authors") or [] if isinstance(name, str)]
        figures["authors_f1"] = scoring.authors_f1(truth["authors"], names)
    if truth.get("cover_image_urls"):
        url_ok, file_ok = scoring.image_matches(truth["cover_image_urls"], fields.get("image"), url)
        figures["image"], figures["image_file"] = float(url_ok), float(file_ok)
    return figures


def page_scores(figures: dict[str, Any]) -> dict[str, float]:
    """One page's figures as plain numbers (body F1 of the page, snippet F1 of the page): for --diff."""
    scores = {k: v for k, v in figures.items() if k != "body_counts"}
    if "body_counts" in figures:
        scores["body_f1"] = scoring.page_f1(*figures["body_counts"])
    if "with" in figures:
        found, absent = figures["with"], figures["without"]
        scores["snippet_f1"] = 2 * found * absent / (found + absent) if found + absent else 0.0
    return scores


def aggregate(layout: str, pages: list[dict[str, Any]], produced: set[str]) -> dict[str, Any]:
    """The set's figures over some pages: README means, `n` pages per field, pages per second."""
    result: dict[str, Any] = {"n": {}}
    if layout == "snippets":
        result.update(
            scoring.snippet_scores([(p["figures"]["with"], p["figures"]["without"]) for p in pages])
        )
        for key in ("snippet_f1", "with", "without"):
            result["n"][key] = len(pages)
    else:
        result.update(scoring.body_scores([p["figures"]["body_counts"] for p in pages]) if pages else {})
        for key in ("body_f1", "body_precision", "body_recall"):
            result["n"][key] = len(pages)
    for key in FIELDS[layout]:
        if key in NEEDS:
            values = [p["figures"][key] for p in pages if key in p["figures"]]
            result["n"][key] = len(values)
            result[key] = sum(values) / len(values) if values and NEEDS[key] in produced else None
    cpu = sum(p["cpu"] for p in pages)
    result["pages_per_s"] = len(pages) / cpu if cpu else None
    return result


# ---------------------------------------------------------------- running


def run_all(
    chosen: list[sets.BoardSet], names: list[str], args: argparse.Namespace, roots: dict[str, str | None]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, float | None]]]:
    """Every (set, extractor) in worker processes, and the paired speed of ours and trafilatura
    per set ({set: {name: pages per CPU second}}, where both run); `roots` maps a result name to
    the crawler it imports."""
    context = multiprocessing.get_context("spawn")  # a fresh import of the crawler in each worker
    pools: dict[str | None, ProcessPoolExecutor] = {}
    workers = max(1, args.workers // len(set(roots.values())))
    for root in dict.fromkeys(roots.values()):
        pools[root] = ProcessPoolExecutor(workers, mp_context=context, initializer=extractors.init_worker,
                                          initargs=(root,))  # fmt: skip
    size = {s.name: len(sets.load_records(s, args.half, args.limit)) for s in chosen}
    jobs = sorted(
        ((s, label, name) for s in chosen for label, name in names_for(names, roots)),
        key=lambda job: -size[job[0].name] * (1 if job[2] == "ours" else 2),
    )
    futures = []
    for board_set, label, name in jobs:
        task = (board_set, args.half, args.limit, name, reads_cache(name, args))
        futures.append((label, pools[roots.get(label)].submit(extractors.work, *task)))
    paired = []
    if "ours" in names and "trafilatura" in names and list(roots) == ["ours"]:
        for board_set in chosen:  # the speed verdict: ours and trafilatura's default page by page
            task = (board_set, args.half, args.limit, ("ours", "trafilatura"))
            paired.append(pools[None].submit(extractors.paired_speed, *task))
    results, speeds = [], {}
    order = [label for label, _ in names_for(names, roots)]
    futures.sort(key=lambda job: order.index(job[0]))  # the table's columns: ours first
    try:
        for label, future in futures:
            result = future.result()
            result["extractor"] = label
            results.append(result)
        for future in paired:
            timing = future.result()
            speeds[timing["set"]] = {
                name: timing["pages"] / cpu if cpu else None for name, cpu in timing["cpu"].items()
            }
    finally:
        for pool in pools.values():
            pool.shutdown(cancel_futures=True)
    return results, speeds


def reads_cache(name: str, args: argparse.Namespace) -> bool:
    """Whether an anchor's cached pages are used (ours is never cached; --fresh and --no-cache re-time)."""
    return name != "ours" and args.cache and name not in (args.fresh or "").split(",")


def names_for(names: list[str], roots: dict[str, str | None]) -> list[tuple[str, str]]:
    """(result label, extractor name): ours once per crawler version, each anchor once."""
    pairs = []
    for name in names:
        if name == "ours":
            pairs += [(label, "ours") for label in roots]
        else:
            pairs.append((name, name))
    return pairs


def score(
    chosen: list[sets.BoardSet], results: list[dict], args: argparse.Namespace,
    speeds: dict[str, dict[str, float | None]] | None = None,
) -> dict[str, Any]:
    """{set: {"pages", "held_out_pages", "extractors": {label: {"full", "held_out", "pages"}}}, notes}."""
    origins = sets.rule_origins()
    board: dict[str, Any] = {"sets": {}, "notes": []}
    for board_set in chosen:
        records = sets.load_records(board_set, args.half, args.limit)
        listed = origins.get(board_set.name, set())
        held = [r for r in records if r.site not in listed]
        entry = {
            "pages": len(records), "sites": len({r.site for r in records}),
            "held_out_pages": len(held), "held_out_sites": len({r.site for r in held}),
            "standfirst": board_set.standfirst, "note": board_set.note, "extractors": {},
        }  # fmt: skip
        if (speeds or {}).get(board_set.name):
            entry["paired_speed"] = speeds[board_set.name]
        for result in (r for r in results if r["set"] == board_set.name):
            if result["note"]:
                if result["note"] not in board["notes"]:
                    board["notes"].append(result["note"])
                continue
            pages = {}
            for record in records:
                run = result["pages"][record.name]
                pages[record.name] = {
                    "site": record.site, "seconds": run["seconds"], "cpu": run["cpu"],
                    "fields": run["fields"],
                    "figures": page_figures(board_set, record.truth, record.url, run["fields"]),
                }  # fmt: skip
            produced = {key for page in pages.values() for key in page["fields"]}
            entry["extractors"][result["extractor"]] = {
                "version": result["version"], "cached_pages": result["cached"],
                "full": aggregate(board_set.body, list(pages.values()), produced),
                "held_out": aggregate(board_set.body, [pages[r.name] for r in held], produced),
                "pages": {name: {"site": p["site"], "seconds": p["seconds"], "cpu": p["cpu"],
                                 **page_scores(p["figures"])}
                          for name, p in pages.items()},
            }  # fmt: skip
        board["sets"][board_set.name] = entry
    return board


# ---------------------------------------------------------------- printing


def fmt(value: float | None, width: int, digits: int = 3) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def board_table(board: dict[str, Any]) -> str:
    """One table: per set, per field, every extractor's figure and its held-out figure below it."""
    out = []
    for set_name, entry in board["sets"].items():
        labels = list(entry["extractors"])
        if not labels:
            continue
        heads = [extractors.EXTRACTORS.get(label, (None, None, label))[2] for label in labels]
        width = max(10, *(len(h) + 2 for h in heads))
        layout = (
            "snippets" if "snippet_f1" in next(iter(entry["extractors"].values()))["full"] else "shingles"
        )
        held_differs = entry["held_out_pages"] != entry["pages"]
        out.append("")
        out.append(
            f"== {set_name}: {entry['pages']} pages of {entry['sites']} sites; held out: "
            + (f"{entry['held_out_pages']} pages of {entry['held_out_sites']} sites no rule was written from"
               if held_differs else "all (rule_origins.toml lists no site of this set)")
            + f"; body scored {'with standfirst + body' if entry['standfirst'] else 'without the standfirst'}"
        )  # fmt: skip
        if entry["note"]:
            out.append(f"   ({entry['note']})")
        out.append(f"{'field':<13}{'n':>5}" + "".join(f"{h:>{width}}" for h in heads))
        first = entry["extractors"][labels[0]]["full"]
        for key in [*FIELDS[layout], "pages_per_s"]:
            if key != "pages_per_s" and not first["n"].get(key):
                continue  # no page of the set has this truth
            digits = 1 if key == "pages_per_s" else 3
            rows = [("full", HEADERS[key])]
            if held_differs and key != "pages_per_s":
                rows.append(("held_out", "  held out"))
            for part, title in rows:
                n = entry["extractors"][labels[0]][part]["n"].get(
                    key, entry[f"{'held_out_' if part == 'held_out' else ''}pages"]
                )
                cells = "".join(
                    fmt(entry["extractors"][label][part].get(key), width, digits) for label in labels
                )
                out.append(f"{title:<13}{n:>5}{cells}")
        out.extend(verdicts(set_name, entry, held_differs))
    return "\n".join(out)


def verdicts(set_name: str, entry: dict[str, Any], held_differs: bool) -> list[str]:
    """The set's board line (ours >= every anchor per field), speed, held-out slack, floors."""
    extractors_ = entry["extractors"]
    if "ours" not in extractors_:
        return []
    lines = []
    parts = [("full", "board")] + ([("held_out", "board held out")] if held_differs else [])
    for part, title in parts:
        ours = extractors_["ours"][part]
        cells = []
        for key in VERDICT:
            if ours.get(key) is None:
                continue
            beaten = [
                f"{extractors.EXTRACTORS.get(label, (0, 0, label))[2]} {scores[part][key]:.3f}"
                for label, scores in extractors_.items()
                if label != "ours" and not label.startswith("ours")
                and scores[part].get(key) is not None and scores[part][key] > ours[key] + 1e-9
            ]  # fmt: skip
            cells.append(f"{HEADERS[key]} {'yes' if not beaten else 'NO (' + ', '.join(beaten) + ')'}")
        lines.append(f"{title}: " + "; ".join(cells))
    paired = entry.get("paired_speed")
    if paired and paired.get("ours") and paired.get("trafilatura"):
        ours_speed, theirs = paired["ours"], paired["trafilatura"]
        lines.append(
            f"speed: ours {ours_speed:.1f} pages per CPU second, trafilatura {theirs:.1f}: no slower "
            f"{'yes' if ours_speed >= theirs else 'NO'} (paired: both on each page in turn, one process)"
        )
    elif "trafilatura" in extractors_:
        ours_speed = extractors_["ours"]["full"]["pages_per_s"]
        theirs = extractors_["trafilatura"]["full"]["pages_per_s"]
        if ours_speed and theirs:
            verdict = "yes" if ours_speed >= theirs else "NO"
            when = (
                "trafilatura from the cache, timed in an earlier run; --fresh trafilatura re-times it"
                if extractors_["trafilatura"]["cached_pages"]
                else "same run"
            )
            lines.append(
                f"speed: ours {ours_speed:.1f} pages per CPU second, trafilatura {theirs:.1f}: "
                f"no slower {verdict} ({when})"
            )
    if held_differs:
        full, held = extractors_["ours"]["full"], extractors_["ours"]["held_out"]
        slips = [
            f"{HEADERS[k]} {full[k]:.3f} -> {held[k]:.3f}"
            for k in VERDICT
            if full.get(k) is not None and held.get(k) is not None and held[k] < full[k] - HELD_OUT_SLACK
        ]
        lines.append(
            f"held out within {HELD_OUT_SLACK} of full: "
            + ("yes" if not slips else "NO: " + "; ".join(slips))
        )
    if set_name == "korean-news":
        for part, title in (("full", "floors"), ("held_out", "floors held out"))[: 2 if held_differs else 1]:
            ours = extractors_["ours"][part]
            cells = []
            for key, floor in KOREAN_FLOORS.items():
                if ours.get(key) is None and not ours["n"].get(key):
                    cells.append(f"{HEADERS[key]} not scored (no page with it)")
                    continue
                verdict = "pass" if (ours.get(key) or 0) >= floor else "FAIL"
                cells.append(f"{HEADERS[key]} {fmt(ours.get(key), 0)} >= {floor} {verdict}")
            lines.append(f"{title}: " + "; ".join(cells))
    return lines


def notes(board: dict[str, Any]) -> list[str]:
    lines = list(board["notes"])
    reused: dict[str, int] = {}
    for entry in board["sets"].values():
        for label, result in entry["extractors"].items():
            if result["cached_pages"]:
                reused[label] = reused.get(label, 0) + result["cached_pages"]
    if reused:
        lines.append(
            "anchors' figures and timings from the cache for "
            + ", ".join(f"{label} ({n} pages)" for label, n in reused.items())
            + ": timed in the run that filled it (--no-cache to time every extractor in this run)"
        )
    names = {label for e in board["sets"].values() for label in e["extractors"]}
    if "goose3" in names:
        lines.append("goose3: no lead image (it picks one by downloading the candidates; no network here)")
    if "newspaper4k" in names:
        lines.append(
            "newspaper4k: Korean pages run with its English rules (its Korean tokenizer wants NLTK data "
            "that cannot be fetched here), which finds little or no Korean body"
        )
    if "readability-lxml" in names:
        lines.append("readability-lxml: body and title only (it gives no byline, date or image)")
    lines.append(
        "columns: traf = trafilatura default (comments in), traf-prec/-rec = favor_precision/favor_recall, "
        "traf-nocom = include_comments=False, readab = readability-lxml, np4k = newspaper4k"
    )
    lines.append(
        "trafilatura-eval: the README's per-page mean rule (not its evaluate.py's pooled counts); "
        "the text is the main text without title and reader comments"
    )
    lines.append(f"held out: pages of sites not listed in {sets.ORIGINS.relative_to(ROOT)} for the set")
    return lines


def revision() -> str:
    """The commit the run measures, and whether crawler/ differs from it."""

    def git(*command: str) -> str:
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "crawler")
    return head + (" + uncommitted changes in crawler/" if dirty else "")


# ---------------------------------------------------------------- --diff


def checkout_crawler(rev: str, into: Path) -> None:
    """Commit REV's crawler/ package, extracted into a folder (git archive: no worktree to clean up)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "crawler"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into, filter="data")


def diff_report(board: dict[str, Any], before: str, after: str, top: int) -> str:
    lines = []
    moved = []
    for set_name, entry in board["sets"].items():
        old, new = entry["extractors"].get(before), entry["extractors"].get(after)
        if not old or not new:
            continue
        lines.append(f"== {set_name}: {entry['pages']} pages (held out {entry['held_out_pages']})")
        lines.append(f"{'':<13}{'all pages':>28}{'held out':>28}")
        lines.append(f"{'field':<13}" + f"{before:>14}{after:>14}" * 2)
        layout = "snippets" if "snippet_f1" in new["full"] else "shingles"
        for key in [*FIELDS[layout], "pages_per_s"]:
            if key != "pages_per_s" and not new["full"]["n"].get(key):
                continue
            digits = 1 if key == "pages_per_s" else 3
            cells = [
                fmt(old["full"].get(key), 14, digits),
                fmt(new["full"].get(key), 14, digits),
                fmt(old["held_out"].get(key), 14, digits),
                fmt(new["held_out"].get(key), 14, digits),
            ]
            lines.append(f"{HEADERS[key]:<13}" + "".join(cells))
        for page, scores in new["pages"].items():
            for key, value in scores.items():
                if key in ("site", "seconds", "cpu"):
                    continue
                was = old["pages"][page].get(key)
                if was is not None and abs(value - was) > 1e-9:
                    moved.append((value - was, set_name, page, key, was, value))
    better = sorted((m for m in moved if m[0] > 0), key=lambda m: -m[0])
    worse = sorted((m for m in moved if m[0] < 0), key=lambda m: m[0])
    for title, rows in (
        (f"better ({len(better)}), best first", better),
        (f"worse ({len(worse)}), worst first", worse),
    ):
        lines.append("")
        lines.append(title + (f", first {top}" if len(rows) > top else ""))
        for delta, set_name, page, key, was, value in rows[:top]:
            lines.append(
                f"  {set_name:<20} {page:<48} {HEADERS[key]:<11} {was:.3f} -> {value:.3f} ({delta:+.3f})"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="one benchmark folder (instead of --board)")
    parser.add_argument("--board", action="store_true", help="the development board (../shared/benchmarks)")
    parser.add_argument("--diff", metavar="REV", help="ours at commit REV against ours now, page by page")
    parser.add_argument(
        "--origins-from", metavar="SET", help="print the TOML listing the sites of SET's pages"
    )
    parser.add_argument("--sets", help="comma-separated board sets (default: all five)")
    parser.add_argument("--ours-only", action="store_true", help="no anchors")
    parser.add_argument("--only", help="comma-separated extractor names (default: all)")
    parser.add_argument("--json", type=Path, help="write every figure, per page too, as JSON to this file")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set (after --half)")
    parser.add_argument("--half", choices=["even", "odd", "all"], default="all")
    parser.add_argument(
        "--no-cache", dest="cache", action="store_false", help="recompute and re-time anchors"
    )
    parser.add_argument(
        "--fresh", metavar="NAMES", default="trafilatura",
        help="recompute and re-time these anchors (comma-separated; default trafilatura: the speed"
        " verdict compares ours with its default in the same run)",
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--top", type=int, default=40, help="--diff: pages listed each way (default 40)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    if args.origins_from:
        print(sets.origins_toml(sets.SETS[args.origins_from], args.half))
        return 0
    if args.folder:
        chosen = [sets.folder_set(args.folder)]
    elif args.board or args.diff:
        wanted = args.sets.split(",") if args.sets else list(sets.SETS)
        unknown = [name for name in wanted if name not in sets.SETS]
        if unknown:
            parser.error(f"unknown sets {unknown}; the board has {list(sets.SETS)}")
        chosen = [sets.SETS[name] for name in wanted]
    else:
        parser.error("give a FOLDER, --board, --diff REV or --origins-from SET")

    if args.diff:
        with tempfile.TemporaryDirectory(prefix="extraction-diff-") as folder:
            checkout_crawler(args.diff, Path(folder))
            before = f"ours@{args.diff}"
            roots = {before: folder, "ours": None}
            board = score(chosen, run_all(chosen, ["ours"], args, roots)[0], args)
        print(f"ours at {args.diff} -> ours at {revision()}, same pages")
        print(diff_report(board, before, "ours", args.top))
    else:
        if args.ours_only:
            names = ["ours"]
        elif args.only:
            names = args.only.split(",")
            unknown = [name for name in names if name not in extractors.EXTRACTORS]
            if unknown:
                parser.error(f"unknown extractors {unknown}; known: {list(extractors.EXTRACTORS)}")
        else:
            names = list(extractors.EXTRACTORS)
        results, speeds = run_all(chosen, names, args, {"ours": None})
        board = score(chosen, results, args, speeds)
        print(f"extraction board at commit {revision()} (half={args.half})")
        print(board_table(board))
        print()
        for line in notes(board):
            print(f"note: {line}")
    if args.json:
        args.json.write_text(json.dumps(board, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                             encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
