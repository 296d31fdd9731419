"""The search page in a real browser (Debian's chromium through Playwright)."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def search(page, query: str) -> None:
    page.goto("/")
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_selector("#summary")
    # #summary is in the DOM while the page is still parsing, before app.js (deferred) has set its
    # listeners: a list changed then searched nothing (a 30 s navigation timeout in a fresh-clone CI)
    page.wait_for_load_state("load")


def _wait_until(page, expression: str, seconds: float = 10.0) -> None:
    """Wait until ``expression`` is true in the page, asked from here.

    Not ``page.wait_for_function``: when the expression is not true at once, Playwright polls it
    with a function built from the string inside the page, which the page's CSP (no 'unsafe-eval')
    refuses, so the test failed whenever the click's effect came a moment late.
    """
    waited = 0.0
    while not page.evaluate(expression):
        if waited >= seconds:
            raise AssertionError(f"not true after {seconds} s: {expression}")
        page.wait_for_timeout(50)
        waited += 0.05


def test_a_phrase_search_finds_the_address_highlighted_and_cited(page) -> None:
    search(page, '"new frontier of science"')
    assert "1 sentence matches" in page.inner_text("#summary")
    hit = page.locator("li.hit").first
    assert hit.locator(".speaker").inner_text() == "John F. Kennedy"
    assert hit.locator("time").get_attribute("datetime") == "1962-01-11"
    assert hit.locator("cite").inner_text() == "State of the Union address"
    marked = " ".join(hit.locator("blockquote mark").all_inner_texts())
    assert marked == "new frontier of science"
    assert hit.locator("a.source").get_attribute("href").startswith("https://www.presidency.ucsb.edu/")
    assert "11 January 1962" in hit.locator(".citation").inner_text()
    assert page.outside_requests == []


def test_a_filter_narrows_the_results(page) -> None:
    search(page, "world")
    everything = int(re.match(r"[\d,]+", page.inner_text("#summary")).group(0).replace(",", ""))
    eisenhower = page.locator("#government option", has_text="Eisenhower").first.inner_text()
    with page.expect_navigation():
        page.select_option("#government", label=eisenhower)  # the page searches again on change
    assert "government=Eisenhower" in page.url
    filtered = int(re.match(r"[\d,]+", page.inner_text("#summary")).group(0).replace(",", ""))
    assert 0 < filtered < everything
    governments = page.locator("li.hit .government").all_inner_texts()
    assert governments and all(g == eisenhower for g in governments)
    assert page.input_value("#q") == "world"


def test_speaker_and_dates_filter_from_the_form(page) -> None:
    page.goto("/")
    page.fill("#q", "moon")
    page.fill("#speaker", "Kennedy")
    page.fill("#since", "1962")
    page.fill("#until", "1962-12-31")
    page.click("#go")
    page.wait_for_selector("#summary")
    assert page.locator(".speaker").all_inner_texts() and set(page.locator(".speaker").all_inner_texts()) == {"John F. Kennedy"}
    assert set(page.locator("time").all_inner_texts()) == {"1962-01-11"}


def test_context_expands(page) -> None:
    search(page, "astronaut")
    hit = page.locator("li.hit").first
    before = hit.locator(".context .before")
    assert not before.is_visible()
    hit.locator(".context summary").click()
    assert before.is_visible() and len(before.inner_text()) > 20
    assert hit.locator(".context .here mark").inner_text().lower() == "astronaut"


def test_copy_citation_puts_the_citation_on_the_clipboard(browser, base_url) -> None:
    context = browser.new_context(base_url=base_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    try:
        search(page, '"new frontier of science"')
        button = page.locator("button.copy").first
        expected = page.evaluate("button => citationText(button)", button.element_handle())
        page.bring_to_front()  # the asynchronous clipboard refuses pages that do not have focus
        button.click()
        _wait_until(page, "document.querySelector('button.copy').textContent === 'Copied'")
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # the quote itself, then where it comes from: what a journalist pastes
        quote = page.locator("li.hit blockquote").first.inner_text()
        assert expected.startswith(f"“{quote}” John F. Kennedy, State of the Union address, ")
    finally:
        context.close()


def test_copy_citation_falls_back_without_the_clipboard_api(page) -> None:
    page.add_init_script("""
        Object.defineProperty(navigator, 'clipboard', {value: undefined});
        window.copied = null;
        document.addEventListener('copy', () => {
            const area = document.activeElement;
            window.copied = area.value.substring(area.selectionStart, area.selectionEnd);
        });
    """)
    search(page, "astronaut")
    button = page.locator("button.copy").first
    button.click()
    _wait_until(page, "window.copied !== null")
    expected = page.evaluate("button => citationText(button)", button.element_handle())
    assert page.evaluate("window.copied") == expected
    shown = page.locator("li.hit span.citation").first.inner_text()
    assert expected == button.get_attribute("data-quote") + shown and "State of the Union" in shown  # quote, citation
    assert button.inner_text() == "Copied"


def test_markup_in_a_document_shows_as_text(page) -> None:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    search(page, "pwned")
    hit = page.locator("li.hit").first
    assert "Writing <script>alert('pwned')</script> into a page" in hit.locator("blockquote").inner_text()
    assert hit.locator("cite").inner_text() == "Markup <script>alert('title')</script> & other tricks"
    assert hit.locator("blockquote mark").inner_text() == "pwned"
    hit.locator(".context summary").click()
    assert "in <b>public</b> services" in hit.locator(".context .after").inner_text()
    assert page.locator("script").count() == 1  # only the page's own app.js
    assert page.locator("li.hit b").count() == 0
    assert dialogs == []


def test_paging(page) -> None:
    search(page, "nation*")
    assert "showing 1–20" in page.inner_text("#summary")
    page.click("#next")
    page.wait_for_selector("#prev")
    assert "showing 21–40" in page.inner_text("#summary")
    assert page.locator("ol.hits").get_attribute("start") == "21"


def test_a_bad_query_shows_the_syntax(page) -> None:
    search_page = page
    search_page.goto("/")
    search_page.fill("#q", "NOT tax")
    search_page.press("#q", "Enter")
    search_page.wait_for_selector("#error")
    text = search_page.inner_text("#error")
    assert text.startswith("Error: cannot read the search query: NOT at character 1")
    assert 'NEAR(word word, 10)' in text


def test_the_page_fits_a_narrow_screen(browser, base_url) -> None:
    """At 400 px nothing runs off the side: the Search button, long citations, the date boxes."""
    context = browser.new_context(base_url=base_url, viewport={"width": 400, "height": 800})
    page = context.new_page()
    try:
        search(page, '"new frontier"')
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        button = page.locator("#go").bounding_box()
        assert button["x"] + button["width"] <= 400
        for box in ("#since", "#until"):  # the whole placeholder shows
            assert page.evaluate(f"(e => e.scrollWidth <= e.clientWidth)(document.querySelector('{box}'))")
    finally:
        context.close()


def test_a_hit_opens_in_its_whole_document_with_the_passage_marked(page) -> None:
    search(page, '"new frontier of science"')
    hit = page.locator("li.hit").first
    text = hit.locator("blockquote").inner_text()
    hit.locator("a.in-corpus").click()
    page.wait_for_selector("#passage")
    assert page.inner_text("#passage").strip() == text.strip()
    assert "John F. Kennedy" in page.inner_text("#doc-meta")
    assert page.evaluate("(() => { const r = document.querySelector('#passage').getBoundingClientRect();"
                         " return r.top >= 0 && r.bottom <= window.innerHeight; })()")  # scrolled to it


def _total(page) -> int:
    return int(re.match(r"[\d,]+", page.inner_text("#summary")).group(0).replace(",", ""))


def test_counts_by_speaker_and_year_filter_when_clicked(page) -> None:
    search(page, "world")
    speakers = page.locator("#facet-speaker li")
    assert speakers.count() >= 2
    first = speakers.first
    name, count = first.locator("a").inner_text(), int(first.locator(".n").inner_text().replace(",", ""))
    counts = [int(n.replace(",", "")) for n in page.locator("#facet-speaker .n").all_inner_texts()]
    assert sum(counts) == _total(page) and counts == sorted(counts, reverse=True)
    with page.expect_navigation():
        first.locator("a").click()
    assert _total(page) == count
    assert set(page.locator("li.hit .speaker").all_inner_texts()) == {name}
    assert page.input_value("#speaker") == name and page.input_value("#q") == "world"
    year = page.locator("#facet-year li").first
    label, count = year.locator("a").inner_text(), int(year.locator(".n").inner_text().replace(",", ""))
    with page.expect_navigation():
        year.locator("a").click()
    assert _total(page) == count
    assert {t[:4] for t in page.locator("li.hit time").all_inner_texts()} == {label}
    assert page.locator("#facet-year a[aria-current]").inner_text() == label


def test_the_order_select_sorts_by_date(page) -> None:
    search(page, "moon OR space")
    assert page.input_value("#sort") == ""  # best match first by default
    with page.expect_navigation():
        page.select_option("#sort", "date")  # the page searches again on change
    assert "sort=date" in page.url
    dates = page.locator("li.hit time").all_inner_texts()
    assert len(set(dates)) > 1 and dates == sorted(dates)
    with page.expect_navigation():
        page.select_option("#sort", "-date")
    newest = page.locator("li.hit time").all_inner_texts()
    assert newest == sorted(newest, reverse=True) and newest[0] > dates[0]
    assert page.input_value("#sort") == "-date"


def test_claims_are_ordered_by_score_and_the_order_shows_it(page) -> None:
    page.goto("/?q=million&in=claims")
    assert page.locator("#sort option:checked").inner_text() == "most check-worthy"
    page.goto("/?q=million&sort=score")  # score orders claims only: an error that says so
    assert "'sort' must be one of relevance, date, -date for sentences" in page.inner_text("#error")


def test_the_counts_fit_a_narrow_screen(browser, base_url) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 400, "height": 800})
    page = context.new_page()
    try:
        search(page, "world OR nation")
        assert page.locator("#facet-year li").count() >= 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        for part in ("#facets", "#facet-speaker", "#facet-year", "#sort"):
            box = page.locator(part).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 400, part
    finally:
        context.close()


def test_the_citation_style_changes_what_is_shown_and_copied(page) -> None:
    search(page, '"new frontier of science"')
    hit = page.locator("li.hit").first
    quote = hit.locator("blockquote").inner_text()
    assert hit.locator(".citation").inner_text().startswith("John F. Kennedy, State of the Union address, ")
    import re

    from playwright.sync_api import expect

    page.select_option("#cite-style", "apa")  # asked of the server for the page's hits
    expect(hit.locator(".citation")).to_have_text(re.compile(
        r"^Kennedy, J\. F\. \(1962, January 11\)\. \[State of the Union address\]\. The American Presidency Project"))
    page.select_option("#cite-style", "chicago")
    expect(hit.locator(".citation")).to_have_text(re.compile(r"^Kennedy, John F\. State of the Union address\."))
    chicago = hit.locator(".citation").inner_text()
    assert chicago.startswith("Kennedy, John F. State of the Union address. The American Presidency Project")
    assert "Accessed " in chicago
    copied = page.evaluate("button => citationText(button)", hit.locator("button.copy").element_handle())
    assert copied == f"“{quote}” {chicago}"
    assert page.locator("#cite-bibtex").get_attribute("href").startswith("/api/cite?")
    page.select_option("#cite-style", "newsroom")  # back to the line the page came with
    expect(hit.locator(".citation")).to_have_text(re.compile(r"^John F\. Kennedy, State of the Union address, "))


def test_the_copy_button_gets_its_label_back(page) -> None:
    from playwright.sync_api import expect

    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    search(page, "astronaut")
    button = page.locator("button.copy").first
    button.click()
    expect(button).to_have_text("Copied")
    expect(button).to_have_text("Copy quote and citation", timeout=5000)  # was "Copy citation"


def test_counts_by_government_filter_when_clicked(page) -> None:
    search(page, "world")
    governments = page.locator("#facet-government li")
    assert governments.count() >= 2  # 1961-1963: Eisenhower's and Kennedy's
    counts = [int(n.replace(",", "")) for n in page.locator("#facet-government .n").all_inner_texts()]
    assert sum(counts) == _total(page)
    first = governments.first
    name, count = first.locator("a").inner_text(), int(first.locator(".n").inner_text().replace(",", ""))
    with page.expect_navigation():
        first.locator("a").click()
    assert _total(page) == count and "government=" in page.url
    assert set(page.locator("li.hit .government").all_inner_texts()) == {name}
    assert page.input_value("#government") == name
    assert page.locator("#facet-government a[aria-current]").inner_text() == name


def test_role_side_and_post_filter_from_the_page(parliament_page) -> None:
    page = parliament_page
    search(page, "trust")
    assert _total(page) == 5
    assert page.locator("#role option").all_inner_texts() == ["any", "minister", "shadow", "backbencher"]
    with page.expect_navigation():
        page.select_option("#role", "minister")  # searches again on change, as the other lists do
    assert "role=minister" in page.url and _total(page) == 2
    assert set(page.locator("li.hit .speaker").all_inner_texts()) == {"Ann Minister"}
    with page.expect_navigation():
        page.select_option("#role", "")
    with page.expect_navigation():
        page.select_option("#side", "opposition")
    assert "side=opposition" in page.url and _total(page) == 2
    assert set(page.locator("li.hit .speaker").all_inner_texts()) == {"Sam Shadow"}
    with page.expect_navigation():
        page.select_option("#side", "government")
    assert _total(page) == 3  # the minister's two sentences and the backbencher's one
    page.fill("#post", "Cabinet Office")
    with page.expect_navigation():
        page.press("#post", "Enter")
    assert "post=Cabinet+Office" in page.url and _total(page) == 2
    assert page.input_value("#post") == "Cabinet Office" and page.input_value("#side") == "government"


def test_role_and_side_are_not_offered_where_the_corpus_has_none(page) -> None:
    search(page, "world")  # the State of the Union corpus records no roles or sides, but a post (President)
    assert page.locator("#role").count() == page.locator("#side").count() == 0
    assert page.locator("#post").count() == 1


def test_the_downloads_link_every_hit_with_the_search_filters(page) -> None:
    search(page, "world")
    with page.expect_navigation():
        page.select_option("#sort", "date")
    assert "Download all" in page.inner_text("#summary")
    for link, path in (("#csv", "/api/search.csv?"), ("#jsonl", "/api/search.jsonl?")):
        href = page.get_attribute(link, "href")
        assert href.startswith(path) and "q=world" in href and "sort=date" in href and "page=" not in href
