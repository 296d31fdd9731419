"""Write and read documents and failures, and the typed records of what a run did."""
from __future__ import annotations

import json
import operator
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Iterator

from policytext.records import Document
from policytext.store.db import Store, utc_now
from policytext.store.filters import DocumentFilter

# Columns written from a Document; bookkeeping columns (annotated_*, updated_at) are managed here.
_WRITE_COLUMNS = (
    "id", "source", "source_id", "url", "title", "text", "date", "date_precision", "speaker",
    "speaker_role", "role", "side", "party", "source_party", "organisations", "publisher", "kind", "country",
    "government", "source_government", "language", "content_sha256", "words", "collected_at", "meta",
)
_write_values = operator.attrgetter(*_WRITE_COLUMNS)  # one C call: a third of the time of a getattr loop
_COMPARED = tuple(c for c in _WRITE_COLUMNS if c not in ("collected_at",))

_NEW_COLUMNS = _WRITE_COLUMNS + ("updated_at",)
_PREFETCH_CHUNK = 500  # ids a statement of DocumentWriter.prefetch asks for (SQLite's old limit is 999 parameters)
_NEW_TABLE = "policytext_new_documents"  # a connection's own temporary table (see DocumentWriter.flush)

READ_COLUMNS = _WRITE_COLUMNS + ("updated_at", "annotated_sha256", "annotated_model", "annotated_at")


def _row_values(document: Document, now: str | None = None) -> dict[str, Any]:
    """The document's column values, ``organisations`` and ``meta`` as JSON; ``now`` (default: the clock) when not collected before."""
    row = dict(zip(_WRITE_COLUMNS, _write_values(document)))
    organisations, meta = document.organisations, document.meta
    row["organisations"] = json.dumps(list(organisations), ensure_ascii=False) if organisations != () else "[]"
    row["meta"] = json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str) if meta != {} else "{}"
    row["collected_at"] = document.collected_at or now or utc_now()
    return row


ANNOTATION_TABLES = ("sentences", "entities", "quotes", "claims", "doc_lemmas")
"""Tables whose rows of a document go with it (``ON DELETE CASCADE``) and with its old text."""


@dataclass(frozen=True)
class Written:
    """What writing one document did: its status and, for an update, what it replaced."""

    status: str  # "collected", "updated" or "unchanged"
    previous: dict[str, Any] | None = None  # the replaced row's title, speaker, date, meta…
    changed: tuple[str, ...] = ()  # the columns an update changed


def write_document(store: Store, document: Document) -> Written:
    """Insert or update one document; return what happened and, for an update, what it replaced.

    A changed text sets a new ``content_sha256``, which differs from ``annotated_sha256``: the
    annotation stage then knows to annotate the document again. The old text's annotations
    (sentences, entities, quotes, claims, lemmas) are deleted with it. Call inside a transaction. (To
    write many, a :class:`DocumentWriter` inserts the new ones together, much faster.)
    """
    writer = DocumentWriter(store)
    written = writer.write(document)
    writer.flush()
    return written


class DocumentWriter:
    """Insert or update documents inside one transaction, the new ones inserted together by :meth:`flush`.

    One INSERT statement for a batch of new documents instead of one each: the search index of
    titles (FTS5, kept in step by a trigger) writes out its pending terms at the end of every
    statement, so a statement per document wrote an index segment per document and then merged
    them — about two thirds of the time of inserting a new Hansard speech (3,008 speeches on a
    busy machine: 2.05 s one by one, 0.7 s together). Updates are written at once. Call :meth:`flush` before
    the transaction ends and before reading the new rows back. :meth:`prefetch` reads the stored
    versions of a batch's documents in a few statements instead of one SELECT each; the rows
    stored and the statuses reported are the same with it or without.

    Example:
        >>> with store.transaction():                        # doctest: +SKIP
        ...     writer = DocumentWriter(store)
        ...     writer.prefetch(d.id for d in documents)
        ...     statuses = [writer.write(d).status for d in documents]
        ...     writer.flush()
    """

    def __init__(self, store: Store):
        self.store = store
        self._new: dict[str, dict[str, Any]] = {}  # rows not yet inserted, by id, in order
        self._stored: dict[str, Any] = {}  # rows read ahead by :meth:`prefetch` (None: not stored), used once
        self._now: str | None = None  # the batch's clock: one reading until the next flush

    def prefetch(self, ids: Iterable[str]) -> None:
        """Read the stored rows of ``ids`` ahead, a few statements for a whole batch instead of one per document.

        Call inside the transaction that writes them. Each row read ahead serves one :meth:`write`
        of its id; a second write of the id in the batch reads the store (or the batch) again, so it
        sees what the first wrote. :meth:`flush` forgets the rows not used.
        """
        wanted = [i for i in dict.fromkeys(ids) if i not in self._new]
        columns = ", ".join(_COMPARED)
        for start in range(0, len(wanted), _PREFETCH_CHUNK):
            chunk = wanted[start:start + _PREFETCH_CHUNK]
            self._stored.update(dict.fromkeys(chunk))
            for row in self.store.conn.execute(
                    f"SELECT {columns} FROM documents WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                self._stored[row["id"]] = row

    def _clock(self) -> str:
        if self._now is None:
            self._now = utc_now()
        return self._now

    def write(self, document: Document) -> Written:
        """Insert (at :meth:`flush`) or update one document; return what happened (see :func:`write_document`)."""
        row = _row_values(document, self._clock())
        pending = self._new.get(row["id"])
        if pending is not None:  # written earlier in this batch, not inserted yet
            changed = tuple(c for c in _COMPARED if pending[c] != row[c])
            if not changed:
                return Written("unchanged")
            self._new[row["id"]] = {**row, "collected_at": pending["collected_at"], "updated_at": self._clock()}
            return Written("updated", *_replaced(pending, changed))
        if row["id"] in self._stored:
            existing = self._stored.pop(row["id"])
        else:
            existing = self.store.conn.execute(
                f"SELECT {', '.join(_COMPARED)} FROM documents WHERE id = ?", (row["id"],)
            ).fetchone()
        if existing is None:
            self._new[row["id"]] = {**row, "updated_at": row["collected_at"]}
            return Written("collected")
        changed = tuple(c for c in _COMPARED if existing[c] != row[c])
        if not changed:
            return Written("unchanged")
        assignments = ", ".join(f"{c} = ?" for c in _COMPARED if c != "id")
        self.store.conn.execute(
            f"UPDATE documents SET {assignments}, updated_at = ? WHERE id = ?",
            [row[c] for c in _COMPARED if c != "id"] + [self._clock(), row["id"]],
        )
        if "content_sha256" in changed:
            # the old text's sentences, quotes, claims and lemmas no longer fit the text: search
            # would cite words the document no longer has, at offsets into the new text
            for table in ANNOTATION_TABLES:
                self.store.conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (row["id"],))
        return Written("updated", *_replaced(existing, changed))

    def flush(self) -> int:
        """Insert the new documents written since the last flush, in one statement; return how many.

        The rows go first into a temporary table, which has no index or trigger, and from there
        into ``documents`` together, in the order they were written.
        """
        self._stored.clear()
        self._now = None
        if not self._new:
            return 0
        columns = ", ".join(_NEW_COLUMNS)
        conn = self.store.conn
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_NEW_TABLE} ({columns})")  # no types: values kept as given
        conn.executemany(f"INSERT INTO temp.{_NEW_TABLE} ({columns}) VALUES ({', '.join('?' * len(_NEW_COLUMNS))})",
                         [[row[c] for c in _NEW_COLUMNS] for row in self._new.values()])
        conn.execute(f"INSERT INTO main.documents ({columns}) SELECT {columns} FROM temp.{_NEW_TABLE} ORDER BY rowid")
        conn.execute(f"DELETE FROM temp.{_NEW_TABLE}")
        count = len(self._new)
        self._new.clear()
        return count


def _replaced(previous: Any, changed: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """What an update replaced (title, speaker, date, source id, meta) and the columns to name."""
    replaced = {c: previous[c] for c in ("title", "speaker", "date", "source_id")}
    replaced["meta"] = _json_or_empty(previous["meta"])
    # content_sha256 and words follow the text: name the text once.
    shown = tuple(c for c in changed if c not in ("content_sha256", "words"))
    return replaced, shown or changed


def _json_or_empty(value: Any) -> dict[str, Any]:
    try:
        decoded = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def upsert_document(store: Store, document: Document) -> str:
    """Insert or update one document; return ``"collected"``, ``"updated"`` or ``"unchanged"``.

    See :func:`write_document`, which also says what an update replaced. Call inside a transaction.
    """
    return write_document(store, document).status


def record_failure(store: Store, *, stage: str, item: str, reason: str, line: int | None = None,
                   source: str | None = None, exclude: Iterable[int] = ()) -> int:
    """Record why an item failed, so ``policytext failures`` can list it; return the row id.

    An item that fails again the same way (same stage, item, line and reason) counts one more
    attempt on its open row instead of adding another. Rows in ``exclude`` (those a run has
    already recorded) are not reused, so two equal failures of one run stay two rows. Call in a
    transaction.
    """
    now = utc_now()
    excluded = set(exclude)
    for (row_id,) in store.conn.execute(
        "SELECT id FROM failures WHERE stage = ? AND item = ? AND line IS ? AND reason = ? "
        "AND cleared_at IS NULL ORDER BY id", (stage, item, line, reason)):
        if row_id not in excluded:
            store.conn.execute(
                "UPDATE failures SET attempts = attempts + 1, recorded_at = ?, source = COALESCE(?, source) "
                "WHERE id = ?", (now, source, row_id))
            return int(row_id)
    cursor = store.conn.execute(
        "INSERT INTO failures (stage, source, item, line, reason, recorded_at, first_recorded_at, attempts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
        (stage, source, item, line, reason, now, now),
    )
    return int(cursor.lastrowid)


def clear_failures(store: Store, *, stage: str, item: str, keep: Iterable[int] = ()) -> int:
    """Mark the open failures of an item that has now succeeded as cleared; return how many.

    Rows in ``keep`` (failures recorded by the current run) stay open. Cleared rows are kept as
    history (``policytext failures --all``). Call in a transaction.
    """
    kept = set(keep)
    open_rows = [row[0] for row in store.conn.execute(
        "SELECT id FROM failures WHERE stage = ? AND item = ? AND cleared_at IS NULL", (stage, item))]
    cleared = [row_id for row_id in open_rows if row_id not in kept]
    now = utc_now()
    for start in range(0, len(cleared), 500):
        chunk = cleared[start:start + 500]
        store.conn.execute(f"UPDATE failures SET cleared_at = ? WHERE id IN ({', '.join('?' for _ in chunk)})",
                           [now, *chunk])
    return len(cleared)


def iter_document_rows(store: Store, filters: DocumentFilter | None = None, *,
                       columns: Iterable[str] = READ_COLUMNS) -> Iterator[dict[str, Any]]:
    """Yield matching documents as dicts, oldest first, decoding JSON columns."""
    filters = filters or DocumentFilter()
    where, params = filters.where("documents")
    names = list(columns)
    sql = f"SELECT {', '.join(names)} FROM documents WHERE {where} ORDER BY date, id"
    if filters.limit is not None:
        sql += " LIMIT ?"
        params = params + [filters.limit]
    for row in store.conn.execute(sql, params):
        item = dict(zip(names, row))
        if "organisations" in item and isinstance(item["organisations"], str):
            item["organisations"] = json.loads(item["organisations"])
        if "meta" in item and isinstance(item["meta"], str):
            item["meta"] = json.loads(item["meta"])
        yield item


def get_document(store: Store, doc_id: str) -> Document | None:
    """Return the stored document ``doc_id``, or ``None``."""
    row = store.conn.execute(
        f"SELECT {', '.join(_WRITE_COLUMNS)} FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    return Document.from_row(dict(row)) if row else None


class _RecordAccess:
    """Read a record's fields as ``record["reason"]`` too, as code written for the old dicts does."""

    def __getitem__(self, name: str) -> Any:
        if name not in self.as_dict():
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default) if name in self.as_dict() else default

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @property
    def where(self) -> str:
        """``item:line``, or the item alone when there is no line."""
        item, line = getattr(self, "item"), getattr(self, "line")
        return f"{item}:{line}" if line is not None else item


@dataclass(frozen=True)
class FailedItem(_RecordAccess):
    """An item a run could not collect, with the reason (also recorded in ``failures``)."""

    item: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class SkippedItem(_RecordAccess):
    """An item a run deliberately did not collect (empty, a repeat…), with the reason."""

    item: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class NoticedItem(_RecordAccess):
    """Something to know about an item a run collected all the same (e.g. lines read in a fallback encoding)."""

    item: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class UpdatedDocument(_RecordAccess):
    """A stored document that a run replaced with a changed version.

    ``item``/``line`` say where the new version came from; ``previous_*`` describe the version
    replaced (its title, speaker, date and where it had come from); ``changed`` names the columns
    that differ.
    """

    doc_id: str
    source_id: str
    item: str
    line: int | None
    changed: tuple[str, ...]
    previous_title: str | None = None
    previous_speaker: str | None = None
    previous_date: str | None = None
    previous_item: str | None = None
    previous_line: int | None = None

    @property
    def previous_where(self) -> str | None:
        if self.previous_item is None:
            return None
        return f"{self.previous_item}:{self.previous_line}" if self.previous_line is not None else self.previous_item


@dataclass(frozen=True)
class IdCollision(_RecordAccess):
    """A document id given twice in one run, and what the run did about it.

    ``id`` is the id as the input gave it (``c27.0``), ``source_id`` the document's whole source
    id (``<path>#c27.0``). ``action`` is ``failed`` (the default: the first is kept, this one
    reported), ``skipped``, ``updated`` (this one replaced the first), ``renamed`` (kept as
    ``new_id``) or ``repeated`` (the same id and the same content again: kept once).

    Example:
        >>> IdCollision("c27.0", "/d.csv#c27.0", "/d.csv", 3685, "/d.csv", 437, "renamed",
        ...             "c27.0@L3685", "/d.csv#c27.0@L3685").where
        '/d.csv:3685'
    """

    id: str
    source_id: str
    item: str
    line: int | None
    first_item: str
    first_line: int | None
    action: str
    new_id: str | None = None
    new_source_id: str | None = None


@dataclass
class WriteReport:
    """What a collecting run did: counts, and every failure, skip, update and id collision.

    ``failures``, ``skips``, ``updates`` and ``collisions`` hold typed, frozen records
    (:class:`FailedItem`, :class:`SkippedItem`, :class:`UpdatedDocument`, :class:`IdCollision`).
    """

    collected: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    duplicate: int = 0  # kept once; the other locations are recorded (web collectors)
    failures: list[FailedItem] = field(default_factory=list)
    skips: list[SkippedItem] = field(default_factory=list)
    updates: list[UpdatedDocument] = field(default_factory=list)
    collisions: list[IdCollision] = field(default_factory=list)
    cleared: int = 0  # earlier failures of items that this run read without them
    notices: list[NoticedItem] = field(default_factory=list)  # about items collected all the same

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        notes = f", {len(self.notices)} noted" if self.notices else ""
        return (f"{self.collected} collected, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped} skipped, {self.duplicate} duplicate, {self.failed} failed{notes}")

    def as_dict(self) -> dict[str, Any]:
        return {"collected": self.collected, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "duplicate": self.duplicate, "failed": self.failed,
                "cleared": self.cleared,
                "failures": [r.as_dict() for r in self.failures],
                "skips": [r.as_dict() for r in self.skips],
                "updates": [r.as_dict() for r in self.updates],
                "collisions": [r.as_dict() for r in self.collisions],
                "notices": [r.as_dict() for r in self.notices]}
