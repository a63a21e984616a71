"""The cheap pre-cleaning before trafilatura drops only page chrome, never article text."""

from __future__ import annotations

from lxml import html as lxml_html

from crawler.extract.body import extract_body, without_chrome
from crawler.sources import Source

PAGE = """<html><body>
<header class="site-header"><nav><a href="/">Home</a></nav><p>Site tagline</p></header>
<main><article><header><h1>The headline</h1><p class="deck">The deck stays.</p></header>
<p>{text}</p></article>
<aside>Most read</aside>
<section id="comments" class="comments"><p>First!</p></section>
<div class="commentary"><p>An analysis column stays.</p></div></main>
<footer>Copyright</footer></body></html>"""


def test_without_chrome_keeps_the_article_and_drops_chrome():
    tree = lxml_html.document_fromstring(PAGE.format(text="Body text."))
    text = without_chrome(tree).text_content()
    assert "The headline" in text and "The deck stays." in text and "Body text." in text
    assert "An analysis column stays." in text
    for chrome in ("Site tagline", "Home", "Most read", "First!", "Copyright"):
        assert chrome not in text


def test_extract_body_leaves_the_page_tree_whole():
    tree = lxml_html.document_fromstring(PAGE.format(text="A sentence of the article. " * 80))
    before = lxml_html.tostring(tree)
    body = extract_body(tree, "https://example.com/a")
    assert body and "A sentence of the article." in body and "First!" not in body
    assert lxml_html.tostring(tree) == before  # metadata after it still sees the whole page


def test_the_workers_warm_up_page_takes_only_the_fast_pass(monkeypatch):
    """The full pass loads every language's jusText stop lists (30 MB a worker): not at start-up."""
    from crawler.extract import body as body_module
    from crawler.workers import WARM_UP_PAGE, extract_page

    passes = []
    real = body_module._trafilatura
    monkeypatch.setattr(
        body_module,
        "_trafilatura",
        lambda tree, url, fast, media=True: passes.append(fast) or real(tree, url, fast, media),
    )
    fields = extract_page(WARM_UP_PAGE.encode(), "utf-8", "http://localhost/warm-up", Source(name="warm-up"))
    assert fields["title"] == "Warm-up" and "Paragraph 19" in fields["body_html"]
    assert passes == [True]
