"""The raw-response cache: fetched bodies stored content-addressed and gzip-compressed.

A body with SHA-256 ``abcdef…`` lives in ``<corpus>/cache/ab/abcdef….gz``; the store's
``http_cache`` table maps each URL to its body and to the validators (ETag, Last-Modified) that
make the next request conditional. ``policytext reextract`` rebuilds documents from here without
the network.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from policytext.store import Store, utc_now

CACHE_FOLDER = "cache"


@dataclass(frozen=True)
class CachedResponse:
    """What the index knows about the last successful response for a URL."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    body_sha256: str
    body_bytes: int
    fetched_at: str


class ResponseCache:
    """Bodies on disk, keyed by their SHA-256, and the URL index in the store.

    Example:
        >>> cache = ResponseCache(Path("corpus/cache"), store)      # doctest: +SKIP
        >>> digest = cache.put_body(b"<html>...</html>")           # doctest: +SKIP
        >>> cache.get_body(digest)                                  # doctest: +SKIP
        b'<html>...</html>'
    """

    def __init__(self, folder: Path, store: Store):
        self.folder = Path(folder)
        self.store = store

    def path_for(self, digest: str) -> Path:
        """Return the file that holds the body with SHA-256 ``digest``."""
        return self.folder / digest[:2] / f"{digest}.gz"

    def put_body(self, body: bytes) -> str:
        """Store ``body`` (once: the same bytes are never written twice); return its SHA-256."""
        digest = hashlib.sha256(body).hexdigest()
        path = self.path_for(digest)
        if path.exists() and self.get_body(digest) is not None:
            return digest  # already stored, intact
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file then rename, so a killed run never leaves half a blob.
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
                out.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def remove_bodies(self, digests: Iterable[str]) -> None:
        """Remove the files of the bodies ``digests`` (those already gone are skipped)."""
        for digest in digests:
            self.path_for(digest).unlink(missing_ok=True)

    def get_body(self, digest: str) -> bytes | None:
        """Return the body with SHA-256 ``digest``, or ``None`` when it is missing or damaged."""
        path = self.path_for(digest)
        try:
            with gzip.open(path, "rb") as handle:
                body = handle.read()
        except (OSError, EOFError):
            return None
        return body if hashlib.sha256(body).hexdigest() == digest else None

    def lookup(self, url: str) -> CachedResponse | None:
        """Return the index entry of ``url``, or ``None`` when it was never fetched."""
        row = self.store.conn.execute(
            "SELECT url, final_url, status, content_type, charset, etag, last_modified, body_sha256, "
            "body_bytes, fetched_at FROM http_cache WHERE url = ?", (url,)
        ).fetchone()
        return CachedResponse(**dict(row)) if row else None

    def record(self, entry: CachedResponse) -> None:
        """Index ``entry`` as the latest response for its URL (its own small transaction)."""
        now = utc_now()
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO http_cache (url, final_url, status, content_type, charset, etag, "
                "last_modified, body_sha256, body_bytes, fetched_at, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                "final_url = excluded.final_url, status = excluded.status, "
                "content_type = excluded.content_type, charset = excluded.charset, "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "body_sha256 = excluded.body_sha256, body_bytes = excluded.body_bytes, "
                "fetched_at = excluded.fetched_at, checked_at = excluded.checked_at",
                (entry.url, entry.final_url, entry.status, entry.content_type, entry.charset,
                 entry.etag, entry.last_modified, entry.body_sha256, entry.body_bytes,
                 entry.fetched_at, now),
            )

    def touch(self, url: str) -> None:
        """Note that ``url`` was checked and found unchanged (a 304 answer)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE http_cache SET checked_at = ? WHERE url = ?", (utc_now(), url))
