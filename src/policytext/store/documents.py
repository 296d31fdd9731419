"""Write and read documents and failures."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from policytext.records import Document
from policytext.store.db import Store, utc_now
from policytext.store.filters import DocumentFilter

# Columns written from a Document; bookkeeping columns (annotated_*, updated_at) are managed here.
_WRITE_COLUMNS = (
    "id", "source", "source_id", "url", "title", "text", "date", "date_precision", "speaker",
    "speaker_role", "party", "source_party", "organisations", "publisher", "kind", "country",
    "government", "source_government", "language", "content_sha256", "words", "collected_at", "meta",
)
_COMPARED = tuple(c for c in _WRITE_COLUMNS if c not in ("collected_at",))

READ_COLUMNS = _WRITE_COLUMNS + ("updated_at", "annotated_sha256", "annotated_model", "annotated_at")


def _row_values(document: Document) -> dict[str, Any]:
    row = document.to_row()
    row["organisations"] = json.dumps(list(document.organisations), ensure_ascii=False)
    row["meta"] = json.dumps(document.meta, ensure_ascii=False, sort_keys=True, default=str)
    row["collected_at"] = document.collected_at or utc_now()
    return row


def upsert_document(store: Store, document: Document) -> str:
    """Insert or update one document; return ``"collected"``, ``"updated"`` or ``"unchanged"``.

    A changed text sets a new ``content_sha256``, which differs from ``annotated_sha256``: the
    annotation stage then knows to annotate the document again. Call inside a transaction.
    """
    row = _row_values(document)
    existing = store.conn.execute(
        f"SELECT {', '.join(_COMPARED)} FROM documents WHERE id = ?", (row["id"],)
    ).fetchone()
    if existing is None:
        columns = ", ".join(_WRITE_COLUMNS) + ", updated_at"
        marks = ", ".join("?" for _ in _WRITE_COLUMNS) + ", ?"
        store.conn.execute(
            f"INSERT INTO documents ({columns}) VALUES ({marks})",
            [row[c] for c in _WRITE_COLUMNS] + [row["collected_at"]],
        )
        return "collected"
    if all(existing[c] == row[c] for c in _COMPARED):
        return "unchanged"
    assignments = ", ".join(f"{c} = ?" for c in _COMPARED if c != "id")
    store.conn.execute(
        f"UPDATE documents SET {assignments}, updated_at = ? WHERE id = ?",
        [row[c] for c in _COMPARED if c != "id"] + [utc_now(), row["id"]],
    )
    return "updated"


def record_failure(store: Store, *, stage: str, item: str, reason: str, line: int | None = None,
                   source: str | None = None) -> None:
    """Record why an item failed, so ``policytext failures`` can list it. Call in a transaction."""
    store.conn.execute(
        "INSERT INTO failures (stage, source, item, line, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (stage, source, item, line, reason, utc_now()),
    )


def clear_failures(store: Store, *, stage: str, item: str) -> None:
    """Forget the failures of an item that has now succeeded. Call in a transaction."""
    store.conn.execute("DELETE FROM failures WHERE stage = ? AND item = ?", (stage, item))


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
    row = store.conn.execute(
        f"SELECT {', '.join(_WRITE_COLUMNS)} FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    return Document.from_row(dict(row)) if row else None


@dataclass
class WriteReport:
    """What a collecting run did: counts, and every failure with its reason."""

    collected: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    duplicate: int = 0  # kept once; the other locations are recorded (web collectors)
    failures: list[dict[str, Any]] = field(default_factory=list)
    skips: list[dict[str, Any]] = field(default_factory=list)

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        return (f"{self.collected} collected, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped} skipped, {self.duplicate} duplicate, {self.failed} failed")

    def as_dict(self) -> dict[str, Any]:
        return {"collected": self.collected, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "duplicate": self.duplicate, "failed": self.failed, "failures": self.failures,
                "skips": self.skips}
