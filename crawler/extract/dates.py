"""Dates as news pages print them -> timezone-aware datetimes.

dateparser returns None on labelled Korean dates (`입력 2024.06.04 14:30`) and treats a
date without offset as naive: we strip the labels, read the common numeric forms
ourselves, and put the source's time zone on whatever carries none.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

# Labels that precede a date on Korean and English pages: published vs. modified.
PUBLISHED_LABELS = r"기사\s*입력|입력|등록|작성|발행|게재|승인|송고|기사\s*전송|Published|Posted|Created|Date"
MODIFIED_LABELS = r"최종\s*수정|수정|업데이트|갱신|Updated|Modified|Last\s+updated"
LABEL_RE = re.compile(
    rf"^\s*(?:{MODIFIED_LABELS}|{PUBLISHED_LABELS})(?:\s*(?:일시|시간|일자|일))?\s*[:：|]?\s*",
    re.IGNORECASE,
)

# 2024.06.04 14:30 / 2024-06-04 오후 2:30 / 2024년 6월 4일 오후 2시 30분 / 2024/06/04 14:30:05
NUMERIC_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[.\-/]|년)\s*(?P<m>\d{1,2})\s*(?:[.\-/]|월)\s*(?P<d>\d{1,2})\s*(?:일)?\.?"
    r"(?:\s*\([월화수목금토일]\))?"
    r"(?:[\sT]*(?P<ampm>오전|오후|AM|PM|am|pm)?\s*(?P<H>\d{1,2})\s*(?::|시)\s*(?:(?P<M>\d{1,2})\s*분?)?"
    r"(?:\s*:\s*(?P<S>\d{1,2})\s*초?)?\s*(?P<ampm2>AM|PM|am|pm)?)?"
)
# 01.11.2023 11:35 / 25.01.2022, 09:00 Uhr / 1. 11. 2023 um 11.35: day first, as dotted dates are
# printed across Europe (slashed dates are left to dateparser: 01/11 is November or January).
DOTTED_DATE_RE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2})(?![\d.]\d)"
    r"(?:,?\s*(?:um|à|alle|kl\.?|klo|o|в)?\s*(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?!\d))?"
)
# 15 августа 2016, 3. Mai 2024, 20 Nisan 2026 10:12, May 3, 2024: a month's name between day and year.
WORDED_DATE_RE = re.compile(
    r"(?<!\w)(?:\d{1,2}\.?\s+[^\W\d_]{3,12}\.?,?\s+(?:19|20)\d{2}|[^\W\d_]{3,12}\.?\s+\d{1,2},?\s+(?:19|20)\d{2})"
    r"(?:,?\s*(?:um|à|at|в|kl\.?|klo|o|,)?\s*\d{1,2}[:.]\d{2}(?!\d))?"
)
# The word between a date and its time ("um", "à", "kl.", "klo"): dateparser knows few of them.
TIME_CONNECTOR_RE = re.compile(r"(?<=\d{4})\s*,?\s*(?:um|à|alle|kl\.?|klo|o|в)\s+(?=\d{1,2}[:.]\d{2})")
OFFSET_RE = re.compile(r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})\s*$|\bKST\b", re.IGNORECASE)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(
    text: str | None,
    tz: str = "UTC",
    languages: list[str] | None = None,
    date_order: str | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """A timezone-aware datetime, or None when the text holds no sane date.

    Dates without an offset are read in `tz`; dates before 1990 or more than a day in the
    future are refused (sites print `0000-00-00`, `9999-12-31` and worse).
    """
    if not text:
        return None
    text = " ".join(str(text).split())[:200]
    text = LABEL_RE.sub("", text)
    if not text:
        return None
    zone = ZoneInfo(tz)
    result = _parse_iso(text) or _parse_numeric(text) or _parse_free(text, tz, languages, date_order)
    if result is None:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone)
    now = now or datetime.now(UTC)
    if not EARLIEST <= result <= now + timedelta(days=1):
        return None
    return result


def _parse_iso(text: str) -> datetime | None:
    candidate = text.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", candidate):
        return None
    try:
        return datetime.fromisoformat(candidate.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None


def _parse_numeric(text: str) -> datetime | None:
    match = NUMERIC_DATE_RE.search(text) or DOTTED_DATE_RE.search(text)
    if not match:
        return None
    rest = text[match.end() :].strip()
    if rest and OFFSET_RE.match(rest) and not rest.upper().startswith("KST"):
        return None  # an explicit offset follows: let dateparser read it with the offset
    y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    hour = int(match["H"]) if match["H"] else 0
    minute = int(match["M"]) if match["M"] else 0
    groups = match.groupdict()
    second = int(groups["S"]) if groups.get("S") else 0
    ampm = (groups.get("ampm") or groups.get("ampm2") or "").lower()
    if ampm in ("오후", "pm") and hour < 12:
        hour += 12
    elif ampm in ("오전", "am") and hour == 12:
        hour = 0
    try:
        result = datetime(y, m, d, hour, minute, second)
    except ValueError:
        return None
    if rest.upper().startswith("KST"):
        return result.replace(tzinfo=ZoneInfo("Asia/Seoul"))
    return result


def _parse_free(text: str, tz: str, languages: list[str] | None, date_order: str | None):
    settings = {"TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "past"}
    if date_order:
        settings["DATE_ORDER"] = date_order
    text = re.sub(r"\bKST\b", "+09:00", text)
    text = TIME_CONNECTOR_RE.sub(" ", text)
    # Without languages dateparser guesses among all of them: slow, and it mistakes words.
    return dateparser.parse(text, languages=_known(languages) or ["en", "ko"], settings=settings)


# Codes pages declare that dateparser knows by another name: Norwegian (the macro-language; it
# has Bokmål and Nynorsk) and the withdrawn ISO 639 codes for Hebrew, Indonesian and Yiddish.
LANGUAGE_ALIASES = {"no": "nb", "iw": "he", "in": "id", "ji": "yi"}


def _known(languages: list[str] | None) -> list[str]:
    """The languages dateparser has data for: one code it lacks (`lang="no"`) makes it raise
    ValueError, which would lose the page."""
    from dateparser.data.languages_info import language_order

    known = set(language_order)
    codes = (LANGUAGE_ALIASES.get(code, code) for code in languages or [])
    return list(dict.fromkeys(code for code in codes if code in known))


def find_labelled_dates(
    text: str, published: bool = True, modified: bool = True
) -> tuple[str | None, str | None]:
    """(published, modified) date strings found after their labels in visible text; only the
    ones asked for are looked for (each search is a pass over the whole page text)."""
    # A labelled date sits on a short line (a dateline, a byline block) that holds a year, its
    # label there or a line or two before. Python's re tries the case-blind labels at every
    # character (2-3 ms on a page of short lines); the year, digits first, is found at once.
    lines = [line if len(line) <= LABELLED_LINE_MAX else "" for line in text.split("\n")]
    dated = [i for i, line in enumerate(lines) if YEAR_RE.search(line)]
    near = sorted({j for i in dated for j in range(max(0, i - 2), i + 1)})
    candidates = "\n".join(lines[j] for j in near)
    found_modified = _first_group(MODIFIED_DATE_RE, candidates) if modified else None
    found_published = _first_group(PUBLISHED_DATE_RE, candidates) if published else None
    if published and found_published is None:
        found_published = _first_group(ENGLISH_PUBLISHED_RE, "\n".join(lines))
    return found_published, found_modified


def _first_group(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


LABELLED_LINE_MAX = 200  # characters
_YEAR = r"(?:19|20)\d{2}\s*(?:[.\-/]|년)"
YEAR_RE = re.compile(_YEAR)
_DATE_PART = rf"({_YEAR}[^\n]{{3,40}})"
# "입력 2024.06.04", "입력일시 :", "발행일 2024.06.04", "게재 일자 : 2024년 6월 4일".
_LABEL_TAIL = r"\s*(?:일시|시간|일자|일)?\s*[:：|]?\s*"
MODIFIED_DATE_RE = re.compile(rf"(?:{MODIFIED_LABELS}){_LABEL_TAIL}{_DATE_PART}", re.I)
PUBLISHED_DATE_RE = re.compile(rf"(?:{PUBLISHED_LABELS}){_LABEL_TAIL}{_DATE_PART}", re.I)
ENGLISH_PUBLISHED_RE = re.compile(
    r"(?:Published|Posted|Updated)\s*(?:on|:)?\s*([A-Z][a-z]+\.? \d{1,2},? \d{4}[^\n]{0,25})"
)


def first_date_in(text: str) -> str | None:
    """The first year-first date in a text (2024.06.04 14:30), for pages that print one without
    label; not one inside a printed URL (`…/post/2009/03/15/…`: another page's date)."""
    for match in NUMERIC_DATE_RE.finditer(text):
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if before != "/" and after != "/":
            return match.group(0)
    return None


def local_date_in(text: str) -> str | None:
    """The first date printed day first with dots (01.11.2023 11:35) or with the month's name in
    the page's language (15 августа 2016): such runs are often other dates (comments, related
    stories), so they only give the time of the day a markup search found, or stand alone."""
    found = [m for m in (r.search(text) for r in (DOTTED_DATE_RE, WORDED_DATE_RE)) if m]
    return min(found, key=lambda m: m.start()).group(0) if found else None
