"""A probe that is not fooled: a feed dating entries 9999-12-31 does not hide that the real
articles are old (the articles' own dates decide `max_age_days`), and a site that is not a
news site (no sampled page is a dated article) ends with exit 1 and says why. Over 127.0.0.1
(tests/fixtures/sites/junkdate/ and notnews/)."""

from __future__ import annotations

import pytest

from tests import fixture_site
from tests.test_probe import pasted_entry, probe

pytestmark = pytest.mark.slow


@pytest.fixture
def serve():
    servers = []

    def start(name: str):
        servers.append(fixture_site.start(name))
        return servers[-1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_feed_dated_9999_does_not_hide_that_the_articles_are_old(serve, tmp_path):
    site = serve("junkdate")
    result = probe(f"{site.base}/rss.xml", tmp_path, "-n", "2", "--name", "courier")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "3 entries, newest 2024-06-10 00:30 UTC, 2 dated in the future (9999-12-31: ignored)" in result.stdout
    entry = pasted_entry(result.stdout)
    assert "max_age_days = 0   # its newest article is " in entry, entry
    assert "the default 30-day limit would skip them all" in entry


def test_a_site_that_is_not_a_news_site_ends_with_exit_1_and_says_why(serve, tmp_path):
    site = serve("notnews")
    result = probe(f"{site.base}/", tmp_path, "-n", "3")
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "[[source]]" not in result.stdout, "no entry to paste for a site with no dated article"
    assert result.stdout.splitlines()[-1].endswith(
        "; no entry: not a news site: none of the 3 sampled page(s) is a dated article"
    ), result.stdout
