"""Accessibility of the search page in chromium: axe-core's WCAG 2 A/AA rules, keyboard-only use, 360 px.

axe-core (through axe-playwright-python, which bundles it) runs the rules tagged wcag2a, wcag2aa,
wcag21a and wcag21aa on each state of the page; a violation of impact "serious" or "critical" fails
the test. Minor and moderate ones (mostly best-practice advice) are not checked here.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Violations accepted for now, each with its reason: (rule id, CSS selector of the node) -> reason.
# Keep it empty unless a fix is out of reach; never let a violation pass without a line here.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}

QUOTE = "the Constitution makes us rivals for power"
# Each state of the page: its URL and an element that shows the page is in that state.
STATES = {
    "empty": ("/", "#q"),
    "results with counts": ("/?q=world", "#facets ~ ol li.hit"),
    "claims": ("/?q=million&in=claims", "li.hit"),
    "error": ("/?q=NOT+tax", "#error"),
    "document": (None, "#passage"),  # the first hit's "Whole document" link, found at run time
    "verify box": ("/verify", "#verify-box"),
    "verify verdict": (f"/verify?quote={QUOTE.replace(' ', '+')}&speaker=Kennedy", "#verdict"),
    # a verbatim verdict's note carries the citation, with the source's long address
    "verify verbatim": ("/verify?quote=You+are+among+my+oldest+friends+in+Washington&speaker=Kennedy", "#verdict[data-verdict=verbatim]"),
}


@pytest.fixture(scope="module")
def axe():
    module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return module.Axe()


def serious_violations(axe, page) -> list[str]:
    """The serious and critical WCAG 2 A/AA violations on the page, one line per node, minus known exceptions."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if (violation["id"], target) in KNOWN_EXCEPTIONS:
                continue
            found.append(f"{violation['id']} ({violation['impact']}) at {target}: {node.get('failureSummary', '')}")
    return found


def document_url(page) -> str:
    page.goto('/?q="new+frontier+of+science"')
    return page.locator("li.hit a.in-corpus").first.get_attribute("href")


@pytest.mark.parametrize("state", list(STATES))
def test_each_state_of_the_page_passes_axe(page, axe, state) -> None:
    url, shown = STATES[state]
    page.goto(url or document_url(page))
    assert page.locator(shown).count() >= 1, f"the {state} state of the page is not what this test checks"
    assert serious_violations(axe, page) == []


def test_axe_reports_what_it_finds(page, axe) -> None:
    """The check above can fail: an unlabelled field and faint text are reported."""
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
                     '<input id="unlabelled"><p style="color:#ccc">faint</p></main></body></html>')
    rules = {line.split(" ")[0] for line in serious_violations(axe, page)}
    assert rules == {"label", "color-contrast"}


def focused(page) -> dict:
    """What has the keyboard focus: a name for it and its outline."""
    return page.evaluate("""(() => {
        const e = document.activeElement, style = getComputedStyle(e);
        const name = e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className ? '.' + e.className.split(' ')[0] : '');
        return {name, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
    })()""")


def test_keyboard_only_search(page) -> None:
    """Type, Enter, then Tab through the form and into the first result; every stop shows a clear outline."""
    page.goto("/")
    assert focused(page)["name"] == "#q"  # the query box has the focus on arrival
    page.keyboard.type("astronaut")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=astronaut" in page.url
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1]["name"] == "button.copy":
            break
    names = [stop["name"] for stop in stops]
    expected = ["#q", "#go", "#speaker", "#government", "#party", "#kind", "#since", "#until", "#sort",
                "#csv", "summary", "a.source", "a.in-corpus", "a.permalink", "button.copy"]
    assert all(name in names for name in expected), names
    # the order of the screen: the query row, the filters, the matches' summary, then a result and its links
    in_order = [name for name in names if name in expected]
    assert in_order[:10] == expected[:10] and in_order[-4:] == expected[11:], names
    assert "summary" in in_order[10:-4], names  # the result's "Context" before its links
    unclear = [stop for stop in stops if stop["outline"] != "solid" or stop["width"] < 2]
    assert unclear == []  # :focus-visible outline, not the browser's thin default
    # the copy button works from the keyboard and keeps the focus, so Tab goes on from there
    page.keyboard.press("Enter")
    assert page.locator("button.copy").first.inner_text() in {"Copied", "Select the citation and copy it"}
    assert focused(page)["name"] == "button.copy"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] == "a.in-corpus"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#passage").count() == 1


def test_a_filter_submits_with_enter(page) -> None:
    page.goto("/?q=moon")
    page.focus("#speaker")
    page.keyboard.type("Kennedy")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "speaker=Kennedy" in page.url and "q=moon" in page.url


def test_arrow_keys_in_a_filter_list_do_not_search_until_enter(page) -> None:
    """Stepping through a list with the arrow keys changes nothing until Enter (WCAG 3.2.2, on input)."""
    page.goto("/?q=world")
    page.focus("#government")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)  # a search would have started by now: it went on the first ArrowDown
    assert "government=" not in page.url
    chosen = page.input_value("#government")
    assert chosen
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.input_value("#government") == chosen and page.input_value("#q") == "world"


NARROW = 360
PLACEHOLDERS_CUT = """() => [...document.querySelectorAll('input[placeholder]')].filter(e => e.offsetParent)
  .filter(e => { const style = getComputedStyle(e), canvas = document.createElement('canvas').getContext('2d');
                 canvas.font = style.font;
                 return canvas.measureText(e.placeholder).width > e.clientWidth - parseFloat(style.paddingLeft)
                                                                 - parseFloat(style.paddingRight); })
  .map(e => e.id + ': ' + e.placeholder)"""
"""The inputs whose placeholder does not fit in them (the check-a-quote box's did not, at 360 px)."""


@pytest.mark.parametrize("state", ["empty", "results with counts", "error", "document", "verify verdict",
                                   "verify verbatim"])
def test_the_page_is_usable_360_px_wide(browser, base_url, state) -> None:
    """At 360 px (a small phone) nothing runs off the side and the controls stay on screen."""
    context = browser.new_context(base_url=base_url, viewport={"width": NARROW, "height": 740})
    page = context.new_page()
    try:
        url, shown = STATES[state]
        page.goto(url or document_url(page))
        assert page.locator(shown).count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
        assert page.evaluate(PLACEHOLDERS_CUT) == []  # an example cut short is no example
        controls = ["#verify-go"] if state.startswith("verify") else [] if state == "document" else ["#go", "#q"]
        parts = controls + [".citation", "#facets", "#passage", "#error", "#verdict", "#note"]
        for selector in parts:
            for box in [page.locator(selector).nth(i).bounding_box() for i in range(min(page.locator(selector).count(), 5))]:
                assert box is not None and box["width"] > 0, selector  # shown
                assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW, selector
    finally:
        context.close()
