"""Korean pages: date forms, bylines reduced to names, the boilerplate outlets print in bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from benchmarks import _scoring as scoring
from crawler.extract import decode_html, extract_article
from crawler.extract.body import reshape
from crawler.extract.metadata import korean_bylines
from crawler.sources import Source

FIXTURES = Path(__file__).parent / "fixtures" / "korean"
KOREAN = Source(name="kr", feeds=("https://news.example/rss",), language="ko", timezone="Asia/Seoul")


def page(
    info: str, body: str = "<p>본문 첫 문단은 충분히 길게 쓴 기사 문장이다. 두 번째 문장도 이어진다.</p>"
) -> str:
    return (
        '<html lang="ko"><head><meta charset="utf-8"><title>시험 기사 제목입니다 - 예시일보</title></head>'
        f'<body><h1>시험 기사 제목입니다</h1><div class="info">{info}</div><div id="articleBody">{body}</div>'
        "</body></html>"
    )


@pytest.mark.parametrize(
    "info",
    [
        "입력 2024.06.04 14:30",
        "기사입력 : 2024-06-04 14:30:00",
        "승인 2024.06.04 14:30",
        "등록 2024-06-04 오후 2:30",
        "2024년 6월 4일 오후 2시 30분",
        "수정 2024.06.04 16:00 입력 2024.06.04 14:30",
    ],
)
def test_korean_date_forms_on_a_page_read_in_seoul_time(info):
    fields = extract_article(page(info), "https://news.example/a/1", KOREAN)
    assert fields["published"] == "2024-06-04T14:30:00+09:00"


def test_modified_label_is_the_modified_date():
    fields = extract_article(
        page("입력 2024.06.04 14:30 | 수정 2024.06.04 16:05"), "https://news.example/a/1", KOREAN
    )
    assert fields["published"] == "2024-06-04T14:30:00+09:00"
    assert fields["modified"] == "2024-06-04T16:05:00+09:00"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("홍길동 기자", ["홍길동"]),
        ("(서울=연합뉴스) 홍길동 기자 = 정부가 4일 밝혔다.", ["홍길동"]),
        ("홍길동 기자 hong@example.com", ["홍길동"]),
        ("홍길동 기자 외 1명", ["홍길동"]),
        ("홍길동·김철수 기자", ["홍길동", "김철수"]),
        ("워싱턴=이영희 특파원", ["이영희"]),
    ],
)
def test_korean_bylines_reduce_to_names(text, names):
    assert korean_bylines(text) == names


def test_byline_block_on_a_page_gives_the_author():
    html = page('<span class="byline">홍길동 기자 외 1명</span> 입력 2024.06.04 14:30')
    assert extract_article(html, "https://news.example/a/1", KOREAN)["authors"] == ["홍길동"]


def body_lines(html: str, title: str | None = None) -> list[str]:
    result = reshape(lxml_html.fromstring(f"<div>{html}</div>"), title) or ""
    root = lxml_html.fragment_fromstring(result, create_parent="div") if result else None
    return [] if root is None else [" ".join(child.text_content().split()) for child in root]


KEPT = "정부가 새 정책을 4일 발표했다고 밝혔다."


@pytest.mark.parametrize(
    "line",
    [
        "ⓒ 예시일보 무단전재 및 재배포 금지",
        "저작권자 © 예시일보 무단전재 및 재배포 금지",
        "Copyright ⓒ 예시방송. All rights reserved.",
        "<저작권자(c) 예시뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>",
        "홍길동 기자 hong@example.com",
        "hong@example.com",
        "▶ 관련기사 : 다른 기사 제목",
        "[관련기사] 다른 기사 제목",
        "사진=예시뉴스 DB",
        "기상청 관계자가 설명하고 있다. /사진제공=기상청",
        "[예시일보 자료사진]",
        "예시일보 앱을 설치하고 실시간 뉴스를 받아보세요",
        "▶ 예시일보 앱 다운로드",
        "네이버에서 예시일보를 구독하세요!",
        "[구독하기] 뉴스레터를 받아보세요",
        "카카오톡에서 예시일보 친구 추가하기",
        "입력 2024.06.04 14:30 | 수정 2024.06.04 15:10",
    ],
)
def test_korean_boilerplate_lines_leave_the_body(line):
    escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert body_lines(f"<p>{KEPT}</p><p>{escaped}</p>") == [KEPT]
    assert body_lines(f"{KEPT}<br><br>{escaped}") == [KEPT]


def test_wire_dateline_is_cut_from_the_first_paragraph():
    lines = body_lines(
        "<p>(서울=연합뉴스) 홍길동 기자 = 정부가 4일 새 정책을 발표했다.</p><p>둘째 문단이다.</p>"
    )
    assert lines == ["정부가 4일 새 정책을 발표했다.", "둘째 문단이다."]


def test_br_separated_body_becomes_paragraphs_and_image_credit_a_caption():
    html = '<img src="https://img.example/a.jpg"><br>사진=예시뉴스<br><br>첫 문단이다.<br><br>둘째 문단이다.'
    result = reshape(lxml_html.fromstring(f"<div>{html}</div>"))
    assert result.split("\n") == [
        '<figure><img src="https://img.example/a.jpg"><figcaption>사진=예시뉴스</figcaption></figure>',
        "<p>첫 문단이다.</p>",
        "<p>둘째 문단이다.</p>",
    ]


def test_euc_kr_bytes_are_decoded_by_their_declared_charset():
    html = page("입력 2024.06.04 14:30").replace("utf-8", "euc-kr").encode("euc-kr")
    assert decode_html(html).count("시험 기사 제목입니다") == 2
    assert extract_article(html, "https://news.example/a/1", KOREAN)["title"] == "시험 기사 제목입니다"


def fixture_records() -> list[dict]:
    return json.loads((FIXTURES / "ground-truth.json").read_text(encoding="utf-8"))


def test_the_korean_fixture_set_is_large_enough_and_mixes_shapes():
    records = fixture_records()
    assert len(records) >= 20
    assert any(r.get("encoding") == "euc-kr" for r in records)
    assert len({r["template"] for r in records}) >= 5


@pytest.mark.parametrize("record", fixture_records(), ids=lambda r: r["id"])
def test_korean_fixture_page_is_extracted_right(record):
    fields = extract_article((FIXTURES / record["html_file"]).read_bytes(), record["url"])
    assert scoring.same_title(record["title"], fields["title"])
    expected, _ = scoring.as_datetime(record["publishing_date"])
    got, has_time = scoring.as_datetime(fields["published"])
    assert scoring.same_minute(expected, got, has_time), fields["published"]
    assert scoring.authors_f1(record["authors"], fields["authors"]) == 1.0, fields["authors"]
    assert scoring.image_matches(record["cover_image_urls"], fields["image"], record["url"])[0]
    root = lxml_html.fragment_fromstring(fields["body_html"], create_parent="div")
    text = "\n".join(" ".join(c.text_content().split()) for c in root if c.tag != "figure")
    tp, fp, fn = scoring.body_counts(record["body_text"], text)
    assert tp / (tp + fp) >= 0.75 and tp / (tp + fn) >= 0.85, text
