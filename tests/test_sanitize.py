from crawler.sanitize import sanitize_html


def test_scripts_handlers_and_bad_urls_are_removed():
    dirty = (
        '<p onclick="x()">Hi <a href="JaVa&#x09;script:alert(1)">x</a>'
        '<a href="/rel">rel</a><img src="data:image/png;base64,AAA"><img src="/i.jpg" onerror="e()">'
        "<script>bad()</script><iframe src='//evil'>if</iframe><style>p{}</style></p>"
    )
    clean = sanitize_html(dirty, "https://example.com/news/a.html")
    assert clean == (
        '<p>Hi <a rel="nofollow noopener">x</a>'
        '<a href="https://example.com/rel" rel="nofollow noopener">rel</a><img src="https://example.com/i.jpg"></p>'
    )
