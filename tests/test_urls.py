from crawler.urls import is_article_canonical, normalize, web_url


def test_tracking_parameters_case_fragment_and_query_order_do_not_make_another_article():
    assert normalize("HTTP://News.Example.COM/a/1?utm_source=x&id=5&b=1&fbclid=z&gclid=q#comments") == (
        "http://news.example.com/a/1?b=1&id=5"
    )
    assert normalize("https://news.example.com/a/1?b=1&id=5") == normalize(
        "https://news.example.com/a/1?id=5&b=1"
    )


def test_canonicals_to_home_pages_or_other_sites_are_refused():
    page = "https://www.news.example/2024/06/story"
    assert is_article_canonical("https://news.example/2024/06/story", page)
    assert not is_article_canonical("https://www.news.example/", page)
    assert not is_article_canonical("https://other.example/2024/06/story", page)


def test_a_published_url_is_what_a_browser_would_request():
    assert web_url("http://host/a.png' onerror='alert(1)") == "http://host/a.png%27%20onerror=%27alert(1)"
    assert web_url(' https://img.example/a "b" <c>.jpg?q=`x` ') == "https://img.example/a%20%22b%22%20%3Cc%3E.jpg?q=%60x%60"
    assert web_url("/사진/1.jpg", "http://news.example/a/b.html") == "http://news.example/%EC%82%AC%EC%A7%84/1.jpg"
    assert web_url("https://사진.한국/") == "https://xn--vf4bi0o.xn--3e0b707e/"
    assert web_url("HTTP://News.Example:80/a/../b") == "http://news.example/b"
    for refused in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:image/png;base64,AA", "file:///etc/passwd",
                    "mailto:a@b.example", "http://exa mple/", "relative/without/base.jpg", "", None):  # fmt: skip
        assert web_url(refused) is None, refused
