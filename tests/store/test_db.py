"""The store: migrations, WAL mode, upserts that detect changes, and schema version checks."""
from __future__ import annotations

import sqlite3

import pytest

from policytext.errors import CorpusNotFound, StoreError
from policytext.records import Document
from policytext.store import Store, upsert_document
from policytext.store.schema import MIGRATIONS


def test_new_store_is_migrated_and_in_wal_mode(tmp_path) -> None:
    with Store(tmp_path / "c" / "policytext.db", create=True) as store:
        assert store.schema_version() == max(m.version for m in MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == sorted(m.version for m in MIGRATIONS)


def test_reopening_applies_nothing_new(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    Store(path, create=True).close()
    with Store(path) as store:
        assert store.migrate() == []


def test_missing_store_is_reported(tmp_path) -> None:
    with pytest.raises(CorpusNotFound, match="no corpus store at"):
        Store(tmp_path / "nothing" / "policytext.db")


def test_store_from_a_newer_policytext_is_refused(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    Store(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this policytext knows"):
        Store(path)


def test_not_a_database_is_reported(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


def _doc(text: str, **changes) -> Document:
    return Document(source="test", source_id="one", text=text, title="One", **changes)


def test_upsert_reports_collected_unchanged_updated(tmp_path) -> None:
    with Store(tmp_path / "policytext.db", create=True) as store:
        with store.transaction():
            assert upsert_document(store, _doc("First text.")) == "collected"
            assert upsert_document(store, _doc("First text.")) == "unchanged"
            store.conn.execute("UPDATE documents SET annotated_sha256 = content_sha256")
            assert upsert_document(store, _doc("First text, revised.")) == "updated"
            assert upsert_document(store, _doc("First text, revised.", speaker="A. Person")) == "updated"
        rows = store.conn.execute("SELECT text, speaker, content_sha256, annotated_sha256 FROM documents").fetchall()
    assert len(rows) == 1
    text, speaker, content, annotated = rows[0]
    assert (text, speaker) == ("First text, revised.", "A. Person")
    assert content != annotated  # the changed text is due for annotation again


def test_failed_transaction_leaves_nothing(tmp_path) -> None:
    with Store(tmp_path / "policytext.db", create=True) as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                upsert_document(store, _doc("Text."))
                raise RuntimeError("killed half way")
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_document_id_is_stable() -> None:
    assert _doc("a").id == _doc("b").id == Document(source="test", source_id="one", text="c").id
    assert _doc("a").id != Document(source="other", source_id="one", text="a").id
