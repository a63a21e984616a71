"""What one run did, per source, from the crawl's stats; and whether cron should call it a failure.

Components count per source under `news/source/<name>/<what>` (see `source_key`); this module
turns those counters into the run summary that `scrapy update` prints and records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNTERS = (
    "requests",
    "links",
    "new",
    "updated",
    "unchanged",
    "skipped",
    "dropped",
    "errors",
    "entry_failed",
    "queued",  # articles a crawler handed to `scrapy ingest` (REDIS_URL set)
    "lost",  # requests a killed crawler had taken from the shared queue (REDIS_URL set)
)


def source_key(source: str, what: str) -> str:
    """The stats key a component increments for one source."""
    return f"news/source/{source}/{what}"


# How a failure reason (crawler/spiders/news.py `failure_reason`) reads in the summary.
REASONS = {
    "refused": "connection refused", "dns": "DNS lookup failed", "timeout": "timeout",
    "robots": "forbidden by robots.txt", "data_loss": "connection lost", "too_large": "too large",
}  # fmt: skip


def reason_text(reason: str) -> str:
    """`http_404` -> `HTTP 404`; `refused` -> `connection refused`."""
    return f"HTTP {reason[5:]}" if reason.startswith("http_") else REASONS.get(reason, reason)


@dataclass
class SourceRun:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)  # failure reason -> articles that failed so
    entry_reasons: dict[str, int] = field(default_factory=dict)  # the same for entry points
    interrupted: bool = False  # the run was stopped (SIGINT, SIGTERM) before it finished

    def get(self, what: str) -> int:
        return self.counts.get(what, 0)

    @property
    def stored(self) -> int:
        return self.get("new") + self.get("updated") + self.get("unchanged") + self.get("queued")

    @property
    def entry_points_all_failed(self) -> bool:
        return bool(self.get("entry_failed")) and not self.get("requests") > self.get("entry_failed")

    @property
    def problem(self) -> str | None:
        """Why this source failed this run, or None when it did its job."""
        failed = self._failed()
        if self.interrupted:
            return "interrupted" + (f" ({failed})" if failed else "")
        return failed

    def _failed(self) -> str | None:
        if self.entry_points_all_failed:
            return f"no entry point could be fetched{why(self.entry_reasons)}"
        if self.get("entry_failed"):
            return f"{self.get('entry_failed')} entry point(s) failed{why(self.entry_reasons)}"
        fetched = self.get("links") - self.get("skipped")
        if fetched > 0 and self.stored == 0:
            return f"{fetched} article(s) listed, none could be stored{why(self.reasons)}"
        return None


def why(reasons: dict[str, int]) -> str:
    """`: HTTP 404, timeout x2`, or nothing when no reason was counted."""
    text = ", ".join(reason_text(r) + (f" x{n}" if n > 1 else "") for r, n in sorted(reasons.items()))
    return f": {text}" if text else ""


def summarize(stats: dict, sources: list[str]) -> list[SourceRun]:
    """Each source's run; every one `interrupted` when a signal stopped the crawl (Scrapy's
    finish reason `shutdown`)."""
    interrupted = stats.get("finish_reason") == "shutdown"
    runs = []
    for name in sources:
        prefix = source_key(name, "")
        counts = {key[len(prefix) :]: int(value) for key, value in stats.items() if key.startswith(prefix)}
        reasons = {key[7:]: value for key, value in counts.items() if key.startswith("failed/")}
        entry = {key[13:]: value for key, value in counts.items() if key.startswith("entry_failed/")}
        totals = {what: counts.get(what, 0) for what in COUNTERS}
        runs.append(SourceRun(name, totals, reasons, entry, interrupted))
    return runs


def summary_table(runs: list[SourceRun]) -> str:
    """One screen: a line per source, then the totals."""
    columns = ("req", 6), ("new", 5), ("upd", 5), ("same", 5), ("skip", 5), ("drop", 5), ("err", 4)
    header = f"{'source':<24} " + " ".join(f"{name:>{width}}" for name, width in columns) + "  status"
    lines = [header, "-" * len(header)]
    for run in runs:
        status = run.problem or "ok"
        lines.append(
            f"{run.name[:24]:<24} {run.get('requests'):>6} {run.get('new'):>5} {run.get('updated'):>5}"
            f" {run.get('unchanged'):>5} {run.get('skipped'):>5} {run.get('dropped'):>5}"
            f" {run.get('errors') + run.get('entry_failed'):>4}  {status}"
        )
    queued, lost = sum(run.get("queued") for run in runs), sum(run.get("lost") for run in runs)
    if queued or lost:
        lines.append(
            f"shared crawl: {queued} article(s) handed to the ingest; {lost} request(s) lost by a killed"
            " crawler (pages not stored are fetched again by the next run)"
        )
    return "\n".join(lines)
