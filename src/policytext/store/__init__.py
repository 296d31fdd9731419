"""The corpus store: one SQLite file (WAL), migrated on open, written in batched transactions."""
from policytext.store.db import Store, utc_now
from policytext.store.documents import (
    WriteReport,
    get_document,
    iter_document_rows,
    record_failure,
    upsert_document,
)
from policytext.store.filters import DocumentFilter

__all__ = ["Store", "WriteReport", "DocumentFilter", "get_document", "iter_document_rows",
           "record_failure", "upsert_document", "utc_now"]
