"""Marking matched words: FTS5's highlight() markers read into offsets, and offsets shown as text or HTML.

A page of hits found through a filtered search is marked afterwards by :func:`mark_page`, in a
temporary FTS5 table with the index's tokenizer, so the same words are marked as the index would
mark them: bare words with the stemming index's, quoted phrases with the tokenizer of the index of
words as written (:func:`mark_matches` joins the two).
"""
from __future__ import annotations

import html
import sqlite3
from typing import Any

OPEN_MARK, CLOSE_MARK = "\x02", "\x03"  # what FTS5's highlight() puts round matched words
CLI_OPEN, CLI_CLOSE = "«", "»"
INDEX_TOKENIZER = "porter unicode61 remove_diacritics 2"  # as in store migration 4
EXACT_TOKENIZER = "unicode61 remove_diacritics 2"  # as in store migration 18: words as written
_MARK_TABLES = {INDEX_TOKENIZER: "policytext_marks", EXACT_TOKENIZER: "policytext_marks_exact"}
_MARK_ROWS = 400  # rows put in the marking table per statement (2 parameters each; SQLite allows some thousands)


def mark_text(text: str, marks: tuple[tuple[int, int], ...], open_: str, close: str) -> str:
    """Return ``text`` with ``open_``/``close`` round each (start, end) in ``marks``.

    Example:
        >>> mark_text("raise taxes now", ((6, 11),), "«", "»")
        'raise «taxes» now'
    """
    pieces, last = [], 0
    for start, end in marks:
        pieces += [text[last:start], open_, text[start:end], close]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def keyword_in_context(text: str, marks: tuple[tuple[int, int], ...], *, width: int = 60) -> str:
    """Return the stretch of ``text`` from the first to the last mark, ``width`` characters either side.

    Example:
        >>> keyword_in_context("we choose to go to the moon in this decade", ((23, 27),), width=10)
        '…go to the «moon» in this…'
    """
    if not marks:
        return text if len(text) <= 2 * width else text[: 2 * width].rsplit(" ", 1)[0] + "…"
    first, last = marks[0][0], marks[-1][1]
    if last - first > 4 * width:  # matches far apart: keep the first one's neighbourhood
        last = marks[0][1]
    left, right = max(0, first - width), min(len(text), last + width)
    if left > 0 and not text[left - 1].isspace() and " " in text[left:first]:
        left = text.index(" ", left) + 1
    if right < len(text) and not text[right].isspace() and " " in text[last:right]:
        right = text.rindex(" ", last, right)
    inner = tuple((s - left, e - left) for s, e in marks if s >= left and e <= right)
    return (("…" if left > 0 else "") + mark_text(text[left:right], inner, CLI_OPEN, CLI_CLOSE)
            + ("…" if right < len(text) else ""))


def mark_html(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    """Return ``text`` HTML-escaped, each mark in ``<mark>``: safe to put in a page as it is.

    Example:
        >>> mark_html("<b>tax</b> cuts", ((3, 6),))
        '&lt;b&gt;<mark>tax</mark>&lt;/b&gt; cuts'
    """
    pieces, last = [], 0
    for start, end in marks:
        pieces += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)


def read_marks(marked: str, text: str) -> tuple[tuple[int, int], ...]:
    """Return the offsets in ``text`` of the runs FTS5's highlight() wrapped in its markers.

    When the stored text itself holds a marker character the offsets cannot be trusted, and no
    marks are returned rather than wrong ones.

    Example:
        >>> read_marks("raise \x02taxes\x03 now", "raise taxes now")
        ((6, 11),)
    """
    if OPEN_MARK in text or CLOSE_MARK in text:
        return ()
    if marked.replace(OPEN_MARK, "").replace(CLOSE_MARK, "") != text:
        return ()
    marks, removed, position = [], 0, 0
    while (opened := marked.find(OPEN_MARK, position)) >= 0:
        closed = marked.find(CLOSE_MARK, opened)
        if closed < 0:
            break
        if OPEN_MARK in marked[opened + 1:closed] or CLOSE_MARK in marked[position:opened]:
            return ()  # markers out of step: trust none of them
        start, end = opened - removed, closed - removed - 1
        if end > start:
            marks.append((start, end))
        removed += 2
        position = closed + 1
    return tuple(marks)


def mark_page(conn: sqlite3.Connection, fts_query: str, page: list[Any], *,
              tokenizer: str = INDEX_TOKENIZER) -> dict[int, str]:
    """Return each row's ``text`` (by its ``id``) with FTS5's highlight() markers round the matches.

    The page's texts go into an FTS5 table made with the index's tokenizer (``tokenizer``: the
    stemming index's, or :data:`EXACT_TOKENIZER` for words as written) in the connection's own
    temporary schema (made on the connection's first page, so never per search, and never shared:
    a store connection serves one thread at a time) and the same query marks them there. The same
    words match as in the index (whether a row matches depends on its own words only), for the
    cost of a page of short rows rather than the whole index again. The rows go in under a
    savepoint that is rolled back, so the table is empty again and the store is never written.

    Example:
        >>> import sqlite3
        >>> marked = mark_page(sqlite3.connect(":memory:"), '"taxes"', [{"id": 7, "text": "raise taxes now"}])
        >>> read_marks(marked[7], "raise taxes now")
        ((6, 11),)
    """
    if not page:
        return {}
    table = _MARK_TABLES[tokenizer]
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table} "
                 f"USING fts5(text, tokenize='{tokenizer}', columnsize=0)")
    conn.execute("SAVEPOINT policytext_marking")
    try:
        for first in range(0, len(page), _MARK_ROWS):
            rows = page[first:first + _MARK_ROWS]
            conn.execute(f"INSERT INTO temp.{table} (rowid, text) VALUES " + ", ".join("(?, ?)" for _ in rows),
                         [v for row in rows for v in (row["id"], row["text"])])
        return {rowid: marked for rowid, marked in conn.execute(
            f"SELECT rowid, highlight({table}, 0, ?, ?) FROM temp.{table} "
            f"WHERE {table} MATCH ?", (OPEN_MARK, CLOSE_MARK, fts_query))}
    finally:
        conn.execute("ROLLBACK TO policytext_marking")
        conn.execute("RELEASE policytext_marking")


def mark_matches(conn: sqlite3.Connection, page: list[Any], *, words: str | None,
                 exact: str | None) -> dict[int, tuple[tuple[int, int], ...]]:
    """Return the offsets of each row's matched words: ``words`` by stems, ``exact`` as written.

    ``words`` and ``exact`` are FTS5 expressions (a query's bare words and its quoted phrases,
    :class:`~policytext.search.matching.QueryMatch`); marks that overlap are joined.

    Example:
        >>> import sqlite3
        >>> mark_matches(sqlite3.connect(":memory:"), [{"id": 1, "text": "New frontiers, a new frontier"}],
        ...              words=None, exact='"new frontier"')
        {1: ((17, 29),)}
    """
    found: dict[int, list[tuple[int, int]]] = {}
    texts = {row["id"]: row["text"] for row in page}
    for query, tokenizer in ((words, INDEX_TOKENIZER), (exact, EXACT_TOKENIZER)):
        if query:
            for rowid, marked in mark_page(conn, query, page, tokenizer=tokenizer).items():
                found.setdefault(rowid, []).extend(read_marks(marked or "", texts[rowid]))
    joined = {}
    for rowid, marks in found.items():
        merged: list[tuple[int, int]] = []
        for start, end in sorted(marks):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        joined[rowid] = tuple(merged)
    return joined
