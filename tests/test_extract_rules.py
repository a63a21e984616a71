"""General extraction rules, one small page or snippet each: headline, authors, lead image, body."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from crawler.extract import _drop_noscript, _image_stem, _printed_version, extract_article
from crawler.extract import body as body_module
from crawler.extract.body import reshape, without_chrome
from crawler.extract.metadata import korean_bylines, ld_people, split_names

URL = "https://news.example/world/2024/06/story"
PARAGRAPHS = "".join(
    f"<p>Paragraph {n} of the story tells what happened on the day, with a few details more.</p>"
    for n in range(6)
)


def page(head: str = "", body: str = "", ld: dict | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return f'<html lang="en"><head><meta charset="utf-8">{head}{script}</head><body>{body}</body></html>'


def lines(html: str, title=None) -> list[str]:
    result = reshape(lxml_html.fromstring(f"<div>{html}</div>"), title) or ""
    return result.split("\n") if result else []


# ---------------------------------------------------------------- headline


def test_the_h1_does_not_replace_a_fuller_json_ld_headline():
    html = page(
        body="<h1>Who is the new coach?</h1>",
        ld={"@type": "NewsArticle", "headline": "Who is the new coach?..."},
    )
    assert extract_article(html, URL)["title"] == "Who is the new coach?..."


def test_a_kicker_goes_where_og_title_is_the_headline_without_it():
    head = '<meta property="og:title" content="Mayor resigns after budget vote">'
    html = page(head, "<h1>Scandal: Mayor resigns after budget vote</h1>")
    assert extract_article(html, URL)["title"] == "Mayor resigns after budget vote"


def test_a_colon_headline_stays_when_og_title_does_not_say_otherwise():
    head = '<meta property="og:title" content="Climate: what the summit decided">'
    html = page(head, "<h1>Climate: what the summit decided</h1>")
    assert extract_article(html, URL)["title"] == "Climate: what the summit decided"


@pytest.mark.parametrize(
    "title,body,headline",
    [
        ("Alkohol auf dem Boot – Erfahre mehr zu den Risiken", "<h1>Alkohol auf dem Boot</h1>", "Alkohol auf dem Boot"),
        ("So viel Regen gab es lange nicht : 31.10.2023, 10.19 Uhr", "<h2>So viel Regen gab es lange nicht</h2>",
         "So viel Regen gab es lange nicht"),
        ("Paris Couture: Serkan Cura | modabot", "<h1>modabot</h1><h2>Paris Couture: Serkan Cura</h2>",
         "Paris Couture: Serkan Cura"),
        ("seelenradio » Nummer zwei: Leo", "<h1>seelenradio</h1>", "Nummer zwei: Leo"),
        ("Learning C#", "<h1>Learning C#</h1>", "Learning C#"),
        ("Evolve: Shared History — evolve extension", "<h1>evolve extension</h1><h1>Evolve: Shared History¶</h1>",
         "Evolve: Shared History"),
    ],
)  # fmt: skip
def test_what_the_document_title_adds_after_a_printed_headline_is_not_the_headline(title, body, headline):
    head = f'<title>{title}</title><meta property="og:title" content="{title}">'
    url = "https://seelenradio.example/leo"  # the host names the site, as pages' hosts do
    assert extract_article(page(head, body + PARAGRAPHS), url)["title"] == headline


def test_a_full_width_site_suffix_is_cut_from_the_title():
    head = '<title>大雨で運休が相次ぐ：例新聞</title><meta property="og:site_name" content="例新聞">'
    assert extract_article(page(head, "<p>本文</p>"), URL)["title"] == "大雨で運休が相次ぐ"


# ---------------------------------------------------------------- authors


def test_json_ld_people_flatten_nested_lists_and_join_given_and_family_names():
    value = [
        {"@type": "Person", "givenName": "Anna Maria", "familyName": "Roe"},
        [{"@type": "Person", "name": "Jo Poe"}],
    ]
    assert ld_people(value) == ["Anna Maria Roe", "Jo Poe"]


def test_an_organization_author_counts_beside_people_and_alone_when_nothing_is_printed():
    people = {
        "@type": "NewsArticle",
        "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Wire"}],
    }
    assert extract_article(page(ld=people), URL)["authors"] == ["Jane Doe", "Wire"]
    alone = {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "The Daily Example"}}
    assert extract_article(page(ld=alone), URL)["authors"] == ["The Daily Example"]
    byline = '<h1>Headline of the story</h1><p class="byline">By John Roe</p>'
    assert extract_article(page(body=byline, ld=alone), URL)["authors"] == ["John Roe"]


def test_a_meta_author_that_is_an_e_mail_gives_way_to_the_written_by_card():
    head = (
        '<meta name="author" content="j.roe@news.example">'
        '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="John Roe">'
    )
    assert extract_article(page(head), URL)["authors"] == ["John Roe"]
    head = '<meta name="twitter:misc:Written by" content="Jane Doe">'
    assert extract_article(page(head), URL)["authors"] == ["Jane Doe"]


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Autor: Anna Berg und Max Kurz", ["Anna Berg", "Max Kurz"]),
        ("Av Kari Nordmann og Ola Nordmann", ["Kari Nordmann", "Ola Nordmann"]),
        ("Par Marie Curie et Paul Dupont", ["Marie Curie", "Paul Dupont"]),
        ("Elena Muster (emu), Oliver Probe (opr.)", ["Elena Muster", "Oliver Probe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Andrea Yde", ["Andrea Yde"]),
        ("Nicolas Perriault —", ["Nicolas Perriault"]),
        ("Bradley M. Kuhn (http://ebb.org/bkuhn/)", ["Bradley M. Kuhn"]),
        ("Rob Ewaschuk Edited by Betsy Beyer", ["Rob Ewaschuk"]),
        ("Brenda Goodman, MA", ["Brenda Goodman"]),
        ("Follow @erinmcunningham", []),
        ("Jane Doe @janedoe", ["Jane Doe"]),
        ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]),
        ("Jane Doe with John Roe", ["Jane Doe", "John Roe"]),
        ("View all posts by Daniel Lemire", ["Daniel Lemire"]),
        ("Zeige alle Beiträge von Petra Ruland", ["Petra Ruland"]),
        ("Eingestellt von der Michel", ["der Michel"]),
        ("Rezept von jesusfreak", ["jesusfreak"]),
        ("Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("Walter von Aachen", ["Walter von Aachen"]),
        ("Posted", []),
        ("No Author", []),
        ("Artikel von", []),
        ("Posted on September 21, 2020 by Adi Tzlil", ["Adi Tzlil"]),
        ("Erstellt von Andri Bryner", ["Andri Bryner"]),
        ("Gespeichert von rasos am 24. Juli 2017 - 18:05", ["rasos"]),
        ("Submitted by jdoe on Fri, 2019-01-04 10:00", ["jdoe"]),
        ("James Akinaka •", ["James Akinaka"]),
    ],
)
def test_bylines_split_into_names_in_several_languages(byline, names):
    assert split_names(byline) == names


def test_a_byline_class_inside_a_longer_class_name_is_a_byline():
    body = (
        '<h1>Attack stokes instability fears</h1><span class="tweet-authors">Follow @erinmc</span>'
        '<div class="pb-sig-line"><span class="pb-byline">By <a href="/people/erin">Erin Cunningham</a></span></div>'
        + PARAGRAPHS
    )
    assert extract_article(page(body=body), URL)["authors"] == ["Erin Cunningham"]


def test_a_byline_in_the_reader_comments_names_a_commenter_not_the_author():
    comments = (
        '<ul class="comments-list"><li class="comment"><div class="byline">J J</div><p>First!</p></li>'
        '<li class="comment"><div class="byline">S Sky</div><p>Nice.</p></li></ul>'
    )
    story = "<h1>Space ship breaks up over Siberia</h1>" + PARAGRAPHS
    assert extract_article(page(body=comments + story), URL)["authors"] == []
    signed = story.replace("</h1>", '</h1><div class="author-name">NATALIYA VASILYEVA</div>')
    assert extract_article(page(body=comments + signed), URL)["authors"] == ["NATALIYA VASILYEVA"]
    has_comments = '<div class="meta has-comments"><span class="byline">By Jane Roe</span></div>'
    assert extract_article(page(body=story + has_comments), URL)["authors"] == ["Jane Roe"]


def test_an_account_filed_as_the_author_gives_way_to_the_articles_sign_off():
    head = '<meta name="author" content="Nachrichten"><meta property="og:site_name" content="Wochenblatt">'
    signed = PARAGRAPHS + "<p>Wochenblatt / Última Hora</p><p><img src='/ad.gif' alt='Werbung'></p>"
    assert extract_article(page(head, "<h1>Itaipu schreibt aus</h1>" + signed), URL)["authors"] == ["Última Hora"]
    italic = PARAGRAPHS + "<p><i>IN-Redaktion</i></p><p><strong>Unterstützen Sie uns mit einer Spende.</strong></p>"
    assert extract_article(page(head, "<h1>Itaipu schreibt aus</h1>" + italic), URL)["authors"] == ["IN-Redaktion"]
    # A bold line alone is a heading, and a person filed as the author keeps the credit.
    heading = PARAGRAPHS + "<p><strong>Links</strong></p>"
    assert extract_article(page(head, "<h1>Itaipu schreibt aus</h1>" + heading), URL)["authors"] == ["Nachrichten"]
    person = head.replace("Nachrichten", "Jana Roth")
    assert extract_article(page(person, "<h1>Itaipu schreibt aus</h1>" + italic), URL)["authors"] == ["Jana Roth"]


def test_a_meta_author_giving_a_web_address_is_the_sites_builder_not_the_author():
    head = '<meta name="author" content="Web Commerce GmbH www.w-commerce.de">'
    assert extract_article(page(head, "<h1>Trauern digital</h1>" + PARAGRAPHS), URL)["authors"] == []
    signed = PARAGRAPHS.replace("<p>Paragraph 0", "<p class='author'>Alexandra Weber</p><p>Paragraph 0")
    assert extract_article(page(head, "<h1>Trauern digital</h1>" + signed), URL)["authors"] == ["Alexandra Weber"]


def test_an_agency_filed_in_article_author_meta_beats_the_outlet_naming_itself():
    ld = {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "NTV"}}
    head = '<meta property="og:site_name" content="NTV"><meta name="articleAuthor" content="Anadolu Ajansı">'
    html = page(head, "<h1>Süper Lig'de golcülerin yarışı kıyasıya</h1>" + PARAGRAPHS, ld)
    assert extract_article(html, "https://www.ntv.example/sporskor/golculer")["authors"] == ["Anadolu Ajansı"]


def test_a_microdata_author_is_a_byline_and_a_commenters_is_not():
    body = (
        '<h1>Headline of the story</h1><p>Par <span itemprop="author">Martin Untersinger</span></p>'
        + PARAGRAPHS
        + '<div class="comment-author" itemprop="author"><span>link78</span></div>'
    )
    assert extract_article(page(body=body), URL)["authors"] == ["Martin Untersinger"]
    commenter = '<h1>Headline of the story</h1>' + PARAGRAPHS + '<div class="comment-author" itemprop="author">link78</div>'
    assert extract_article(page(body=commenter), URL)["authors"] == []


def test_an_account_filed_as_the_json_ld_author_gives_way_to_the_printed_person():
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "CC7567"}}
    body = '<h1>Headline of the story</h1><span class="author vcard"><span class="author-name">James Akinaka</span></span> •' + PARAGRAPHS
    assert extract_article(page(body=body, ld=ld), URL)["authors"] == ["James Akinaka"]
    assert extract_article(page(body="<h1>Headline</h1>" + PARAGRAPHS, ld=ld), URL)["authors"] == ["CC7567"]


def test_the_byline_under_the_headline_wins_over_teasers_above_it():
    body = (
        '<div class="teaser"><span class="teaserAuthor">Other Writer</span></div>'
        '<h1>Headline of the story</h1><ul class="metaAuthorList"><li>Real Reporter</li></ul>' + PARAGRAPHS
    )
    assert extract_article(page(body=body), URL)["authors"] == ["Real Reporter"]


def test_a_meta_author_name_is_read_in_any_case():
    head = '<meta name="Author" content="Anna Berg und Max Kurz, Nairobi">'
    assert extract_article(page(head), URL)["authors"] == ["Anna Berg", "Max Kurz", "Nairobi"]


def test_a_logo_label_for_screen_readers_is_no_byline():
    body = (
        '<h1>Headline of the story</h1><div class="authors"><span class="authors__brand">'
        '<span class="u-visually-hidden">capital</span></span>'
        '<ul><li class="authors__item"><span>von</span> <b>Jemima Kelly</b></li></ul></div>' + PARAGRAPHS
    )
    assert extract_article(page(body=body), URL)["authors"] == ["Jemima Kelly"]


def test_screen_reader_labels_leave_byline_and_body_alike_and_tailwinds_undo_stays():
    label = '<span class="{cls}">Skip to the story</span>'
    for hidden in ("sr-only", "c-sr-only", "u-visually-hidden", "screen-reader-text", "blind"):
        html = page(body="<h1>Headline of the story</h1><article>" + label.format(cls=hidden) + PARAGRAPHS + "</article>")
        assert "Skip to the story" not in extract_article(html, URL)["body_html"], hidden
    shown = "<p class='sr-only not-sr-only'>A sentence every reader sees, part of the story itself.</p>"
    html = page(body="<h1>Headline of the story</h1><article>" + PARAGRAPHS + shown + "</article>")
    assert "A sentence every reader sees" in extract_article(html, URL)["body_html"]


def test_a_lead_word_in_an_element_of_its_own_is_no_name():
    body = '<h1>Headline</h1><div class="article-author"><p class="author__prefix">von</p></div>'
    assert extract_article(page(body=body), URL)["authors"] == []


def test_the_outlets_own_name_gives_way_to_a_reporter_linked_under_the_headline():
    head = '<meta property="og:site_name" content="LRZ"><meta name="author" content="LRZ">'
    body = (
        '<nav><a href="/autoren/">Autoren</a></nav><h1>Headline of the story</h1>'
        '<p class="meta">von <a href="/autoren/name/max-kolter">Dr. Max Kolter</a></p>' + PARAGRAPHS
    )
    assert extract_article(page(head, body), URL)["authors"] == ["Dr. Max Kolter"]
    agency = body.replace('<a href="/autoren/name/max-kolter">Dr. Max Kolter</a>', '<span class="author">APA</span>')
    assert extract_article(page(head, agency), URL)["authors"] == ["LRZ"]


# ---------------------------------------------------------------- lead image


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://i.example/1440x810_cmsv2_abc-123.jpg", "https://i.example/750x422_cmsv2_abc-123.jpg"),
        ("https://i.example/DYN/4242_W2040C2040x1360o0x0.jpg", "https://i.example/DYN/4242_M650x433.jpg"),
        ("https://i.example/_1270_getty-99-3.jpg", "https://i.example/480/_1270_getty-99-3.jpg.webp"),
        (
            "https://i.example/2024/05/Dark-Mode-AI.png",
            "https://i.example/2024/05/Dark-Mode-AI-e1715708581580.png",
        ),
        ("https://i.example/image/22967847ec0a", "https://i.example/image/22967847ec0a=w700"),
    ],
)
def test_image_stems_ignore_size_marks(a, b):
    assert _image_stem(a) == _image_stem(b)


def test_different_pictures_keep_different_stems():
    assert _image_stem("https://i.example/flood-rescue-800x600.jpg") != _image_stem(
        "https://i.example/fire-800x600.jpg"
    )


def test_the_printed_version_of_the_social_image_is_preferred():
    tree = lxml_html.document_fromstring(
        '<img src="https://i.example/384x216_cmsv2_abc-123.jpg" '
        'srcset="https://i.example/384x216_cmsv2_abc-123.jpg 384w, https://i.example/750x422_cmsv2_abc-123.jpg 750w">'
    )
    found = _printed_version(tree, "https://i.example/1440x810_cmsv2_abc-123.jpg", URL)
    assert found == "https://i.example/750x422_cmsv2_abc-123.jpg"


# ---------------------------------------------------------------- body


def test_a_teaser_list_loses_to_the_paragraphs_found_without_media(monkeypatch):
    teasers = "<html><body><h2>Jobs</h2><ul><li><h3>Nurse</h3><img src='a.jpg'></li></ul></body></html>"
    article = (
        "<html><body><p>" + "The article says a lot of things in its sentences. " * 5 + "</p></body></html>"
    )
    calls = []

    def fake(tree, url, fast, media=True):
        calls.append(media)
        return teasers if media else article

    monkeypatch.setattr(body_module, "_trafilatura", fake)
    tree = lxml_html.document_fromstring("<html><body><p>x</p></body></html>")
    result = body_module.extract_body(tree, URL)
    assert "The article says" in result and "Nurse" not in result
    assert calls == [True, True, False]


def test_every_form_of_the_headline_is_dropped_from_the_body():
    html = "<h2>Printed headline</h2><p>Social headline</p><p>The story itself is told here.</p>"
    assert lines(html, ["Filed headline", "Printed headline", "Social headline"]) == [
        "<p>The story itself is told here.</p>"
    ]


def test_an_embedded_post_keeps_its_text_for_the_extractor():
    tree = lxml_html.document_fromstring(
        '<html><body><div class="social-media-embed"><blockquote class="twitter-tweet"><p>A post</p>'
        "</blockquote></div></body></html>"
    )
    without_chrome(tree)
    assert tree.xpath("//div")[0].get("class") is None


def test_a_figcaption_becomes_the_title_of_its_image():
    tree = lxml_html.document_fromstring(
        '<html><body><figure><img src="a.jpg"><figcaption>Crowds at the station. Photo Agency</figcaption>'
        "</figure></body></html>"
    )
    without_chrome(tree)
    assert tree.find(".//img").get("title") == "Crowds at the station. Photo Agency"


def test_an_image_with_its_caption_in_one_run_of_text_is_a_figure():
    html = '<p>Text before.</p><img src="a.jpg" title="A tram in the depot. | Agency"> A tram in the depot.<p>Text after.</p>'
    assert lines(html) == [
        "<p>Text before.</p>",
        '<figure><img src="a.jpg" title="A tram in the depot. | Agency"><figcaption>A tram in the depot.</figcaption></figure>',
        "<p>Text after.</p>",
    ]


def test_caption_paragraphs_after_an_image_join_its_figure():
    html = '<img src="a.jpg" title="Cells seen under the microscope. Courtesy of A Lab"><p>Cells seen under the microscope.</p><p>Courtesy of A Lab</p><p>The story.</p>'
    result = lines(html)
    assert result[-1] == "<p>The story.</p>" and len(result) == 2 and "Courtesy of A Lab" in result[0]


def test_a_gallery_item_is_media_not_text():
    html = (
        '<ul><li><img src="a.jpg" alt="Two defence ministers shake hands in Hanoi on Wednesday. Photo: Agency">'
        "Two defence ministers shake hands in Hanoi on Wednesday. ... more Photo: Agency</li>"
        '<li><img src="b.jpg" alt="x"><figcaption>A crowd</figcaption></li></ul><p>The story.</p>'
    )
    assert lines(html) == ["<p>The story.</p>"]


def test_embed_code_printed_as_text_is_cut_from_a_paragraph():
    html = '<p>Attacks rose. &lt;iframe src="https://charts.example/1"&gt;&lt;/iframe&gt;&lt;script&gt;var a=1;&lt;/script&gt;They fell later.</p>'
    assert lines(html) == ["<p>Attacks rose.   They fell later.</p>"]


def test_number_only_paragraphs_go_and_separators_stay():
    assert lines("<p>12:58</p><p>0</p><p>___</p><p>The story.</p>") == ["<p>___</p>", "<p>The story.</p>"]


def test_short_link_only_paragraphs_go_and_sentences_with_links_stay():
    html = (
        '<p><a href="/other">SHOCK Manager sacked days before the play-offs</a></p>'
        '<p>The club <a href="/c">said</a> it was sorry.</p>'
        '<p>ソフト<a href="/k">KeePass</a>の起動キーと同じです。</p>'
    )
    assert lines(html) == [
        '<p>The club <a href="/c">said</a> it was sorry.</p>',
        '<p>ソフト<a href="/k">KeePass</a>の起動キーと同じです。</p>',
    ]
    long_link = (
        "<p><a href='/deal'>" + "A deal described at length in a whole paragraph of text. " * 4 + "</a></p>"
    )
    assert len(lines(long_link)) == 1


def test_a_pull_quote_that_repeats_a_paragraph_goes():
    sentence = "We know that warm seas put more water into the air than before."
    html = f"<p>Scientists agree. {sentence} It will rain more.</p><blockquote>{sentence}</blockquote><p>The end.</p>"
    assert lines(html) == [f"<p>Scientists agree. {sentence} It will rain more.</p>", "<p>The end.</p>"]
    assert len(lines(f"<p>Other text of the story here.</p><blockquote>{sentence}</blockquote>")) == 2


def test_menu_like_output_reads_as_labels_and_article_text_does_not():
    menu = (
        "<html><body><p>"
        + "\n".join(["News", "Politics", "Sports", "Business & Economy"] * 10)
        + "</p></body></html>"
    )
    article = (
        "<html><body><p>" + "The council voted on Tuesday to close the bridge. " * 8 + "</p></body></html>"
    )
    assert body_module._reads_like_labels(menu)
    assert not body_module._reads_like_labels(article)


def test_a_menu_from_the_fast_pass_sends_the_page_to_the_full_pass(monkeypatch):
    menu = (
        "<html><body><p>" + "\n".join(["News", "Politics", "Sports", "Culture"] * 30) + "</p></body></html>"
    )
    article = (
        "<html><body><p>"
        + "The council voted on Tuesday to close the old bridge for good. " * 30
        + "</p></body></html>"
    )
    monkeypatch.setattr(
        body_module, "_trafilatura", lambda tree, url, fast, media=True: menu if fast else article
    )
    tree = lxml_html.document_fromstring("<html><body><p>x</p></body></html>")
    assert "The council voted" in body_module.extract_body(tree, URL)


def test_an_aside_that_holds_the_whole_story_is_not_chrome():
    story = "".join(f"<p>Sentence {n} of the story, long enough to be text.</p>" for n in range(10))
    tree = lxml_html.document_fromstring(
        f"<html><body><nav>Home</nav><aside>{story}</aside><aside>Ads</aside></body></html>"
    )
    text = without_chrome(tree).text_content()
    assert "Sentence 9 of the story" in text and "Home" not in text and "Ads" not in text



def test_an_aside_that_holds_the_headline_and_a_short_agency_story_is_not_chrome():
    menu = "<ul>" + "".join(f"<li><a href='/s{n}'>Section {n}</a></li>" for n in range(30)) + "</ul>"
    story = "<h1>Witzel wins the book prize</h1><p>Frankfurt (dpa) - The novel won.</p><p>The jury praised it.</p>"
    tree = lxml_html.document_fromstring(
        f"<html><body><nav>{menu}</nav><aside class='content'>{story}</aside><aside><p>Ads</p><p>More ads</p></aside></body></html>"
    )
    text = without_chrome(tree).text_content()
    assert "The jury praised it" in text and "Section 3" not in text and "More ads" not in text


@pytest.mark.parametrize(
    "line",
    [
        "Publicerad 14:14",
        "Uppdaterad 15.59",
        "Aktualisiert am 3. Mai 2024, 10:12 Uhr",
        "Güncelleme 20 Nisan 2026",
        "Fotoğraf: Ajans / AA",
        "Bild: Agentur",
    ],
)
def test_time_stamps_and_photo_credits_in_other_languages_leave_the_body(line):
    assert lines(f"<p>The story itself is told here.</p><p>{line}</p>") == [
        "<p>The story itself is told here.</p>"
    ]


def test_a_sentence_that_starts_like_a_label_stays():
    html = "<p>Stand der Dinge ist, dass der Rat am Montag wieder tagt.</p>"
    assert lines(html) == [html]


@pytest.mark.parametrize(
    "label", ["Most read in Football", "More from The Example", "Czytaj więcej", "Lesen Sie auch"]
)
def test_labels_of_more_stories_boxes_leave_the_body(label):
    assert lines(f"<p>The story itself is told here.</p><h2>{label}</h2>") == [
        "<p>The story itself is told here.</p>"
    ]


def test_a_long_paragraph_opening_with_such_words_stays():
    html = "<p>Trending upwards for a third month, prices of houses in the capital rose again in May.</p>"
    assert lines(html) == [html]


def test_image_credits_lines_leave_the_body():
    assert lines("<p>The story itself is told here.</p><p>Image Credits:Example Inc</p>") == [
        "<p>The story itself is told here.</p>"
    ]


def test_a_list_of_labelled_links_to_other_stories_goes():
    items = "".join(
        f'<li><strong>Topic {n}:</strong> <a href="/s/{n}">Another story about something else entirely</a></li>'
        for n in range(4)
    )
    assert lines(f"<p>The story itself is told here.</p><ul>{items}</ul>") == [
        "<p>The story itself is told here.</p>"
    ]
    prose = "".join(
        f"<li>Point {n} of the plan, with <a href='/d'>a link</a> inside a sentence.</li>" for n in range(4)
    )
    assert len(lines(f"<ul>{prose}</ul>")) == 1


def test_a_figure_caption_printed_without_its_image_leaves_the_body(monkeypatch):
    page_html = (
        "<html><body><article><p>The story itself is told here.</p>"
        '<figure><img src="a.jpg"><figcaption>The writer (left) on the island.</figcaption></figure></article></body></html>'
    )
    extracted = "<html><body><p>The story itself is told here.</p><p>The writer (left) on the island.</p></body></html>"
    monkeypatch.setattr(body_module, "_trafilatura", lambda tree, url, fast, media=True: extracted)
    monkeypatch.setattr(body_module, "_looks_short", lambda extracted, reference: False)
    result = body_module.extract_body(lxml_html.document_fromstring(page_html), URL)
    assert result == "<p>The story itself is told here.</p>"


def test_a_link_wrapped_around_a_teaser_card_is_not_article_text():
    teaser = (
        '<a href="/other-story"><h3>Another story</h3>'
        "<p>RISK REMAINS: the first lines of another story, long enough to pass for a paragraph.</p></a>"
    )
    tree = lxml_html.document_fromstring(f"<html><body><article>{PARAGRAPHS}{teaser}</article></body></html>")
    text = without_chrome(tree).text_content()
    assert "Paragraph 5 of the story" in text and "RISK REMAINS" not in text


def test_a_paywall_notice_ends_the_article():
    html = (
        "<p>The story itself is told here.</p><p>This article is for subscribers only.</p>"
        "<ul><li>Unlimited access to every story</li></ul><p>Subscribe today and save half.</p>"
    )
    assert lines(html) == ["<p>The story itself is told here.</p>"]
    japanese = "<p>地震があった。</p><p>この記事は会員限定です。</p><p>登録すると読み放題です。</p>"
    assert lines(japanese) == ["<p>地震があった。</p>"]


def test_a_sentence_about_subscribers_is_not_a_paywall():
    html = "<p>The paper said the offer is for subscribers only, and readers were angry about it.</p><p>More.</p>"
    assert len(lines(html)) == 2


def test_a_cjk_time_stamp_line_leaves_the_body():
    assert lines("<p>2025年1月14日 01時28分 (1月14日 01時40分更新)</p><p>地震があった。</p>") == [
        "<p>地震があった。</p>"
    ]
    assert lines("<p>2025年、地震があった。</p>") == ["<p>2025年、地震があった。</p>"]


@pytest.mark.parametrize(
    "line",
    [
        "Empfohlener redaktioneller Inhalt",
        "Ich bin damit einverstanden, dass mir der externe Inhalt angezeigt wird. Damit können "
        "personenbezogene Daten an Drittplattformen übermittelt werden.",
        "This content is provided by a third party. Accept cookies to view it.",
        "showPaywall:",
        "false",
        "Join our commenting forum",
        "Von Nina Muster",
    ],
)
def test_consent_placeholders_script_settings_prompts_and_bylines_leave_the_body(line):
    assert lines(f"<p>The story itself is told here.</p><p>{line}</p>") == [
        "<p>The story itself is told here.</p>"
    ]


STANDFIRST = "The council voted to close the old bridge for two years while engineers rebuild it."


def standfirst_page(lead_html: str) -> str:
    head = f'<meta property="og:description" content="{STANDFIRST}">'
    return page(head, f"<article><h1>Bridge closes</h1>{lead_html}{PARAGRAPHS}</article>")


def test_the_printed_standfirst_is_a_field_of_its_own(monkeypatch):
    html = standfirst_page(f'<p class="lead"><strong>{STANDFIRST}</strong></p>')
    extracted = f"<html><body>{PARAGRAPHS}</body></html>"  # the extractor dropped it as page header
    monkeypatch.setattr(body_module, "_trafilatura", lambda tree, url, fast, media=True: extracted)
    fields = extract_article(html, URL)
    assert fields["standfirst"] == STANDFIRST
    assert fields["body_html"].startswith("<p>Paragraph 0")
    tree = lxml_html.document_fromstring(html)
    assert body_module.extract_body(tree, URL, summaries=[STANDFIRST]).startswith(f"<p>{STANDFIRST}</p>\n<p>Paragraph 0")


def test_a_description_the_page_does_not_print_is_not_added(monkeypatch):
    extracted = f"<html><body>{PARAGRAPHS}</body></html>"
    monkeypatch.setattr(body_module, "_trafilatura", lambda tree, url, fast, media=True: extracted)
    fields = extract_article(standfirst_page(""), URL)
    assert fields["body_html"].startswith("<p>Paragraph 0") and fields["standfirst"] is None


def test_a_lead_paragraph_that_the_description_copies_stays_in_the_body():
    fields = extract_article(standfirst_page(f"<p>{STANDFIRST}</p>"), URL)
    assert fields["standfirst"] is None
    assert fields["body_html"].count("The council voted") == 1


def test_separators_between_links_do_not_count_as_a_label():
    items = "".join(
        f'<li>Profiles of the accused: <a href="/p/{n}a">Jan Novak</a> | <a href="/p/{n}b">Petr Svoboda</a> | '
        f'<a href="/p/{n}c">Eva Dvorak</a></li>'
        for n in range(3)
    )
    assert lines(f"<p>The story itself is told here.</p><ul>{items}</ul>") == [
        "<p>The story itself is told here.</p>"
    ]


# ---------------------------------------------------------------- a short article is an article

SHORT_TEMPLATED = """
<header><nav><a href="/">Home</a> | <a href="/news/">News</a></nav></header>
<main><article class="article-view">
  <header><h1>[프로야구] 4일 경기 결과…펠리컨스 5연승</h1>
  <div class="byline">파트너통신 배지성 기자</div><div class="dates">입력 2024.06.04 22:40</div>
  <div class="share"><a href="#">공유하기</a> <a href="https://facebook.example/">Facebook</a></div></header>
  <div class="article-body">
    <p>4일 전국 5개 구장에서 열린 프로야구 정규시즌 경기 결과는 다음과 같다.</p>
    <table><tr><th>구장</th><th>원정</th><th>점수</th><th>홈</th></tr>
      <tr><td>잠실</td><td>부산 돌핀스</td><td>3-5</td><td>한강 펠리컨스</td></tr>
      <tr><td>대전</td><td>인천 씨호크스</td><td>2-7</td><td>대전 스타즈</td></tr></table>
    <p>한강 펠리컨스는 부산 돌핀스를 5-3으로 꺾고 5연승을 달렸다.</p>
  </div>
  <p class="copyright">ⓒ 파트너통신 무단전재 및 재배포 금지</p>
  <section class="related"><h3>관련기사</h3><ul><li><a href="/a">[날씨] 서울 흐림…낮 최고 22도</a></li>
  <li><a href="/b">코스피 2,631.57 마감…0.7% 하락</a></li></ul></section>
</article></main>
"""


def test_a_short_article_with_a_table_keeps_its_paragraphs_and_table():
    """trafilatura's last resort ran such a page into one paragraph: headline, byline, share buttons."""
    fields = extract_article(page(body=SHORT_TEMPLATED), URL)
    root = lxml_html.fragment_fromstring(fields["body_html"], create_parent="div")
    assert [child.tag for child in root] == ["p", "table", "p"]
    assert root[0].text_content().startswith("4일 전국 5개 구장에서")
    assert len(root[1].findall(".//tr")) == 3
    for chrome in ("경기 결과…펠리컨스", "배지성 기자", "입력 2024", "공유하기", "관련기사", "무단전재", "서울 흐림"):
        assert chrome not in fields["body_html"], chrome


def test_a_body_run_together_with_its_headline_is_a_failed_extraction():
    run_together = "<html><body><p>The headline of the story Jane Doe 3 June 2024 Share Facebook Twitter The story text.</p></body></html>"
    assert body_module._runs_together(body_module._parsed(run_together), ["The headline of the story"])
    several_blocks = "<html><body><p>The headline of the story, as the first sentence says.</p><p>More text.</p></body></html>"
    assert not body_module._runs_together(body_module._parsed(several_blocks), ["The headline of the story"])
    a_link_to_itself = "<html><body><p>Read it at https://news.example/the-headline-of-the-story-and-more-words-here</p></body></html>"
    assert not body_module._runs_together(body_module._parsed(a_link_to_itself), ["The headline of the story"])


def test_a_page_whose_text_cannot_be_found_never_gives_its_chrome_as_body():
    """No article element, no paragraphs: the page's text nodes only. No body beats a run-together one."""
    chrome = (
        "<div class='top'><span>Home</span> <span>World</span> <span>Sports</span></div>"
        "<div class='title'><span>Storm closes the harbour for a third day running</span></div>"
        "<div class='meta'><span>By Jane Doe</span> <span>3 June 2024</span> <span>Share</span></div>"
        "<div class='teasers'><span>Markets fall on rate fears</span> <span>Heatwave warning issued</span></div>"
    )
    fields = extract_article(
        page(head="<title>Storm closes the harbour for a third day running</title>", body=chrome), URL
    )
    body = fields["body_html"] or ""
    assert "Storm closes the harbour" not in body and "Jane Doe" not in body and "Share" not in body


def test_a_korean_desk_is_no_author_but_a_reporter_is():
    assert split_names("보도국") == [] and split_names("온라인뉴스팀") == [] and split_names("디지털뉴스부") == []
    assert split_names("김민국 기자") == ["김민국"]


# ---------------------------------------------------------------- transcripts and printed copies


def test_speaker_lines_of_a_transcript_are_text_and_related_links_are_not():
    transcript = (
        "<div>■ 방송 : 라디오 정치쇼 (FM 103.5 MHz)<br>■ 진행 : 김진행 변호사<br><br>"
        "▷김진행 : 오늘 사안이 급박해서 인터뷰를 하나 더 준비했습니다. 전화 연결돼 있습니다.<br><br>"
        "▶이출연 : 안녕하세요. 입장 변화 가능성을 상당히 강하게 보인 것이라고 봅니다.<br><br>"
        '<a href="/other">▶ 다른 기사: 코스피 2,631.57 마감</a></div>'
    )
    kept = lines(transcript)
    assert kept[0] == "<p>■ 방송 : 라디오 정치쇼 (FM 103.5 MHz)</p>"
    assert any(line.startswith("<p>▷김진행 : 오늘") for line in kept)
    assert any(line.startswith("<p>▶이출연 : 안녕하세요.") for line in kept)
    assert not any("코스피" in line for line in kept)


def test_a_print_copy_of_the_article_is_not_a_second_body():
    paragraphs = [f"문단 {n}: 검찰은 차량 운전자를 상대로 정확한 경위를 수사하고 있습니다." for n in range(5)]
    screen = "<br><br>".join(paragraphs)
    html = (
        f'<h2 class="blind">기사 본문 영역</h2><div id="cont_newstext">{screen}</div>'
        f'<div class="hide" id="print"><div class="view_con_text">{screen}</div></div>'
    )
    body = extract_article(page(head="<title>멕시코 실종자 모두 발견</title>", body=html), URL)["body_html"]
    texts = [" ".join(p.text_content().split()) for p in lxml_html.fragment_fromstring(body, create_parent="div")]
    assert texts == paragraphs


def test_a_recurring_run_of_short_blocks_stays():
    blocks = ["<h2>Plan A</h2>", "<p>Eggs and asparagus, one cup.</p>", "<p>Portion: one green.</p>"]
    blocks += ["<p>A long explanation of the plan, why it works, and what to expect of it over weeks.</p>" * 3]
    blocks += ["<h2>Plan B</h2>", "<p>Eggs and asparagus, one cup.</p>", "<p>Portion: one green.</p>"]
    assert body_module._without_second_copy(blocks) == blocks


def test_a_client_rendered_page_gives_the_text_of_its_embedded_state():
    state = {
        "headlines": {"basic": "건설현장 갈취 조폭 검거"},
        "subheadlines": {"basic": "조폭 3명 등 가담한 6명 구속"},
        "content_elements": [
            {"type": "image", "url": "https://img.example/1.jpg"},
            {"type": "text", "content": "건설현장을 찾아다니며 현장소장 등을 협박한 조직폭력배들이 검거됐다."},
            {"type": "text", "content": "경찰은 간부 6명을 구속해 검찰에 송치했다고 5일 밝혔다."},
        ],
    }
    html = page(
        head="<title>건설현장 갈취 조폭 검거</title>",
        body='<div id="fusion-app">Could not render component</div>'
        f"<script>Fusion.globalContent={json.dumps(state, ensure_ascii=False)};Fusion.x=1;</script>",
    )
    fields = extract_article(html, URL)
    texts = [p.text_content() for p in lxml_html.fragment_fromstring(fields["body_html"], create_parent="div")]
    assert texts == [e["content"] for e in state["content_elements"][1:]]
    assert fields["standfirst"] == "조폭 3명 등 가담한 6명 구속"
    next_data = {"props": {"pageProps": {"story": {"blocks": [
        {"type": "paragraph", "text": "First paragraph of a Next.js story, long enough to read."},
        {"type": "paragraph", "text": "Second paragraph of the same story, as the page will draw it."},
    ]}}}}  # fmt: skip
    html = page(body=f'<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">{json.dumps(next_data)}</script>')
    assert "Second paragraph of the same story" in extract_article(html, URL)["body_html"]


# ---------------------------------------------------------------- Korean bylines and site prefixes


@pytest.mark.parametrize(
    "byline,names",
    [("서울=이정준 기자", ["이정준"]), ("스포츠조선=선수민 기자", ["선수민"]), ("이정화 에디터", ["이정화"]), ("홍길동 인턴기자", ["홍길동"])],
)
def test_korean_bylines_keep_the_name_only(byline, names):
    assert split_names(byline) == names


@pytest.mark.parametrize(
    "text,names",
    [
        ("[서울=뉴시스]김철수 기자 = 정부가 4일 발표했다.", ["김철수"]),
        ("【서울=뉴스핌】김철수 기자 = 정부가 4일 발표했다.", ["김철수"]),
        ("MBN 김철수 기자입니다.", ["김철수"]),
        ("김철수·이영희 기자입니다.", ["김철수", "이영희"]),
        ("김철수 기자가 현장을 다녀왔습니다.", []),
        ("김철수 기자회견이 열렸다.", []),
    ],
)
def test_korean_bylines_after_a_bracket_and_in_a_broadcast_sign_off(text, names):
    assert korean_bylines(text) == names


def test_a_broadcast_hand_over_to_the_reporter_stays_in_the_transcript():
    body = "<h1>통신선 불통</h1><p>정부는 상황을 지켜본다는 입장입니다.</p><p>김수연 기자입니다.</p>" + PARAGRAPHS
    assert "김수연 기자입니다." in extract_article(page(body=body), URL)["body_html"]


def test_the_outlets_own_name_gives_way_to_the_reporter_printed_on_the_page():
    html = page(
        head='<meta property="og:site_name" content="예시일보"><meta name="author" content="예시일보">',
        body=f"<h1>정부, 새 정책 발표</h1><p>예시일보 김기자 기자</p>{PARAGRAPHS}",
    )
    assert extract_article(html, URL)["authors"] == ["김기자"]


def test_a_client_rendered_page_credits_the_byline_it_prints():
    state = {
        "credits": {"by": [{"name": "상은 권", "additional_properties": {"original": {"byline": "권상은 기자"}}}]},
        "content_elements": [{"type": "text", "content": f"문단 {n}입니다. 경찰은 간부들을 구속했다."} for n in range(3)],
    }
    html = page(
        head='<meta property="og:site_name" content="예시일보"><meta name="author" content="예시일보">',
        body=f"<script>Fusion.globalContent={json.dumps(state, ensure_ascii=False)};</script>",
    )
    assert extract_article(html, URL)["authors"] == ["권상은"]


def test_a_site_name_printed_before_the_headline_is_cut():
    html = page(
        head='<meta property="og:site_name" content="대전일보"><title>대전일보 모바일 :: 코로나19 극복 성금 기탁 줄 잇는다</title>',
        body=PARAGRAPHS,
    )
    assert extract_article(html, URL)["title"] == "코로나19 극복 성금 기탁 줄 잇는다"


def test_json_ld_image_versions_give_the_largest():
    ld = {
        "@type": "NewsArticle",
        "headline": "A story",
        "image": [
            "https://img.example/news/201775214.jpg",
            "https://img.example/news/201775214_1280.jpg",
            "https://img.example/news/201775214_700.jpg",
        ],
    }
    assert extract_article(page(body=PARAGRAPHS, ld=ld), URL)["image"] == "https://img.example/news/201775214_1280.jpg"


def test_the_picture_at_the_top_of_the_article_text_is_the_lead_image():
    body = (
        '<div itemprop="articleBody"><div class="photo"><img src="https://img.example/placeholder.png" '
        'data-src="//img.example/news/wheelchair_1280.jpg" alt="휠체어"></div>'
        f"<br>{PARAGRAPHS}<img src='https://img.example/news/train.jpg'></div>"
    )
    html = page(head='<meta property="og:image" content="https://img.example/news/train.jpg">', body=body)
    assert extract_article(html, URL)["image"] == "https://img.example/news/wheelchair_1280.jpg"
    text_first = f'<div itemprop="articleBody">{PARAGRAPHS}<img src="https://img.example/news/late.jpg"></div>'
    html = page(head='<meta property="og:image" content="https://img.example/news/train.jpg">', body=text_first)
    assert extract_article(html, URL)["image"] == "https://img.example/news/train.jpg"


# ---------------------------------------------------------------- markup that used to lose fields


def test_a_page_that_starts_with_an_xml_declaration_keeps_its_fields():
    html = '<?xml version="1.0" encoding="iso-8859-1"?>' + page(body=f"<h1>Déclaré en XML, le titre</h1>{PARAGRAPHS}")
    for given in (html, html.encode("iso-8859-1", "replace")):
        fields = extract_article(given, URL)
        assert fields["title"] == "Déclaré en XML, le titre" if isinstance(given, str) else fields["title"]
        assert "Paragraph 5 of the story" in fields["body_html"]


def test_text_after_inline_code_and_after_a_block_stays():
    more = "".join(f"<p>Later paragraph {n} says what came after, with other details.</p>" for n in range(3))
    html = page(body=f"<h1>Code story</h1>{PARAGRAPHS}<p>Call <code>foo()</code> and the rest of the sentence follows.</p>{more}")
    body = extract_article(html, URL)["body_html"]
    assert "<p>Call <code>foo()</code> and the rest of the sentence follows.</p>" in body
    assert lines("<div><p>One paragraph of text.</p>And the loose text after it, a sentence too.</div>") == [
        "<p>One paragraph of text.</p>",
        "<p>And the loose text after it, a sentence too.</p>",
    ]


def test_a_control_character_reference_in_one_link_does_not_suppress_the_body():
    hostile = '<p><a href="https://x.example/&#14;a" title="&#x1F;">a link</a> and text after it that is long enough.</p>'
    body = extract_article(page(body=f"<h1>Control story</h1>{PARAGRAPHS}{hostile}"), URL)["body_html"]
    assert "Paragraph 5 of the story" in body and "text after it" in body
    assert extract_article(page(body="<h1>Dash &#8211; kept</h1>" + PARAGRAPHS), URL)["title"] == "Dash – kept"


def test_a_literal_control_character_in_the_page_does_not_suppress_the_body():
    for hostile in ("<p>A vertical tab\x0b in text, then the rest of the sentence goes on.</p>",
                    '<p><img src="a.jpg" alt="form\x0cfeed"> and text after it that is long enough.</p>'):  # fmt: skip
        body = extract_article(page(body=f"<h1>Control story</h1>{PARAGRAPHS}{hostile}"), URL)["body_html"]
        assert body and "Paragraph 5 of the story" in body, hostile
        assert "\x0b" not in body and "\x0c" not in body


def test_a_noscript_that_swallows_the_page_keeps_the_article():
    swallowed = (
        '<noscript><div id="nojs"></noscript><h1>Bears in record year</h1>'
        f"{PARAGRAPHS}<noscript></div></noscript>"
    )
    body = extract_article(page(body=swallowed), URL)["body_html"]
    assert body and "Paragraph 5 of the story" in body
    ordinary = f"<h1>Bears in record year</h1>{PARAGRAPHS}<noscript><p>Please enable JavaScript to see the map.</p></noscript>"
    assert "enable JavaScript" not in extract_article(page(body=ordinary), URL)["body_html"]



def test_a_post_printed_only_for_readers_without_scripts_is_the_body_and_a_copy_is_not_doubled():
    post = "".join(f"<p>Paragraph {n} of the post says what the feature does and who gets it.</p>" for n in range(9))
    rendered_by_script = f'<h1>Safe browsing, enhanced</h1><div class="post-body" id="post"></div><noscript>{post}</noscript>'
    body = extract_article(page(body=rendered_by_script), URL)["body_html"]
    assert body and "Paragraph 8 of the post" in body
    copied = lxml_html.document_fromstring(
        f"<h1>Safe browsing, enhanced</h1><article>{post}</article><noscript><div>{post}</div></noscript>"
    )
    _drop_noscript(copied)
    assert copied.text_content().count("Paragraph 8 of the post") == 1


def test_a_cookie_notice_does_not_replace_a_run_together_article_laid_out_in_tables():
    rows = "".join(
        f"<tr><td><h5>Option {n}</h5><p>Choose how the game treats option {n}.</p></td><td><ul><li>On</li></ul></td></tr>"
        for n in range(12)
    )
    notice = (
        "<div class='cli-privacy'>This website uses cookies to improve your experience while you browse."
        " Necessary cookies are stored in your browser; others only with your consent.</div>"
    )
    tables = lxml_html.document_fromstring(f"<html><body><h1>Game settings</h1><table>{rows}</table>{notice}</body></html>")
    run_together = body_module._parsed(
        "<p>Game settings " + " ".join(f"Option {n} Choose how the game treats option {n}. On" for n in range(12)) + "</p>"
    )
    assert body_module._own_blocks_or(run_together, tables) is run_together
    nothing_of_its_own = lxml_html.document_fromstring(f"<html><body><h1>Game settings</h1><table>{rows}</table></body></html>")
    assert body_module._own_blocks_or(run_together, nothing_of_its_own) is None  # no article there either
    prose = "".join(f"<p>Paragraph {n} of the story, printed as a paragraph of its own.</p>" for n in range(12))
    paragraphs = lxml_html.document_fromstring(f"<html><body><h1>Game settings</h1><div>{prose}</div>{notice}</body></html>")
    kept = body_module._own_blocks_or(run_together, paragraphs)
    assert "Paragraph 11 of the story" in kept.text_content() and "cookies" not in kept.text_content()


def test_a_hidden_print_copy_of_the_article_goes_and_a_hidden_only_copy_stays():
    lines = [f"뉴스 문장 {n}번입니다. 경찰은 사건의 배후를 조사하고 있다고 밝혔습니다." for n in range(8)]
    text = "<br><br>".join(lines)
    copy_in_print_box = (
        f'<h1>강남 사건 속보</h1><div id="cont_newstext">{text}</div>'
        f'<div class="hide" id="mailHtmlContentsTop"><div class="view_con_text">{lines[0]}<br><br>{lines[3]}<br><br>{text}</div></div>'
    )
    tree = without_chrome(lxml_html.document_fromstring(page(body=copy_in_print_box)))
    assert tree.text_content().count(lines[5]) == 1
    revealed_by_script = f'<h1>강남 사건 속보</h1><div class="paywall" hidden>{text}</div>'
    tree = without_chrome(lxml_html.document_fromstring(page(body=revealed_by_script)))
    assert lines[5] in tree.text_content()


def test_a_broadcast_reports_sign_off_credits_and_tip_lines_are_not_its_text():
    transcript = [
        "[앵커]", "강남 사건 속보입니다.", "▶ 앵커 : 현장 분위기는 어떻습니까?",
        "기자: 현장에 나가 보니 피해가 컸습니다.", "저는 홍길동입니다.", "이윤우 기자의 보도입니다.",
    ]  # fmt: skip
    trailer = [
        "KBS 뉴스 이윤우입니다.", "MBC뉴스 홍길동입니다.", "영상편집:김선영",
        "( 취재 : 안서현 / 영상편집 : 동준엽 / 제작 : D뉴스플랫폼부 )",
        "▷ 카카오톡 : 'KBS제보' 검색", "▷ 전화 : 02-781-1234", "▷ 뉴스홈페이지 : https://goo.gl/4bWbkG",
    ]  # fmt: skip
    kept = lines("".join(f"<p>{line}</p>" for line in transcript + trailer))
    assert kept == [f"<p>{line}</p>" for line in transcript]


def test_a_signature_run_into_the_last_sentence_goes_and_the_sentence_stays():
    html = "<p>노경은은 삼진을 잡았다.</p><p>박시영은 변상권을 병살타로 처리했다.부산=선수민 기자 sunsoo@sportschosun.com</p>"
    assert lines(html) == ["<p>노경은은 삼진을 잡았다.</p>", "<p>박시영은 변상권을 병살타로 처리했다.</p>"]
    assert lines("<p>문의: desk@news.example</p>") == []


def test_the_lead_printed_loose_after_a_photo_box_is_kept():
    lead = "Anchor: After heavy downpours on Monday, Tuesday morning <b>was met</b> with strong, cold winds."
    more = "<br><br>".join(f"Report line {n} tells what the reporter saw in the streets on the day." for n in range(6))
    body = (
        '<h1>Colder on Wednesday</h1><div class="body_txt"><div class="img_box"><img src="/cold.jpg">'
        f'<p class="cap">Photo : YONHAP News</p></div>{lead}<br><br>{more}</div>'
    )
    text = extract_article(page(body=body), URL)["body_html"]
    assert "Anchor: After heavy downpours on Monday, Tuesday morning <strong>was met</strong> with strong" in text


def test_a_heading_that_heads_nothing_goes_and_one_over_text_stays():
    html = (
        "<h2>How it works</h2><p>The tutorial consists of these blocks, explained one by one.</p>"
        "<h2>Videos zum Thema</h2><h2>Part two</h2><p>The second part goes on with the rest of it.</p>"
        "<h2>Related Tutorials</h2>"
    )
    assert lines(html) == [
        "<h2>How it works</h2>",
        "<p>The tutorial consists of these blocks, explained one by one.</p>",
        "<h2>Part two</h2>",
        "<p>The second part goes on with the rest of it.</p>",
    ]


def test_a_printed_date_in_cyrillic_is_read_where_the_page_declares_no_language():
    story = "".join(f"<p>Абзац {n}: нападающий сборной Германии объявил о завершении карьеры в сборной.</p>" for n in range(6))
    html = (
        '<html><head><meta charset="utf-8"><title>Подольски завершил карьеру</title></head><body>'
        f'<h1>Подольски завершил карьеру</h1><p class="date">15 августа 2016, 13:43</p><article>{story}</article></body></html>'
    )
    assert extract_article(html, "https://football.example/news/311510.html")["published"].startswith("2016-08-15T13:43")


def test_srcset_urls_with_commas_are_whole_urls():
    from crawler.extract import srcset_candidates

    srcset = "https://img.example/c_fill,w_400/a/harbour-storm.jpg 400w, https://img.example/c_fill,w_1200/a/harbour-storm.jpg 1200w"
    assert srcset_candidates(srcset) == [
        ("https://img.example/c_fill,w_400/a/harbour-storm.jpg", "400w"),
        ("https://img.example/c_fill,w_1200/a/harbour-storm.jpg", "1200w"),
    ]
    html = page(
        head='<meta property="og:image" content="https://img.example/a/harbour-storm.jpg">',
        body=f'<h1>Srcset story</h1><img srcset="{srcset}">{PARAGRAPHS}',
    )
    assert extract_article(html, URL)["image"] == "https://img.example/c_fill,w_1200/a/harbour-storm.jpg"


def test_json_ld_in_cdata_is_read():
    ld = '{"@type":"NewsArticle","headline":"CDATA headline","datePublished":"2023-11-01T11:35:00+01:00","author":{"@type":"Person","name":"Jana Nováková"}}'
    html = page(head=f'<script type="application/ld+json">//<![CDATA[\n{ld}\n//]]></script>', body=PARAGRAPHS)
    fields = extract_article(html, URL)
    assert (fields["title"], fields["published"], fields["authors"]) == (
        "CDATA headline", "2023-11-01T11:35:00+01:00", ["Jana Nováková"]
    )


def test_a_sections_h1_gives_way_to_the_document_title_printed_as_a_heading():
    body = (
        '<div class="titlebar"><h1>Allergies Health Center</h1></div>'
        f"<div><h2>Babies Who Eat Peanuts Early May Avoid Allergy</h2>{PARAGRAPHS}</div>"
    )
    html = page("<title>Babies Who Eat Peanuts Early May Avoid Allergy</title>", body)
    assert extract_article(html, URL)["title"] == "Babies Who Eat Peanuts Early May Avoid Allergy"
    unprinted = page("<title>Allergy news and more</title>", body)
    assert extract_article(unprinted, URL)["title"] == "Allergies Health Center"


def test_the_json_ld_name_that_the_h1_prints_beats_a_descriptive_headline():
    ld = {"@type": "Article", "name": "Hermitian matrix", "headline": "matrix equal to its conjugate-transpose"}
    assert extract_article(page(body=f"<h1>Hermitian matrix</h1>{PARAGRAPHS}", ld=ld), URL)["title"] == "Hermitian matrix"


@pytest.mark.parametrize(
    "lang,printed,expected",
    [
        ("de", "Veröffentlicht am 01.11.2023 11:35", "2023-11-01T11:35:00+01:00"),
        ("de-AT", "Stand: 25.01.2022", "2022-01-25T00:00:00+01:00"),
        ("ru", "15 августа 2016", "2016-08-15T00:00:00"),
        ("is-IS", "16. apríl 2025 kl. 23:40", "2025-04-16T23:40:00+00:00"),
    ],
)
def test_dates_printed_in_local_forms_are_read_in_the_page_zone(lang, printed, expected):
    html = f'<html lang="{lang}"><body><h1>Local date story</h1><p class="date">{printed}</p>{PARAGRAPHS}</body></html>'
    published = extract_article(html, URL)["published"]
    assert published and published.startswith(expected), published


def test_a_day_first_date_in_a_comment_does_not_beat_the_page_date():
    """Dotted and worded dates in the text are often other dates: they give the time of the
    day the markup search found, or stand alone; they never overrule it."""
    html = (
        '<html lang="de"><body><h1>Eröffnet</h1>'
        f"{PARAGRAPHS}<div class='comment'>Kommentar vom 18.10.2021 09:12</div></body></html>"
    )
    published = extract_article(html, "https://news.example/2021/10/20/eroeffnet")["published"]
    assert published.startswith("2021-10-20"), published


def test_a_date_kept_only_in_the_pages_embedded_state_is_found():
    state = '{"publishedDate":"2016-11-04T20:37:27Z","updatedDate":"2016-11-04T20:39:47Z"}'
    html = (
        f'<html lang="en"><body><h1>A review</h1><script type="application/json">{state}</script>'
        f"{PARAGRAPHS}</body></html>"
    )
    published = extract_article(html, "https://reviews.example/r/5a1c")["published"]
    assert published and published.startswith("2016-11-04"), published


def test_a_related_storys_time_does_not_date_the_page():
    related = (
        '<ul class="related"><li><article><h4><a href="/2020/other">Other story</a></h4>'
        '<time datetime="2020-12-03 07:32:49">3. Dezember 2020</time></article></li></ul>'
    )
    html = (
        f'<html lang="de"><body><header>{related}</header><article><h1>Intendanten-Wechsel</h1>'
        f'<p class="meta"><time datetime="2023-10-31T09:00:00+01:00">31. Oktober 2023</time></p>'
        f"{PARAGRAPHS}</article></body></html>"
    )
    published = extract_article(html, URL)["published"]
    assert published and published.startswith("2023-10-31"), published


def test_a_time_element_whose_datetime_is_not_iso_is_read_from_its_printed_text():
    html = (
        '<html lang="de"><body><h1>Festspiel-Reisen</h1>'
        '<time datetime="01-11-2023 10:29">1. November 2023 10:29</time>'
        f"{PARAGRAPHS}</body></html>"
    )
    published = extract_article(html, URL)["published"]
    assert published and published.startswith("2023-11-01T10:29"), published


def test_where_json_ld_and_opengraph_disagree_on_the_day_the_printed_one_wins():
    ld = {"@type": "NewsArticle", "headline": "BH-Werbung", "datePublished": "2023-11-03T10:25:56+00:00"}
    head = '<meta property="article:published_time" content="2023-11-06T14:25:00+00:00">'
    printed = '<p class="date"><time datetime="2023-11-06T15:25:00+01:00">6. November 2023</time></p>'
    html = page(head, f"<h1>BH-Werbung</h1>{printed}{PARAGRAPHS}", ld).replace('lang="en"', 'lang="de"')
    assert extract_article(html, URL)["published"].startswith("2023-11-06T14:25")
    unprinted = page(head, f"<h1>BH-Werbung</h1>{PARAGRAPHS}", ld)
    assert extract_article(unprinted, URL)["published"].startswith("2023-11-03T10:25")
    # JSON-LD placed in the <body> is markup, not text the page prints.
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    in_body = page(head, f"<h1>BH-Werbung</h1>{script}<p>15.11.2023 – 06.11.2023</p>{PARAGRAPHS}")
    assert extract_article(in_body, URL)["published"].startswith("2023-11-06T14:25")


def test_a_date_inside_a_printed_url_is_another_pages_date():
    from crawler.extract.dates import first_date_in

    text = "Voir http://www.example.org/index.php?post/2009/03/15/Les-revues\nPublié 2009-09-15"
    assert first_date_in(text) == "2009-09-15"


def test_a_lead_paragraph_that_opens_with_a_picture_and_its_credit_stays_text():
    lead = "정부가 4일 새 인공지능 정책을 발표했다. 총 3조 원 규모로 클라우드와 로봇을 지원한다."
    kept = lines(f'<p><img src="https://img.example/news/policy.jpg"> (사진=연합뉴스) {lead}</p><p>둘째 문단이다.</p>')
    assert kept[0] == '<figure><img src="https://img.example/news/policy.jpg"><figcaption>(사진=연합뉴스)</figcaption></figure>'
    assert kept[1] == f"<p>{lead}</p>"
    caption_only = lines('<p><img src="https://img.example/news/policy.jpg"> 사진=연합뉴스 발표하는 장관</p>')
    assert caption_only == ['<figure><img src="https://img.example/news/policy.jpg"><figcaption>사진=연합뉴스 발표하는 장관</figcaption></figure>']


@pytest.mark.parametrize(
    "byline,names",
    [
        ("Veröffentlicht von Anna Müller", ["Anna Müller"]),
        ("Von: Jan Novak", ["Jan Novak"]),
        ("Von Jan Novak, 12.03.2024", ["Jan Novak"]),
        ("By Jane Doe | March 3, 2024", ["Jane Doe"]),
        ("Geschrieben von Max Mustermann am 3. Mai 2024", ["Max Mustermann"]),
        ("Jane Doe @janedoe", ["Jane Doe"]),
        ("Jane Doe 3 min read", ["Jane Doe"]),
        ("Name *", []),
        ("Posted by admin", []),
        ("Von der Leyen", ["Von der Leyen"]),
        ("Da Silva", ["Da Silva"]),
    ],
)
def test_bylines_lose_their_labels_dates_handles_and_form_labels(byline, names):
    assert split_names(byline) == names


def test_a_blog_themes_site_name_in_h1_is_not_the_headline():
    head = '<meta property="og:site_name" content="Steinzeit &amp; Co"><title>Werkzeuge des Neandertalers | Steinzeit &amp; Co</title>'
    as_name = page(head=head, body=f"<h1>Steinzeit &amp; Co</h1><h2>Werkzeuge des Neandertalers</h2>{PARAGRAPHS}")
    assert extract_article(as_name, URL)["title"] == "Werkzeuge des Neandertalers"
    as_link = page(head="<title>Was ist Virales Marketing? | Blog</title>", body=f'<h1><a href="/">DimidoBlog</a></h1>{PARAGRAPHS}')
    assert extract_article(as_link, URL)["title"] == "Was ist Virales Marketing?"
    linked_headline = page(body=f'<h1><a href="/2024/06/story">The storm closes the harbour</a></h1>{PARAGRAPHS}')
    assert extract_article(linked_headline, URL)["title"] == "The storm closes the harbour"


def test_the_lead_paragraph_beside_the_standfirst_is_kept():
    lead = "The lead paragraph says who decided it and when the works begin, in March."
    html = standfirst_page(f'<div class="intro"><p class="standfirst">{STANDFIRST}</p><p>{lead}</p></div>')
    html = html.replace(PARAGRAPHS, f'<div class="article-body">{PARAGRAPHS}</div>')
    fields = extract_article(html, URL)
    assert fields["standfirst"] == STANDFIRST
    assert fields["body_html"].startswith(f"<p>{lead}</p>\n<p>Paragraph 0")


def test_text_after_a_link_in_br_separated_paragraphs_stays():
    text = (
        '<div class="text">First line of running text in the article body here.<br><br>See <a href="/x">the report</a> '
        "which says more about the matter.<br><br>Last line of the text that ends the story here.</div>"
    )
    body = extract_article(page(body=f"<h1>Br story headline</h1><article>{text}{PARAGRAPHS}</article>"), URL)["body_html"]
    assert '<p>See <a href="https://news.example/x">the report</a> which says more about the matter.</p>' in body
    assert "<p>Last line of the text that ends the story here.</p>" in body


@pytest.mark.parametrize("lang", ["no", "iw", "xx"])
def test_a_language_code_the_date_parser_lacks_loses_nothing(lang):
    """dateparser raises ValueError on a code it has no data for (`no`: it knows nb and nn)."""
    html = (
        f'<html lang="{lang}"><body><h1>Fotballskole</h1><p class="date">Publisert 16. april 2025</p>'
        f"{PARAGRAPHS}</body></html>"
    )
    fields = extract_article(html, URL)
    assert fields["title"] == "Fotballskole" and "Paragraph 3" in fields["body_html"]
    if lang == "no":
        assert fields["published"] and fields["published"].startswith("2025-04-16"), fields["published"]
