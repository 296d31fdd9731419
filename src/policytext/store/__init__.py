"""The corpus store: one SQLite file (WAL), migrated on open, written in batched transactions."""
from policytext.store.db import Store, utc_now
from policytext.store.documents import (
    FailedItem,
    IdCollision,
    NoticedItem,
    SkippedItem,
    UpdatedDocument,
    WriteReport,
    get_document,
    iter_document_rows,
    record_failure,
    upsert_document,
    write_document,
)
from policytext.store.filters import DocumentFilter

__all__ = ["Store", "WriteReport", "FailedItem", "SkippedItem", "NoticedItem", "UpdatedDocument", "IdCollision",
           "DocumentFilter", "get_document", "iter_document_rows", "record_failure", "upsert_document",
           "write_document", "utc_now"]
