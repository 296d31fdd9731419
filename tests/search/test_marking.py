"""Marking matched words: highlight() markers to offsets, offsets to text and HTML, a page marked on a store's connection."""
from __future__ import annotations

import sqlite3

import pytest

from policytext.search.marking import CLOSE_MARK, OPEN_MARK, keyword_in_context, mark_html, mark_page, read_marks


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("a <b> & c", ((2, 5),), "a <mark>&lt;b&gt;</mark> &amp; c"),
        ("plain", (), "plain"),
        ("x\"y\"", ((1, 4),), "x<mark>&quot;y&quot;</mark>"),
    ],
)
def test_mark_html(text, marks, expected) -> None:
    assert mark_html(text, marks) == expected


@pytest.mark.parametrize(
    ("marked", "text", "expected"),
    [
        ("raise \x02taxes\x03 now", "raise taxes now", ((6, 11),)),
        ("\x02a\x03 b \x02c\x03", "a b c", ((0, 1), (4, 5))),
        ("odd \x02x", "odd \x02x", ()),  # a marker in the stored text: no marks rather than wrong ones
        ("\x02tax\x03es", "taxes", ((0, 3),)),
        ("no marks here", "no marks here", ()),
        ("\x02\x03empty", "empty", ()),  # an empty run marks nothing
        ("\x03a\x02b\x03", "ab", ()),  # markers out of step
        ("\x02a\x02b\x03\x03", "ab", ()),
        ("\x02tax\x03", "taxes", ()),  # not this text
    ],
)
def test_read_marks(marked, text, expected) -> None:
    assert read_marks(marked, text) == expected


def test_keyword_in_context_keeps_the_match_and_trims_at_words() -> None:
    text = ("It is a long sentence about many things before it finally mentions the moon and then "
            "goes on for quite a while afterwards without stopping.")
    start = text.index("moon")
    kwic = keyword_in_context(text, ((start, start + 4),), width=20)
    assert "«moon»" in kwic and kwic.startswith("…") and kwic.endswith("…")
    assert len(kwic) < 60


def test_a_page_is_marked_as_the_index_would_mark_it() -> None:
    page = [{"id": 1, "text": "Taxes were raised."}, {"id": 2, "text": "No mention here."},
            {"id": 3, "text": "The café taxed coffee"}]
    conn = sqlite3.connect(":memory:", isolation_level=None)
    marked = mark_page(conn, '"tax"*', page)
    assert marked == {1: f"{OPEN_MARK}Taxes{CLOSE_MARK} were raised.", 3: f"The café {OPEN_MARK}taxed{CLOSE_MARK} coffee"}
    assert mark_page(conn, '"tax"', []) == {}
    assert mark_page(conn, '"coffee"', page[2:]) == {3: f"The café taxed {OPEN_MARK}coffee{CLOSE_MARK}"}  # empty again


def test_marking_on_a_read_only_store_writes_nothing_and_keeps_the_callers_transaction(sotu_path) -> None:
    from policytext.store import Store

    path = sotu_path / "policytext.db"
    before = path.stat().st_mtime_ns, path.read_bytes()
    store = Store(path, readonly=True)
    try:
        page = [{"id": n, "text": f"row {n} about {'peace' if n % 2 else 'nothing'}"} for n in range(40)]
        store.conn.execute("BEGIN")
        assert mark_page(store.conn, '"peace"', page) == {
            n: f"row {n} about {OPEN_MARK}peace{CLOSE_MARK}" for n in range(40) if n % 2}
        assert store.conn.in_transaction  # the caller's read transaction goes on
        store.conn.execute("COMMIT")
    finally:
        store.close()
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
