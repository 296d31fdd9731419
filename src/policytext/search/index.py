"""The full-text index (store migration 4): check it and rebuild it.

Triggers keep the FTS5 tables in step with ``sentences``, ``quotes``, ``claims`` and document
titles, so nothing here is needed in normal use. ``rebuild_search_index`` is for a store whose
index was damaged or whose ``documents`` rowids moved (``VACUUM`` may renumber tables without an
integer primary key, which the title index follows).
"""
from __future__ import annotations

import sqlite3
from typing import Any

from policytext.errors import StoreError
from policytext.search.hits import store_of
from policytext.store.schema import EXACT_INDEXED, FILLED

INDEXED_TABLES = ("sentences", "quotes", "claims", "documents")
"""The tables with an FTS5 index named ``<table>_fts`` (content=``<table>``); sentences, quotes and
claims also have ``<table>_exact``, their words as written (:mod:`policytext.search.matching`)."""


def rebuild_search_index(corpus: Any) -> dict[str, int]:
    """Rebuild every FTS5 index from its table; return the rows indexed per table.

    Example:
        >>> rebuild_search_index(corpus)  # doctest: +SKIP
        {'sentences': 52311, 'quotes': 812, 'claims': 52311, 'documents': 80}
    """
    store = store_of(corpus)
    counts = {}
    with store.transaction() as conn:
        for table in INDEXED_TABLES:
            conn.execute(f"INSERT INTO [{table}_fts] ([{table}_fts]) VALUES ('rebuild')")
            if table in EXACT_INDEXED:  # rebuilt whole: any fill still to do is done
                conn.execute(f"INSERT INTO [{table}_exact] ([{table}_exact]) VALUES ('rebuild')")
                conn.execute("UPDATE search_exact_fill SET filled_to = ? WHERE name = ?", (FILLED, table))
            counts[table] = int(conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])
    return counts


def check_search_index(corpus: Any) -> None:
    """Raise ``StoreError`` when an FTS5 index disagrees with its table.

    Example:
        >>> check_search_index(corpus)  # doctest: +SKIP
    """
    store = store_of(corpus)
    unfilled = store.exact_indexes_unfilled()
    indexes = [f"{table}_fts" for table in INDEXED_TABLES] + \
        [f"{table}_exact" for table in EXACT_INDEXED if table not in unfilled]
    for index in indexes:
        table = index.rsplit("_", 1)[0]
        try:
            store.conn.execute(f"INSERT INTO [{index}] ([{index}], rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as err:
            raise StoreError(f"the search index of {table!r} is out of step with the table ({err}). "
                             "Rebuild it with policytext.search.rebuild_search_index(corpus).") from err
