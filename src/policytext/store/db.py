"""Open the corpus store: one SQLite file in WAL mode, migrated on open."""
from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from policytext.errors import CorpusNotFound, StoreError
from policytext.store.schema import MIGRATIONS

MMAP_BYTES = 1 << 30
"""How much of the store file reads may map into memory (``PRAGMA mmap_size``). Counting or
filtering the matches of a broad search reads a page of the store for each match; through the map
that is a memory read instead of a system call. It reserves address space, not memory."""


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """A connection to the corpus store.

    Writes go through :meth:`transaction`, which commits on success and rolls back on error, so a
    killed process leaves the file as it was after the last committed batch.
    """

    def __init__(self, path: Path, *, create: bool = False, readonly: bool = False):
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise CorpusNotFound(
                    f"no corpus store at {self.path}. Collect something first, e.g. "
                    f"'policytext --corpus {self.path.parent} collect sotu', or pass --corpus."
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if readonly:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA busy_timeout = 30000")
            self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        except sqlite3.DatabaseError as err:
            raise StoreError(f"cannot open the store {self.path}: {err}") from err
        if not readonly:
            self.migrate()
        else:
            self._check_version()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction: all of it is stored, or none."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return 0
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def _check_version(self) -> None:
        latest = max(m.version for m in MIGRATIONS)
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
        return applied


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
