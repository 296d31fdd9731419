"""HTML extraction: main text, furniture removal, dates, canonical URL and charsets."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import shared_data
from policytext.collect.html_text import (
    classify_line,
    decode_html,
    extract_html,
    extract_scraped_text,
    has_main_text,
    looks_like_scraped_page,
    parse_date,
    remove_furniture,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(("value", "iso"), [
    ("2015-06-03T09:30:00+01:00", "2015-06-03"),
    ("Updated: Apr 6, 2021", "2021-04-06"),
    ("6 April 2021", "2021-04-06"),
    ("3rd June 2015", "2015-06-03"),
    ("September 12th, 2019", "2019-09-12"),
    ("03/06/2015", "2015-06-03"),
    ("2015-02-30", None),
    ("sometime soon", None),
    (None, None),
])
def test_parse_date(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize(("line", "kind"), [
    ("top of page", ("drop", None)),
    ("bottom of page", ("drop", None)),
    ("• Writer's pictureAndrew Laird", ("author", "Andrew Laird")),
    ("Updated: Apr 6, 2021", ("updated", "2021-04-06")),
    ("Last updated on 6 April 2021", ("updated", "2021-04-06")),
    ("Published: 3 June 2015", ("published", "2015-06-03")),
    ("4 min read", ("drop", None)),
    ("Share this post", ("drop", None)),
    ("12 views 0 comments", ("drop", None)),
    ("We use cookies to make this site work. Accept?", ("drop", None)),
    ("Updated figures show spending fell by a fifth between 2009 and 2015.", None),
    ("The Prime Minister published the plan on 3 June 2015 after a long delay in cabinet.", None),
])
def test_classify_line(line, kind):
    assert classify_line(line) == kind


def test_remove_furniture_from_the_seed_blog_post():
    text = shared_data("seed", "trust-to-try-things-out.txt").read_text(encoding="utf-8")
    cleaned, found = remove_furniture(text)
    assert found.author == "Andrew Laird"
    assert found.updated == "2021-04-06" and found.published is None
    assert "top of page" not in cleaned and "bottom of page" not in cleaned
    assert "Writer's picture" not in cleaned and "Updated:" not in cleaned
    assert cleaned.startswith("Giving local leaders the ‘trust to try things out’")
    assert "Matthew Hancock" in cleaned
    assert cleaned.endswith("twenty-first century services.")


def test_extract_blog_page_without_furniture():
    page = extract_html(fixture("blog-furniture.html"), url="https://civic.example.org/post/x?utm_source=feed")
    assert page.title == "Letting councils experiment: why small pilots beat grand plans"
    assert page.author == "Priya Calder"
    assert page.date is None  # the page only says when it was updated
    assert page.updated == "2022-03-14"
    assert page.sitename == "Civic Futures Lab"
    assert page.canonical_url == page.url == "https://civic.example.org/post/letting-councils-experiment"
    for furniture in ("top of page", "bottom of page", "Writer's picture", "Updated", "min read",
                      "cookies", "Share this post", "Privacy", "Home"):
        assert furniture not in page.text
    assert "What ministers can do" in page.text  # headings stay, as lines
    assert page.text.count("\n\n") == 6  # title, five paragraphs and a heading, one per block
    assert page.text.rstrip().endswith("makes people trust it.")


def test_extract_published_not_updated_date():
    page = extract_html(fixture("blog-dated.html"), url="https://policy.example.org/b?x=1")
    assert page.date == "2015-06-03"
    assert page.updated == "2021-04-06"
    assert page.author == "Tom Okafor"
    assert page.canonical_url == "https://policy.example.org/blog/productivity-commission"
    assert "Last updated" not in page.text and "Policy Example, 2021" not in page.text


def test_page_without_main_text():
    assert extract_html(fixture("no-main-text.html"), url="https://e.org/tag/housing") is None
    assert extract_html("", url=None) is None
    assert extract_html(b"   ") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Home Blog Tags", False),
    ("One two three four five six seven eight nine ten.", True),
    ("Home\nBlog\nTags\nAbout\nContact\nPrivacy\nTerms\nJobs\nPress\nHelp", False),
])
def test_has_main_text(text, expected):
    assert has_main_text(text) is expected


ARTICLE = ("<html><head>{meta}<title>Fees</title></head><body><article><p>The minister said the £9,250 "
           "fee was “fair”, and the café owners’ lobby disagreed, citing costs that rose every year "
           "since the review began.</p><p>A second paragraph keeps the extractor confident that this "
           "is the main text of the page, with enough words to count.</p></article></body></html>")


@pytest.mark.parametrize(("meta", "encoding", "declared", "used"), [
    ("<meta charset='utf-8'>", "utf-8", None, "utf-8"),
    ("", "utf-8", None, "utf-8"),  # nothing declared: UTF-8 tried first
    ("", "cp1252", None, "cp1252"),  # nothing declared, not UTF-8: Windows-1252
    ("<meta charset='windows-1252'>", "cp1252", "utf-8", "cp1252"),  # wrong header, right meta
    ("<meta charset='utf-8'>", "cp1252", "utf-8", "cp1252"),  # both wrong
    ("", "utf-8", "iso-8859-1", "utf-8"),  # a single-byte header over UTF-8 bytes
    ("<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-15'>", "iso-8859-15", None,
     "iso8859-15"),
])
def test_charsets(meta, encoding, declared, used):
    html = ARTICLE.format(meta=meta)
    if encoding == "iso-8859-15":
        html = html.replace("“", '"').replace("”", '"').replace("’", "'")
    body = html.encode(encoding)
    text, charset = decode_html(body, declared=declared)
    assert charset == used
    page = extract_html(body, charset=declared)
    assert "£9,250" in page.text and "café" in page.text
    assert page.charset == used


def test_byte_order_mark():
    text, charset = decode_html("\ufeff<p>naïve</p>".encode("utf-8"), declared="iso-8859-1")
    assert (text, charset) == ("<p>naïve</p>", "utf-8")


def test_xml_declaration_and_unknown_declared_charset():
    body = ("<?xml version='1.0' encoding='utf-8'?>" + ARTICLE.format(meta="")).encode("utf-8")
    page = extract_html(body, charset="no-such-charset")
    assert page is not None and "café" in page.text


@pytest.mark.parametrize(("text", "scraped"), [
    ("top of page\nA title\n\nThe post itself, at some length.", True),
    ("A title\n\nThe post itself, at some length.\n\nShare this post", True),
    ("Speech to the LGA\n\nThank you. Councils have shown that trust works.", False),
    ("Updated figures show spending fell by a fifth between 2009 and 2015.\n\nMore follows.", False),
])
def test_looks_like_scraped_page(text, scraped):
    assert looks_like_scraped_page(text) is scraped


def test_extract_scraped_text_keeps_line_breaks_and_refuses_plain_text():
    page = extract_scraped_text("top of page\nWriter's pictureJo Bloggs\nA heading\n\nLine one\nline two\n"
                                "Posted on 3rd June 2015\nLast updated on 6 April 2021\nbottom of page")
    assert page.text == "A heading\n\nLine one\nline two"
    assert (page.title, page.author, page.date, page.updated) == ("A heading", "Jo Bloggs", "2015-06-03",
                                                                  "2021-04-06")
    assert page.meta() == {"updated": "2021-04-06"}
    assert extract_scraped_text("Speech to the LGA\n\nThank you.") is None


def test_scraped_text_whose_first_line_is_a_sentence_has_no_title():
    page = extract_scraped_text("top of page\nThe election feels like a distant memory.\nMore text.")
    assert page.title is None and page.text.startswith("The election")
