"""The page's hits and counts written in Python: every value from the corpus escaped, links kept safe."""
from __future__ import annotations

import re

from policytext.search.counts import MatchCount
from policytext.search.results import SearchHit
from policytext.web.app import facet_links, read_request, safe_link
from policytext.web.fragments import facet_blocks, hit_items

EVIL = "<script>alert('x')</script> & \"quoted\""


def hostile_hit(**changes) -> SearchHit:
    """A hit whose every text field carries markup, as a scraped page or a careless file could."""
    fields = dict(within="quotes", id=7, doc_id="blog/a&b <1>", text="They said <b>trust</b> & “more”",
                  marks=((13, 18),), start=5, end=40, before=EVIL, after=EVIL, title=EVIL, speaker=EVIL,
                  doc_speaker=None, date="2019-03-04", kind=EVIL, government=EVIL, party=None,
                  url="javascript:alert(1)", publisher=None, source="web", citation=EVIL, rank=-1.5,
                  cue=EVIL, quote_kind="direct", score=None)
    fields.update(changes)
    return SearchHit(**fields)


def test_every_field_of_a_hit_is_escaped_and_a_script_url_is_not_a_link() -> None:
    html = str(hit_items([hostile_hit()], first=21, here="q=trust&page=2", link=safe_link))
    assert "<script" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;") == 8
    # the matched words marked in the escaped text, in the quote and again in its context
    assert html.count("They said &lt;b&gt;<mark>trust</mark>&lt;/b&gt; &amp; “more”") == 2
    assert 'data-doc="blog/a&amp;b &lt;1&gt;"' in html and 'id="hit-21"' in html
    assert 'href="/doc?id=blog/a%26b%20%3C1%3E&amp;start=5&amp;end=40#passage"' in html
    assert 'href="/?q=trust&amp;page=2#hit-21"' in html
    assert "javascript:" not in re.findall(r'href="([^"]*)"', html)[0]
    assert '<span class="source">javascript:alert(1)</span>' in html
    # the copy button carries the quote's words, one space between them, escaped as an attribute
    assert 'data-quote="“They said &lt;b&gt;trust&lt;/b&gt; &amp; “more”” "' in html


def test_a_hit_links_its_http_source_and_shows_its_score() -> None:
    hit = hostile_hit(within="claims", url="https://example.org/a?x=1&y=<2>", score=0.8765, cue=None,
                      title=None, kind=None, government=None, date=None)
    html = str(hit_items([hit], first=1, here="q=trust", link=safe_link))
    assert '<a class="source" href="https://example.org/a?x=1&amp;y=&lt;2&gt;" rel="noopener noreferrer"' in html
    assert "· score 0.88" in html
    assert "<time" not in html and 'class="title"' not in html and 'class="cue"' not in html


def test_counts_link_each_value_escaped_and_say_unknown_and_current() -> None:
    request = read_request("q=tax&speaker=Smith")
    counts = {
        "speaker": facet_links(request, "speaker", [MatchCount("Smith", 3), MatchCount(EVIL, 2), MatchCount(None, 1)]),
        "government": facet_links(request, "government", [MatchCount("Major", 1234)]),
        "year": facet_links(request, "year", [MatchCount("1996", 5), MatchCount(None, 2)]),
    }
    html = str(facet_blocks(counts))
    assert "<script" not in html
    assert ">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;</a>" in html
    assert 'speaker=%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E+%26+%22quoted%22"' in html
    assert '<a href="/?q=tax&amp;in=sentences&amp;speaker=Smith" aria-current="true">Smith</a>' in html
    assert "<li><span>unknown</span> <span class=\"n\">1</span></li>" in html
    assert "<li><span>undated</span> <span class=\"n\">2</span></li>" in html
    assert '<span class="n">1,234</span>' in html
    assert "since=1996&amp;until=1996" in html
    assert [m for m in re.findall(r'id="facet-(\w+)"', html)] == ["speaker", "government", "year"]


def test_a_quote_says_when_its_speaker_is_inferred_not_named() -> None:
    """'Obama' alone beside 'If she goes, I can't stay.' read as a fact; it was carried over from an earlier quote."""
    def meta(resolved_by):
        html = str(hit_items([hostile_hit(speaker="Obama", resolved_by=resolved_by)], first=1, here="q=x",
                             link=safe_link))
        return re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1)

    assert '<span class="speaker">Obama</span> <span class="resolved">(speaker carried over from the quote before)' \
        in meta("chain")
    assert "(speaker inferred from a pronoun)" in meta("pronoun")
    assert "(speaker inferred from a description)" in meta("role")
    assert "(no speaker found; this is the document's)" in meta("none")
    assert 'class="resolved"' not in meta("name") and 'class="resolved"' not in meta(None)
