from datetime import UTC, datetime, timedelta

import pytest

from crawler.extract.dates import find_labelled_dates, parse_date

SEOUL = timedelta(hours=9)


@pytest.mark.parametrize(
    "text",
    [
        "입력 2024.06.04 14:30",
        "2024년 6월 4일 오후 2시 30분",
        "기사입력 : 2024-06-04 14:30:00",
        "입력 2024.06.04 오후 2:30",
        "2024-06-04 오후 2:30",
        "등록 2024/06/04 14:30",
    ],
)
def test_korean_forms_parse_in_the_source_zone(text):
    moment = parse_date(text, "Asia/Seoul", ["ko", "en"])
    assert moment is not None, text
    assert (moment.year, moment.month, moment.day, moment.hour, moment.minute) == (2024, 6, 4, 14, 30)
    assert moment.utcoffset() == SEOUL


def test_explicit_offset_wins_over_source_zone():
    moment = parse_date("2024-06-04T16:00:00Z", "Asia/Seoul")
    assert moment == datetime(2024, 6, 4, 16, 0, tzinfo=UTC)
    assert parse_date("2024-06-05T09:15:00+09:00", "UTC").utcoffset() == SEOUL


def test_english_dates_and_kst():
    moment = parse_date("June 7, 2024 11:45 KST", "UTC", ["en"])
    assert moment.astimezone(UTC) == datetime(2024, 6, 7, 2, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["9999-01-01", "0001-01-01", "2024-13-45", "", "not a date", "1970-01-01T00:00:00Z"]
)
def test_impossible_dates_are_refused(text):
    assert parse_date(text, "Asia/Seoul") is None


def test_labelled_dates_split_published_and_modified():
    text = "홍길동 기자\n입력 2024.06.04 14:30\n수정 2024.06.04 15:10\n본문"
    published, modified = find_labelled_dates(text)
    assert parse_date(published, "Asia/Seoul").hour == 14
    assert parse_date(modified, "Asia/Seoul").minute == 10


def test_labelled_dates_on_their_own_lines_past_long_paragraphs_and_in_english():
    paragraph = "정부가 새 정책을 발표했다. " * 30  # a long line: never where a dateline sits
    text = f"{paragraph}\n기사입력\n:\n2024-06-04 14:30:00\n{paragraph}\n최종수정 2024.06.05 09:00"
    published, modified = find_labelled_dates(text)
    assert parse_date(published, "Asia/Seoul").hour == 14
    assert parse_date(modified, "Asia/Seoul").day == 5
    assert find_labelled_dates("By Kim\nPublished June 4, 2024 2:30 PM\nBody") == ("June 4, 2024 2:30 PM", None)
    assert find_labelled_dates(f"입력 {paragraph} 2024.06.04 14:30") == (None, None)  # a date inside a paragraph


@pytest.mark.parametrize(
    "line,expected",
    [
        ("발행일 2024.06.04 14:30", (2024, 6, 4, 14, 30)),
        ("게재 일자 : 2024년 6월 4일", (2024, 6, 4, 0, 0)),
        ("기사전송 2024-06-04 14:30", (2024, 6, 4, 14, 30)),
        ("등록일 : 2024-06-04 14:30", (2024, 6, 4, 14, 30)),
    ],
)
def test_korean_labels_with_a_day_suffix_or_a_sending_time(line, expected):
    published, _ = find_labelled_dates(f"김철수 기자\n{line}\n본문")
    moment = parse_date(published, "Asia/Seoul")
    assert (moment.year, moment.month, moment.day, moment.hour, moment.minute) == expected
