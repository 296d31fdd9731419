"""The FTS5 index (migration 4) stays in step with the store, and sqlite-utils uses it as it is."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from policytext.corpus import open_corpus
from policytext.errors import StoreError
from policytext.records import Document
from policytext.search import check_search_index, rebuild_search_index, search_corpus
from policytext.store import Store, upsert_document
from policytext.store.schema import MIGRATIONS

DOC = Document(source="test", source_id="1", title="Trust to try things out", kind="blog",
               text="Public services need trust. Ministers should let staff try things out.",
               speaker="Blog Author", date="2015-06-01")


def _add_sentences(store: Store, doc_id: str, sentences: list[tuple[int, int, str]]) -> None:
    with store.transaction() as conn:
        for idx, (start, end, text) in enumerate(sentences):
            conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                         (doc_id, idx, start, end, text))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "policytext.db", create=True)
    with store.transaction():
        upsert_document(store, DOC)
    _add_sentences(store, DOC.id, [(0, 27, "Public services need trust."),
                                   (28, 70, "Ministers should let staff try things out.")])
    yield store
    store.close()


def _ids(store: Store, query: str, within: str = "sentences") -> list[int]:
    return [hit.id for hit in search_corpus(store, query, within=within).hits]


def test_inserted_rows_are_searchable_at_once(store: Store) -> None:
    assert len(_ids(store, "trust")) == 1
    assert len(_ids(store, '"try things out"')) == 1
    check_search_index(store)


def test_updates_and_deletes_follow_the_table(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("UPDATE sentences SET text = 'Public services need confidence.' WHERE idx = 0")
    assert _ids(store, "trust") == []
    assert len(_ids(store, "confidence")) == 1
    with store.transaction() as conn:
        conn.execute("DELETE FROM sentences WHERE idx = 1")
    assert _ids(store, "ministers") == []
    check_search_index(store)


def test_re_annotating_replaces_the_indexed_rows(store: Store) -> None:
    """The annotation stage deletes a document's rows and inserts new ones: the index follows."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sentences WHERE doc_id = ?", (DOC.id,))
    _add_sentences(store, DOC.id, [(0, 70, DOC.text)])
    assert len(_ids(store, "trust")) == 1 and len(_ids(store, "ministers")) == 1
    assert store.conn.execute("SELECT count(*) FROM sentences_fts").fetchone()[0] == 1
    check_search_index(store)


def test_deleting_a_document_cascades_into_the_index(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO quotes (doc_id, start_char, end_char, text, speaker, kind, confidence) "
                     "VALUES (?, 0, 27, 'Public services need trust.', 'Someone', 'direct', 0.9)", (DOC.id,))
        conn.execute("INSERT INTO claims (doc_id, start_char, end_char, text, score) "
                     "VALUES (?, 0, 27, 'Public services need trust.', 0.7)", (DOC.id,))
    assert len(_ids(store, "trust", "quotes")) == 1 and len(_ids(store, "trust", "claims")) == 1
    with store.transaction() as conn:
        conn.execute("DELETE FROM documents WHERE id = ?", (DOC.id,))
    for within in ("sentences", "quotes", "claims"):
        assert _ids(store, "trust", within) == []
    check_search_index(store)


def test_changed_titles_are_reindexed(store: Store) -> None:
    def titles(query: str) -> int:
        return store.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                                  (query,)).fetchone()[0]

    assert titles("trust") == 1
    with store.transaction():
        upsert_document(store, DOC.with_changes(title="Letting staff experiment"))
    assert titles("trust") == 0 and titles("experiment") == 1
    check_search_index(store)


def test_stemming_and_diacritics_are_folded(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, 9, 0, 0, ?)",
                     (DOC.id, "The Café Royal hosted négociations about trusting citizens."))
    assert len(_ids(store, "cafe")) == 1
    assert len(_ids(store, "negociation")) == 1  # diacritics folded, then stemmed
    assert len(_ids(store, "trusted")) == 2  # trust, trusting


def test_migration_indexes_rows_that_existed_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for migration in [m for m in MIGRATIONS if m.version <= 2]:
        conn.executescript(migration.sql)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    conn.executemany("INSERT INTO schema_migrations VALUES (?, ?, 'then')", [(1, "a"), (2, "b")])
    conn.execute("INSERT INTO documents (id, source, source_id, text, title, content_sha256, collected_at, updated_at) "
                 "VALUES ('d', 's', '1', 'Old words about moon landings.', 'Old title', 'x', 'then', 'then')")
    conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES ('d', 0, 0, 30, 'Old words about moon landings.')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version() >= 4
        assert len(_ids(store, "landing")) == 1
        assert store.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'title'").fetchone()[0] == 1


def test_rebuild_repairs_an_index_that_drifted(store: Store) -> None:
    # Simulate damage: change the table behind the triggers' back.
    store.conn.execute("DROP TRIGGER sentences_au")
    with store.transaction() as conn:
        conn.execute("UPDATE sentences SET text = 'Completely different words.' WHERE idx = 0")
    with pytest.raises(StoreError, match="out of step"):
        check_search_index(store)
    counts = rebuild_search_index(store)
    assert counts["sentences"] == 2
    check_search_index(store)
    assert len(_ids(store, "different")) == 1


def test_sqlite_utils_detects_and_searches_the_index(tmp_path: Path) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.write([DOC], stage="test")
        _add_sentences(corpus.store, DOC.id, [(0, 27, "Public services need trust.")])
    db = sqlite_utils.Database(tmp_path / "corpus" / "policytext.db")
    for table in ("sentences", "quotes", "claims", "documents"):
        assert db[table].detect_fts() == f"{table}_fts"
    rows = list(db["sentences"].search("trust"))
    assert [row["text"] for row in rows] == ["Public services need trust."]
    assert [row["title"] for row in db["documents"].search("things")] == ["Trust to try things out"]


def test_datasette_detects_and_searches_the_index(tmp_path: Path) -> None:
    pytest.importorskip("datasette", reason="needs datasette (in the [test] extra)")
    import asyncio

    from datasette.app import Datasette

    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.write([DOC], stage="test")
        _add_sentences(corpus.store, DOC.id, [(0, 27, "Public services need trust."),
                                              (28, 70, "Ministers should let staff try things out.")])
    datasette = Datasette([str(tmp_path / "corpus" / "policytext.db")])

    async def ask() -> tuple:
        database = datasette.get_database("policytext")
        tables = [await database.fts_table(name) for name in ("sentences", "quotes", "claims", "documents")]
        response = await datasette.client.get("/policytext/sentences.json?_search=trusting&_shape=array")
        return tables, response.status_code, response.json()

    tables, status, rows = asyncio.run(ask())
    assert tables == ["sentences_fts", "quotes_fts", "claims_fts", "documents_fts"]
    assert status == 200 and [row["text"] for row in rows] == ["Public services need trust."]  # stemmed
