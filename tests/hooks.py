"""A small deterministic rewrite hook for the tests (NEWS_POST_HOOK=tests.hooks.breaking)."""


def breaking(article: dict) -> dict:
    """Prefix the headline, and try to smuggle markup in: the exporter must clean it."""
    article["title"] = "[속보] " + article["title"] + "<script>alert(1)</script>"
    article["body_html"] = (
        article["body_html"] or ""
    ) + '<p onclick="steal()">Rewritten <a href="javascript:x()">end</a></p><script>alert(2)</script>'
    article["image"] = "javascript:alert(3)"
    return article
