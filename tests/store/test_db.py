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


def _store_before_migration_5(path) -> None:
    """Write a store as policytext made it before migration 5: migrations 1-4 only."""
    from policytext.store.db import _split_sql

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for migration in MIGRATIONS:
        if migration.version < 5:
            for statement in _split_sql(migration.sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
                         (migration.version, migration.name))
    conn.execute("INSERT INTO documents (id, source, source_id, text, date, party, government, content_sha256, "
                 "collected_at, updated_at) VALUES ('files-1', 'files', '1', 'A manifesto.', '1945-01-01', 'Con', "
                 "'Churchill caretaker government (1945)', 'x', '2026-01-01', '2026-01-01')")
    conn.commit()
    conn.close()


def test_migration_5_adds_precision_and_source_labels_and_keeps_old_values(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    _store_before_migration_5(path)
    with Store(path) as store:
        assert 5 in [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations")]
        row = store.conn.execute("SELECT date, date_precision, party, source_party, government, source_government "
                                 "FROM documents").fetchone()
    # Old rows keep their values; what is unknown about them (precision, the source's own labels) is NULL.
    assert tuple(row) == ("1945-01-01", None, "Con", None, "Churchill caretaker government (1945)", None)


def test_a_missing_lower_migration_is_applied_after_a_higher_one(tmp_path) -> None:
    """Migrations 5 and 6 may land in either order: a store that has 6 but not 5 gets 5."""
    path = tmp_path / "policytext.db"
    _store_before_migration_5(path)
    later = [m for m in MIGRATIONS if m.version > 5]
    conn = sqlite3.connect(path)
    from policytext.store.db import _split_sql

    for migration in later:
        for statement in _split_sql(migration.sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
                     (migration.version, migration.name))
    conn.commit()
    conn.close()
    with Store(path) as store:
        versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(documents)")}
    assert versions == sorted(m.version for m in MIGRATIONS)
    assert {"date_precision", "source_government", "source_party"} <= columns


def test_migration_6_folds_repeated_failures_into_one_row(tmp_path, monkeypatch) -> None:
    from policytext.store import db

    path = tmp_path / "policytext.db"
    monkeypatch.setattr(db, "MIGRATIONS", [m for m in MIGRATIONS if m.version < 6])
    with Store(path, create=True) as store:
        with store.transaction() as conn:  # three runs of the old code, each adding a row
            for when in ("2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00"):
                conn.execute("INSERT INTO failures (stage, item, line, reason, recorded_at) VALUES "
                             "('collect-files', 'a.csv', 2, 'bad row', ?)", (when,))
            conn.execute("INSERT INTO failures (stage, item, line, reason, recorded_at) VALUES "
                         "('collect-files', 'b.txt', NULL, 'binary', '2026-01-02T00:00:00+00:00')")
    monkeypatch.setattr(db, "MIGRATIONS", MIGRATIONS)
    with Store(path) as store:
        rows = [tuple(r) for r in store.conn.execute(
            "SELECT item, line, attempts, first_recorded_at, recorded_at, cleared_at FROM failures ORDER BY item")]
    assert rows == [("a.csv", 2, 3, "2026-01-01T00:00:00+00:00", "2026-01-03T00:00:00+00:00", None),
                    ("b.txt", None, 1, "2026-01-02T00:00:00+00:00", "2026-01-02T00:00:00+00:00", None)]


def test_record_failure_counts_a_repeat_and_clear_keeps_history(tmp_path) -> None:
    from policytext.store.documents import clear_failures, record_failure

    with Store(tmp_path / "policytext.db", create=True) as store:
        with store.transaction():
            first = record_failure(store, stage="s", item="x", line=None, reason="broken")
            assert record_failure(store, stage="s", item="x", line=None, reason="broken") == first
            other = record_failure(store, stage="s", item="x", line=None, reason="broken", exclude={first})
            assert other != first
            assert clear_failures(store, stage="s", item="x", keep={other}) == 1
            assert record_failure(store, stage="s", item="x", line=None, reason="broken") == other
        rows = [tuple(r) for r in store.conn.execute(
            "SELECT id, attempts, cleared_at IS NOT NULL FROM failures ORDER BY id")]
    assert rows == [(first, 2, 1), (other, 2, 0)]
