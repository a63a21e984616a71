"""Korean-aware full-text search: the index kept in sync with the articles, and `scrapy search`."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime

import pytest

from crawler import search
from crawler.store import Archive
from tests.conftest import run_scrapy

POLICY = {
    "url": "https://news.example.kr/articles/1",
    "source": "demo-news",
    "title": "정부, 3.5조 'AI정책금융' 신설",
    "published": "2024-06-04T05:30:00+00:00",
    "body_html": "<p>정부가 3조 5000억 원 규모의 AI정책금융 프로그램을 신설했다.</p>"
    "<p>금융위원회는 4일 협의회를 열었다.</p>",
}
HEAT = {
    "url": "https://news.example.kr/articles/2",
    "source": "demo-news",
    "title": "때 이른 폭염…올해 첫 폭염주의보",
    "published": "2024-06-05T23:00:00+00:00",
    "body_html": "<p>대구와 경북 일부 지역에 폭염주의보가 내려졌다.</p>",
}
CHIPS = {
    "url": "https://wire.example.com/chips",
    "source": "wire",
    "title": "Korea's chip exports hit a record",
    "published": "2024-06-05T00:15:00+00:00",
    "body_html": "<p>Semiconductor shipments rose 54 percent in May.</p>",
}


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "news.db") as archive:
        for record in (POLICY, HEAT, CHIPS):
            assert archive.save(dict(record)) == "new"
        yield archive


def found(archive: Archive, query: str) -> list[str]:
    return [row["url"] for row in archive.search(search.match_expression(query))[1]]


def test_a_korean_noun_followed_by_a_particle_is_found(archive):
    assert found(archive, "정부") == [POLICY["url"]]  # the text says 정부가
    assert found(archive, "프로그램") == [POLICY["url"]]  # ... and 프로그램을


def test_a_two_syllable_korean_word_is_found(archive):
    assert found(archive, "폭염") == [HEAT["url"]]  # 폭염…, 폭염주의보, 폭염주의보가
    assert found(archive, "경북") == [HEAT["url"]]


def test_a_word_inside_a_compound_and_a_phrase_are_found(archive):
    assert found(archive, "정책금융") == [POLICY["url"]]  # inside AI정책금융
    assert found(archive, "3조") == [POLICY["url"]]
    assert found(archive, '"3조 5000억"') == [POLICY["url"]]
    assert found(archive, '"5000억 3조"') == []


def test_an_english_word_is_found_and_the_results_are_newest_first(archive):
    assert found(archive, "exports") == [CHIPS["url"]]
    assert found(archive, "AI") == [POLICY["url"]]  # out of AI정책금융
    assert found(archive, "Korea OR 폭염") == [HEAT["url"], CHIPS["url"]]
    assert found(archive, "polic") == []  # words, not substrings ...
    assert found(archive, "semicon*") == [CHIPS["url"]]  # ... unless asked for a prefix


def test_terms_are_anded_and_can_be_excluded(archive):
    assert found(archive, "정부 금융위원회") == [POLICY["url"]]
    assert found(archive, "정부 exports") == []
    assert found(archive, "폭염 -경북") == []


def test_an_updated_article_is_found_by_its_new_text_and_not_its_old(archive):
    updated = dict(CHIPS, body_html="<p>Memory makers raised prices again.</p>")
    assert archive.save(updated) == "updated"
    assert found(archive, "memory") == [CHIPS["url"]]
    assert found(archive, "shipments") == []
    assert found(archive, "exports") == [CHIPS["url"]]  # the headline did not change


def test_a_deleted_article_leaves_the_index(archive):
    with archive.db.conn:
        archive.db.execute("DELETE FROM articles WHERE url = ?", [HEAT["url"]])
    assert found(archive, "폭염") == []
    assert archive.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 2


def test_an_archive_made_before_the_index_gets_it_on_first_open(tmp_path):
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save(dict(POLICY))
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE articles_fts")
    connection.commit()
    connection.close()
    for _ in range(2):  # the migration is safe to run again
        with Archive(path) as archive:
            assert found(archive, "정부") == [POLICY["url"]]
            assert archive.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 1


def test_copies_of_another_story_are_left_out_unless_asked(archive):
    with archive.db.conn:
        archive.db.execute("UPDATE articles SET duplicate_of = 'x' WHERE url = ?", [CHIPS["url"]])
    assert found(archive, "exports") == []
    assert archive.search(search.match_expression("exports"), copies=True)[0] == 1


def test_index_text_turns_korean_runs_into_bigrams():
    assert search.index_text("정부가 AI정책금융을").split() == [
        "정부",
        "부가",
        "AI",
        "정책",
        "책금",
        "금융",
        "융을",
    ]
    assert search.index_text("美 대선").split() == ["美", "대선"]
    decomposed = unicodedata.normalize("NFD", "정부")  # as macOS writes it: jamo, not syllables
    assert search.index_text(decomposed).split() == ["정부"]


def test_a_query_with_nothing_to_search_for_is_refused():
    for query in ("", "   ", "-정부", "!!!"):
        with pytest.raises(search.QueryError):
            search.match_expression(query)


def test_fts_operators_typed_as_words_stay_words():
    assert search.match_expression("NEAR AND NOT") == '"NEAR" AND "AND" AND "NOT"'
    assert search.match_expression('say "hi') == '"say" AND "hi"'


def test_the_snippet_marks_the_noun_inside_the_word_as_the_reader_sees_it():
    text = "오늘 정부가 발표했다. Korea's exports and Korean firms."
    assert search.snippet(text, "정부") == "오늘 [정부]가 발표했다. Korea's exports and Korean firms."
    assert "[Korea]'s" in search.snippet(text, "korea") and "[Korea]n" not in search.snippet(text, "korea")
    long = "가" * 300 + " 정부가 " + "나" * 300
    cut = search.snippet(long, "정부", width=60)
    assert cut.startswith("…") and cut.endswith("…") and "[정부]가" in cut


def test_the_search_command_prints_newest_first_with_source_date_and_snippet(tmp_path):
    db = tmp_path / "news.db"
    with Archive(db) as archive:
        archive.save(dict(POLICY), now=datetime(2024, 6, 4, tzinfo=UTC))
        archive.save(dict(POLICY, url="https://news.example.kr/articles/9", title="정부 예산안",
                          published="2024-06-07T01:00:00+00:00",
                          body_html="<p>정부는 내년 예산안을 확정했다. " + "세부 내용이다. " * 30 + "</p>"))  # fmt: skip
    result = run_scrapy("search", "정부", "-s", f"NEWS_DB_PATH={db}")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2024-06-07 10:00 +0900  demo-news  [정부] 예산안")
    assert lines[1].strip().startswith("[정부]는 내년 예산안을")
    assert lines[2].strip() == "https://news.example.kr/articles/9"
    assert lines[3].startswith("2024-06-04 14:30 +0900  demo-news  [정부], 3.5조")
    assert lines[-1] == "search: 2 article(s) match '정부'; 2 shown, newest first"


def test_the_search_command_refuses_an_empty_query_and_a_missing_archive(tmp_path):
    empty = run_scrapy("search", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}")
    assert empty.returncode == 2 and "give a query" in empty.stderr
    missing = run_scrapy("search", "정부", "-s", f"NEWS_DB_PATH={tmp_path / 'news.db'}")
    assert missing.returncode == 2 and "no archive at" in missing.stderr
    assert not (tmp_path / "news.db").exists()


def test_a_soft_hyphen_splits_no_indexed_word():
    from crawler.search import index_text

    assert index_text("Donau\u00addampf\u00adschiff") == "Donaudampfschiff"
