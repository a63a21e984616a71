from crawler.urls import is_article_canonical, normalize


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
