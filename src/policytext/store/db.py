"""Open the corpus store: one SQLite file in WAL mode, migrated on open, checked before writing.

A store opened for writing is checked (``PRAGMA quick_check``) before its first write and refused
when damaged, so a damaged file is never written to. Read-only opens (``readonly=True``) use SQLite's ``mode=ro``,
and ``immutable=1`` where the folder cannot be written and no other connection is open, so reading
commands work on read-only storage. SQLite errors that mean "damaged", "locked by another writer"
or "read-only here" become typed :class:`~policytext.errors.StoreError` s through
:meth:`Store.explain`, which ``with Store(...)`` and ``with open_corpus(...)`` apply on the way out.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from policytext.config import STORE_FILE_NAME
from policytext.errors import (
    CorpusNotFound,
    PolicytextError,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreReadOnly,
)
from policytext.store.schema import EXACT_INDEXED, FILLED, MIGRATIONS

MMAP_BYTES = 1 << 30
"""How much of the store file reads may map into memory (``PRAGMA mmap_size``). Counting or
filtering the matches of a broad search reads a page of the store for each match; through the map
that is a memory read instead of a system call. It reserves address space, not memory."""

DEFAULT_BUSY_TIMEOUT = 30.0
"""Seconds a write waits for another writer's lock before giving up (setting ``busy_timeout_seconds``)."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

WRITER_SUFFIX = "-writer"
"""Beside ``policytext.db``, ``policytext.db-writer`` names the process holding the write lock
(pid, command, since when) while it holds it, so a writer kept waiting can say who is writing."""

EXACT_FILL_BATCH = 20_000
"""Rows of a table indexed as written per committed transaction when an existing store gets the index."""
EXACT_FILL_NOTICE_ROWS = 100_000
"""From how many rows to index the store says what it is doing (a logging warning, on stderr)."""

_LOG = logging.getLogger("policytext.store")
_DAMAGED = ("malformed", "not a database", "file is encrypted", "database corrupt")
_LOCKED = ("database is locked", "database table is locked", "database schema is locked")


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def require_folder(folder: Path) -> None:
    """Raise ``StoreError`` when the corpus folder ``folder`` exists but is not a folder.

    Example:
        >>> require_folder(Path("corpus"))  # doctest: +SKIP
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        hint = f" To use the store in it, pass its folder: --corpus {folder.parent}." \
            if _has_sqlite_header(folder) else ""
        raise StoreError(f"the corpus folder {folder} is a file, not a folder. Pass --corpus a "
                         f"folder (it is created when missing).{hint}")


class Store:
    """A connection to the corpus store.

    Writes go through :meth:`transaction`, which commits on success and rolls back on error, so a
    killed process leaves the file as it was after the last committed batch.

    Args:
        path: the store file (``<corpus>/policytext.db``).
        create: create the store when it is missing (whole, under a temporary name first, so a
            store file is never left half made).
        readonly: open with ``mode=ro`` (never writes; works on read-only storage). A store
            opened for writing on storage this process cannot write is opened read-only too: it
            reads as usual, and its first write raises ``StoreReadOnly``.
        busy_timeout: seconds to wait for another writer's lock.
    """

    def __init__(self, path: Path, *, create: bool = False, readonly: bool = False,
                 busy_timeout: float = DEFAULT_BUSY_TIMEOUT):
        self.path = Path(path)
        self.readonly = readonly
        self.busy_timeout = float(busy_timeout)
        self.conn: sqlite3.Connection | None = None
        self._checked = False  # quick_check passed (run once, before this connection's first write)
        require_folder(self.path.parent)
        if not self.path.exists():
            if not create or readonly:
                raise CorpusNotFound(
                    f"no corpus store at {self.path}. Collect something first, e.g. "
                    f"'policytext --corpus {self.path.parent} collect sotu', or pass --corpus."
                )
            _create_store(self.path, busy_timeout=self.busy_timeout)
        elif not readonly and not _writable(self.path):
            self.readonly = readonly = True
        try:
            self.conn = _connect(self.path, readonly=readonly, busy_timeout=self.busy_timeout)
            if readonly:
                if self.pending_migrations() or (self.exact_indexes_unfilled() and _writable(self.path)):
                    self._upgrade_then_reopen()  # a fill of the index of words as written resumes too
                self._check_version()
            else:
                self.migrate()
        except sqlite3.Error as err:
            self.close()
            raise (self.explain(err) or StoreError(f"cannot open the store {self.path}: {err}")) from err
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        self.close()
        raise_explained(self, exc)

    # ------------------------------------------------------------------ checks on open

    def _refuse_if_damaged(self) -> None:
        """Run ``PRAGMA quick_check`` once, before the first write, and raise ``StoreCorrupt`` unless ok.

        quick_check reads every page but skips integrity_check's index-to-table comparison. It
        runs before the first write rather than on open because its cost grows with the store
        (15-25 ms for the 249 State of the Union addresses, 12.8 MB; about 0.5 s once 76k
        sentences and claims are indexed, 67 MB): a command that opens for writing but finds
        nothing to write (trends with current lemmas, serve) does not pay it.
        """
        if self._checked:
            return
        rows = _run_check(self.conn, "quick_check", 5)
        if rows != ["ok"]:
            raise StoreCorrupt(self.damaged_message(f"PRAGMA quick_check found: {'; '.join(rows)[:300]}"))
        self._checked = True

    def _upgrade_then_reopen(self) -> None:
        """Bring an older store's schema up to date through a brief writable open, then read on."""
        if not _writable(self.path):
            missing = ", ".join(str(v) for v in self.pending_migrations())
            raise StoreReadOnly(
                f"the store {self.path} lacks migration(s) {missing} of this policytext (an older "
                "one wrote it), and cannot be upgraded here because it is read-only. Run any "
                "writing command (e.g. 'policytext collect ...') once where it is writable, or "
                "read it with the policytext version that wrote it.")
        self.conn.close()
        Store(self.path, busy_timeout=self.busy_timeout).close()
        self.conn = _connect(self.path, readonly=True, busy_timeout=self.busy_timeout)

    def damaged_message(self, detail: str) -> str:
        return damaged_message(self.path, detail)

    def explain(self, err: BaseException | None) -> StoreError | None:
        """Return the ``StoreError`` that says what an SQLite error means for this store.

        Damage, a lock held past the busy timeout, read-only storage, a full disk or failing I/O
        become typed errors whose message says what to do; any other error (a bug, a bad query)
        gives ``None`` and stays as it is. The SQLite error may be wrapped (pandas wraps it).
        """
        found = _sqlite_error_in(err)
        if found is None:
            return None
        text = str(found)
        low = text.lower()
        if any(mark in low for mark in _DAMAGED):
            return StoreCorrupt(self.damaged_message(text))
        if any(mark in low for mark in _LOCKED):
            return StoreLocked(self.locked_message())
        if "readonly database" in low:
            return StoreReadOnly(self.readonly_message(text))
        if "database or disk is full" in low:
            return StoreError(f"the disk holding the store {self.path} is full ({text}). The batch "
                              "being written was not stored; free some space and run the command again.")
        if "disk i/o error" in low:
            return StoreError(f"reading or writing the store {self.path} failed ({text}). Check the "
                              f"disk, then run 'policytext --corpus {self.path.parent} check'.")
        if "unable to open database file" in low:
            return StoreError(f"cannot open the store {self.path} ({text}). Check that you may "
                              "read the file and its folder (and write them, for commands that write).")
        return None

    def readonly_message(self, detail: str) -> str:
        return (f"the store {self.path} is read-only here ({detail}), and this command writes to it. "
                "Run it where the store is writable (check the permissions of the file and its "
                "folder); commands that only read (stats, docs, search, export, check…) work on "
                "read-only storage.")

    # ------------------------------------------------------------------ writes and locks

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction: all of it is stored, or none.

        Raises:
            StoreCorrupt: the store is damaged (checked once, before the first write).
            StoreLocked: another process held the write lock for longer than the busy timeout.
            StoreReadOnly: the store was opened read-only, or this process cannot write it.
        """
        if self.readonly:
            detail = "opened read-only" if _writable(self.path) else "this process may not write the file or its folder"
            raise StoreReadOnly(self.readonly_message(detail))
        try:
            self._refuse_if_damaged()
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            explained = self.explain(err)
            if explained is None:
                raise
            raise explained from err
        claimed = self._claim_writer()
        try:
            yield self.conn
        except BaseException:
            self._release_writer(claimed)
            if self.conn.in_transaction:  # SQLite may have rolled back already (full disk, damage)
                self.conn.execute("ROLLBACK")
            raise
        else:
            # The note goes before the lock is released, so it never deletes the next writer's.
            self._release_writer(claimed)
            self.conn.execute("COMMIT")

    @property
    def writer_path(self) -> Path:
        return self.path.with_name(self.path.name + WRITER_SUFFIX)

    def _claim_writer(self) -> bool:
        """Note this process as the holder of the write lock (best effort: the lock itself is SQLite's)."""
        program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
        name = program.parent.name if program.name == "__main__.py" else program.name  # python -m policytext
        command = " ".join([name, *sys.argv[1:]])
        try:
            self.writer_path.write_text(json.dumps(
                {"pid": os.getpid(), "command": command[:200], "since": utc_now()}), encoding="utf-8")
        except OSError:
            return False
        return True

    def _release_writer(self, claimed: bool) -> None:
        if claimed:
            try:
                self.writer_path.unlink()
            except OSError:
                pass

    def current_writer(self) -> str | None:
        """Describe the process holding the write lock, when it left a note and is still running."""
        try:
            note = json.loads(self.writer_path.read_text(encoding="utf-8"))
            pid, command, since = int(note["pid"]), str(note["command"]), str(note["since"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if pid == os.getpid() or not _process_exists(pid):
            return None
        return f"process {pid}, '{command}', writing since {since}"

    def locked_message(self) -> str:
        writer = self.current_writer() or "another policytext process or SQLite tool"
        return (f"the store {self.path} is locked by another writer ({writer}) and stayed locked for "
                f"longer than the busy timeout ({self.busy_timeout:g} s). Nothing more was written by "
                "this command; what it committed before is kept. Wait for the other writer to finish "
                "or stop it, then run this command again (a longer wait: busy_timeout_seconds in "
                "policytext.toml, or POLICYTEXT_BUSY_TIMEOUT_SECONDS).")

    # ------------------------------------------------------------------ schema

    def schema_version(self) -> int:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return 0
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def pending_migrations(self) -> list[int]:
        """Return the versions of this policytext's migrations the store has not had (any order)."""
        if self.schema_version() == 0:
            return sorted(m.version for m in MIGRATIONS)
        done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        return sorted(m.version for m in MIGRATIONS if m.version not in done)

    def _check_version(self) -> None:
        latest = _latest_version()
        current = self.schema_version()
        if current > latest:
            raise StoreError(
                f"the store {self.path} has schema version {current}, newer than this policytext "
                f"knows ({latest}). Upgrade policytext."
            )

    def migrate(self) -> list[int]:
        """Apply every migration newer than the store's version; return the versions applied."""
        self._check_version()
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for migration in sorted(MIGRATIONS, key=lambda m: m.version):
            if migration.version in done:
                continue
            # executescript would commit on its own; run statement by statement in one transaction.
            with self.transaction() as conn:
                for statement in _split_sql(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, utc_now()),
                )
            applied.append(migration.version)
        self.fill_exact_indexes()
        return applied

    def exact_indexes_unfilled(self) -> dict[str, int]:
        """Return, per table whose index of words as written is not complete, how many rows it lacks.

        Empty when every index is whole (and on a store without them yet: they are made whole
        by the migration that adds them).
        """
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_exact_fill'").fetchone():
            return {}
        lacking = {}
        for name, filled_to in self.conn.execute(
                "SELECT name, filled_to FROM search_exact_fill WHERE filled_to < ?", (FILLED,)).fetchall():
            if name in EXACT_INDEXED:
                lacking[name] = int(self.conn.execute(
                    f"SELECT count(*) FROM [{name}] WHERE id > ?", (filled_to,)).fetchone()[0])
        return lacking

    def fill_exact_indexes(self, *, batch: int = EXACT_FILL_BATCH) -> int:
        """Index the rows store migration 18 found, as written, ``batch`` rows a transaction; return how many.

        Each batch commits with the id it reached (``search_exact_fill``), so a fill that is
        stopped resumes there on the next writable open; the triggers keep the rows up to that id
        in step meanwhile. On a large store it says what it does and how far it got (a logging
        warning from ``policytext.store``, shown on stderr). A quoted phrase is refused until the
        fill is done (:func:`policytext.search.matching.require_exact_index`).
        """
        lacking = self.exact_indexes_unfilled()
        total = sum(lacking.values())
        if not lacking:
            return 0
        loud = total >= EXACT_FILL_NOTICE_ROWS
        if loud:
            _LOG.warning("indexing the words as written of %s rows (%s) of the store %s, for quoted phrases in "
                         "search; once only, and if stopped it resumes where it got to", f"{total:,}",
                         ", ".join(f"{count:,} {name}" for name, count in lacking.items()), self.path)
        done, started, said = 0, time.monotonic(), time.monotonic()
        for name in lacking:
            while True:
                with self.transaction() as conn:
                    filled_to = conn.execute("SELECT filled_to FROM search_exact_fill WHERE name = ?",
                                             (name,)).fetchone()[0]
                    if filled_to >= FILLED:  # another process finished it meanwhile
                        break
                    last = conn.execute(f"SELECT max(id), count(*) FROM (SELECT id FROM [{name}] WHERE id > ? "
                                        "ORDER BY id LIMIT ?)", (filled_to, int(batch))).fetchone()
                    if last[1]:
                        conn.execute(f"INSERT INTO [{name}_exact] (rowid, [text]) SELECT id, [text] FROM [{name}] "
                                     "WHERE id > ? AND id <= ?", (filled_to, last[0]))
                    finished = last[1] < int(batch)
                    conn.execute("UPDATE search_exact_fill SET filled_to = ? WHERE name = ?",
                                 (FILLED if finished else last[0], name))
                done += int(last[1])
                if loud and time.monotonic() - said >= 5:
                    said = time.monotonic()
                    _LOG.warning("indexed %s of %s rows as written", f"{done:,}", f"{total:,}")
                if finished:
                    break
        if loud:
            _LOG.warning("indexed the words as written of %s rows in %.0f s", f"{done:,}", time.monotonic() - started)
        return done


def damaged_message(path: Path, detail: str) -> str:
    """Return the message for a damaged store: what was found, and the two ways to recover."""
    copy = path.parent / "recovered.db"
    return (
        f"the store {path} is damaged ({detail}). policytext will not write to it. To recover, "
        "stop every policytext process using it, then either salvage what can still be read into a "
        f"new file with the sqlite3 shell — sqlite3 {path} .recover | sqlite3 {copy} (where the "
        f"shell lacks .recover: sqlite3 {path} .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' "
        f"| sqlite3 {copy}) — check the copy with 'policytext check {copy}' and put it in place of "
        f"{path.name}; or move {path.name} away and collect again. 'policytext --corpus "
        f"{path.parent} check' lists every problem."
    )


def index_message(path: Path, detail: str) -> str:
    """Return the message for a search index out of step with its tables, and how to rebuild it."""
    return (
        f"the search index of the store {path} is out of step with its tables ({detail}); the "
        "rows themselves passed SQLite's checks. Rebuild the index: python -c \"import policytext, "
        "policytext.search as s; s.rebuild_search_index(policytext.open_corpus("
        f"'{path.parent}'))\"."
    )


def raise_explained(store: Store, exc: BaseException | None) -> None:
    """Raise the typed error for ``exc`` when it is an SQLite error about ``store``'s file.

    Called on the way out of a ``with`` block, so every command reports a damaged, locked or
    read-only store as ``Error: …`` without catching SQLite errors itself.
    """
    if isinstance(exc, Exception) and not isinstance(exc, PolicytextError):
        explained = store.explain(exc)
        if explained is not None:
            raise explained from exc


@dataclass(frozen=True)
class StoreCheck:
    """The result of :func:`check_store`: problems found (none when sound) and what was checked."""

    path: Path
    problems: tuple[str, ...]
    """Damage SQLite found (pages, indexes, foreign keys): the store is not fit to write to."""
    checked: tuple[str, ...]
    skipped: tuple[str, ...]
    """What could not be checked, and why."""
    index_problems: tuple[str, ...] = ()
    """Full-text indexes out of step with their tables (sound rows; rebuild the index)."""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.index_problems


def check_store(path: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> StoreCheck:
    """Check a store thoroughly without changing it: pages, indexes, foreign keys, search index.

    Runs SQLite's full ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` on a read-only
    connection, then FTS5's ``integrity-check`` of each full-text index (on a writable connection,
    as FTS5 asks; it writes nothing; skipped with a reason on read-only storage or when the file is
    already known to be damaged). Raises ``CorpusNotFound`` or ``StoreError`` when the file cannot
    be checked at all (missing, empty, not SQLite, not a policytext store).

    Example:
        >>> check_store("corpus/policytext.db").ok  # doctest: +SKIP
        True
    """
    store_path = Path(path)
    if store_path.is_dir():
        store_path = store_path / STORE_FILE_NAME
    if not store_path.exists():
        raise CorpusNotFound(f"no store at {store_path}: nothing to check. Pass --corpus, or the "
                             "store file or its folder.")
    problems: list[str] = []
    checked: list[str] = []
    skipped: list[str] = []
    try:
        conn = _connect(store_path, readonly=True, busy_timeout=busy_timeout)
    except sqlite3.DatabaseError as err:
        return StoreCheck(store_path, (f"the file cannot be opened as a database: {err}",), (),
                          ("everything else: the file cannot be opened",))
    try:
        rows = _run_check(conn, "integrity_check")
        checked.append("integrity_check")
        if rows != ["ok"]:
            problems.extend(rows)
        try:
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} refers to a missing row of {parent}")
            checked.append("foreign_key_check")
            fts_tables = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'")]
        except sqlite3.DatabaseError as err:
            problems.append(f"the foreign-key check failed: {err}")
            fts_tables = []
    finally:
        conn.close()
    if problems:
        skipped.append("search index (FTS5 integrity-check): the file is damaged already")
    elif not _writable(store_path):
        skipped.append("search index (FTS5 integrity-check): it needs a writable store and this one is read-only")
    elif fts_tables:
        unfilled = _unfilled_exact(store_path, busy_timeout)
        if unfilled:
            fts_tables = [table for table in fts_tables if table not in unfilled]
            skipped.append(f"search index {', '.join(unfilled)}: still being filled (any writing command resumes it)")
        index_problems = _check_fts(store_path, fts_tables, busy_timeout, skipped)
        if not skipped:
            checked.append(f"search index ({len(fts_tables)} FTS5 tables)")
        return StoreCheck(store_path, tuple(problems), tuple(checked), tuple(skipped), tuple(index_problems))
    return StoreCheck(store_path, tuple(problems), tuple(checked), tuple(skipped))


def _run_check(conn: sqlite3.Connection, pragma: str, most: int = 100) -> list[str]:
    """Return the lines of ``PRAGMA integrity_check`` or ``quick_check`` (``["ok"]`` when sound).

    On some damage the full integrity_check stops with "malformed" where quick_check still lists
    what it found; then quick_check's findings are given, followed by the error.
    """
    try:
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}({int(most)})")]
    except sqlite3.DatabaseError as err:
        if pragma == "quick_check":
            return [f"quick_check stopped: {err}"]
        found = [line for line in _run_check(conn, "quick_check", most) if line != "ok"]
        return found + [f"integrity_check stopped: {err}"]
    if rows == ["ok"]:
        return rows
    return [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]


def _unfilled_exact(path: Path, busy_timeout: float) -> list[str]:
    """Return the indexes of words as written (``<table>_exact``) whose fill is not complete."""
    conn = _connect(path, readonly=True, busy_timeout=busy_timeout)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_exact_fill'").fetchone():
            return []
        return [f"{row[0]}_exact" for row in conn.execute(
            "SELECT name FROM search_exact_fill WHERE filled_to < ?", (FILLED,))]
    finally:
        conn.close()


def _check_fts(path: Path, tables: list[str], busy_timeout: float, skipped: list[str]) -> list[str]:
    """Run FTS5's integrity-check of each index; return its problems (a skip reason if locked)."""
    problems = []
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout)
    try:
        for table in tables:
            try:
                conn.execute(f"INSERT INTO [{table}] ([{table}], rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as err:
                if any(mark in str(err).lower() for mark in _LOCKED):
                    skipped.append("search index (FTS5 integrity-check): another process held the write lock")
                    break
                problems.append(f"the search index {table} is out of step with its table ({err})")
    finally:
        conn.close()
    return problems


# ---------------------------------------------------------------------- helpers

def _latest_version() -> int:
    return max(m.version for m in MIGRATIONS)


def _has_sqlite_header(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _check_file(path: Path) -> None:
    """Refuse a store path that is not a regular file, is empty, or does not start as SQLite does."""
    if not path.is_file():
        raise StoreError(f"cannot open the store {path}: it is not a regular file. Move it away, "
                         "or pass --corpus another folder.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as err:
        raise StoreError(f"cannot open the store {path}: {err.strerror or err}. Check that you may "
                         "read the file.") from err
    if not head:
        raise StoreCorrupt(
            f"cannot open the store {path}: the file is empty (0 bytes), so it holds no corpus. "
            "policytext creates its store whole, so the file was made by something else or cut "
            "short (a full disk, a failed copy). Move it away or restore a copy, then collect again.")
    if head != SQLITE_HEADER:
        raise StoreCorrupt(
            f"cannot open the store {path}: it is not an SQLite database (it does not begin with "
            "SQLite's header). Either another kind of file has this name — pass --corpus a folder "
            "of its own — or the start of the store is destroyed: restore a copy, or move it away "
            "and collect again.")


def _require_policytext_store(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse an SQLite database that holds tables but not policytext's (someone else's file)."""
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    if tables and "schema_migrations" not in tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError(
            f"cannot open the store {path}: it is an SQLite database but not a policytext store "
            f"(it has the tables {shown} and no schema_migrations). policytext leaves it alone: "
            "pass --corpus a folder of its own.")


def _writable(path: Path) -> bool:
    """True when this process may write the store file and its folder (for the WAL and lock files)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _immutable(path: Path) -> bool:
    """True when no one can be writing the store: its folder is not writable and there is no WAL."""
    return not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-wal").exists()


def _connect(path: Path, *, readonly: bool, busy_timeout: float) -> sqlite3.Connection:
    """Open the SQLite connection with policytext's settings (after checking the file's kind)."""
    _check_file(path)
    if readonly:
        query = "mode=ro&immutable=1" if _immutable(path) else "mode=ro"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, isolation_level=None,
                               check_same_thread=False, timeout=busy_timeout)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout)
    try:
        _require_policytext_store(conn, path)  # before the journal mode, which would change the file
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    except BaseException:
        conn.close()
        raise
    return conn


def _create_store(path: Path, *, busy_timeout: float) -> None:
    """Create a migrated store at ``path`` under a temporary name, then link it into place.

    A store killed half-way through creation leaves only the temporary file, never an empty or
    half-made ``policytext.db``; two processes creating at once both end up using the first one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.creating-{os.getpid()}")
    leftovers = [temporary.with_name(temporary.name + suffix) for suffix in ("", "-wal", "-shm", WRITER_SUFFIX)]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")  # writes SQLite's header: no longer an empty file
        finally:
            conn.close()
        Store(temporary, busy_timeout=busy_timeout).close()  # migrates; closing folds the WAL in
        try:
            os.link(temporary, path)  # fails when another process created the store meanwhile
        except FileExistsError:
            # An empty file that appeared meanwhile is another program's connection to a store it
            # expected (SQLite creates an empty file on connect), not a store: ours replaces it.
            if path.stat().st_size == 0:
                os.replace(temporary, path)
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    except sqlite3.Error as err:
        raise StoreError(f"cannot create the store {path}: {err}") from err
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)


def _sqlite_error_in(err: BaseException | None) -> sqlite3.Error | None:
    """Return the SQLite error ``err`` is or wraps (through ``raise … from``), if any."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, sqlite3.Error):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except OSError:
        return False
    return True


def _split_sql(script: str) -> list[str]:
    """Split a migration script into complete statements (handles triggers' inner semicolons)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
