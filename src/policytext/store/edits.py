"""Delete and retag stored documents, keeping the search index and annotations in step.

The search index follows by itself: triggers on ``documents``, ``sentences``, ``quotes`` and
``claims`` keep their FTS5 tables in step, and deleting a document cascades to its sentences,
entities, quotes, claims and lemmas. What has no cascade is removed here: the document's other
known locations (``duplicate_locations``), its MinHash signature and its feed entries, and the
rows of any other table with a ``doc_id`` column.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Mapping

from policytext.errors import ConfigError, UnknownValue
from policytext.store.db import Store, utc_now
from policytext.store.documents import ANNOTATION_TABLES
from policytext.store.filters import DocumentFilter, escape_like, speaker_condition, strict_options

SELECT_FILTERS = ("speaker", "party", "government", "kind", "source", "country", "since", "until")
"""The filters that choose documents to delete or retag (``limit`` is not one: an edit applies to
every match)."""

RETAG_FIELDS = ("kind", "speaker", "party", "government")
"""The document fields ``retag`` can set."""


ANNOTATION_INPUTS = ("speaker", "kind")
"""Fields annotation reads: quotes by a speech's own speaker are left out, names are resolved
against the speaker, and a speech's claims are said by its speaker. Retagging them marks the
documents for annotating again."""

_CHUNK = 500  # ids per statement, well under SQLite's limit on parameters


@dataclass(frozen=True)
class Selection:
    """The documents an edit applies to: their ids, oldest first.

    ``deleted_earlier`` says what of the choice an earlier delete removed (a speaker or ids no
    document has any more), when the selection was made for deleting again.
    """

    ids: tuple[str, ...]
    deleted_earlier: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeleteReport:
    """What deleting did (or would do, when ``dry_run``): rows removed per table.

    ``documents`` counts documents; ``removed`` maps every other table to its rows removed
    (annotations by cascade, other locations, MinHash signatures, feed entries…).
    """

    documents: int
    removed: Mapping[str, int] = field(default_factory=dict)
    ids: tuple[str, ...] = ()
    dry_run: bool = False
    deleted_earlier: tuple[str, ...] = ()
    """What the choice named that an earlier delete removed (see :class:`Selection`)."""
    forgotten: int = 0
    """Records of earlier deletes erased (``forget``; see :func:`delete_documents`)."""
    log_kept: bool = False
    """``forget`` only: another connection kept SQLite's write-ahead log from being emptied, so
    deleted rows may remain in ``policytext.db-wal`` until the store is next written with none open."""
    cached_pages: int = 0
    """``forget`` only: fetched pages dropped from the cache of fetched pages (``http_cache``): the
    documents' own addresses and the feeds that listed them."""

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "removed": dict(self.removed), "ids": list(self.ids),
                "deleted_earlier": list(self.deleted_earlier)}


@dataclass(frozen=True)
class RetagReport:
    """What retagging did (or would do, when ``dry_run``).

    ``matched`` documents were chosen; ``changed`` of them had a value that differs; ``by_field``
    counts the documents changed per field; ``claims`` claims got another speaker; ``to_annotate``
    annotated documents are marked for annotating again (their speaker or kind changed).
    """

    matched: int
    changed: int
    by_field: Mapping[str, int]
    claims: int
    to_annotate: int
    ids: tuple[str, ...] = ()
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "by_field": dict(self.by_field), "ids": list(self.ids)}


def select_documents(store: Store, *, ids: Iterable[str] | None = None, all_documents: bool = False,
                     deleting: bool = False, **filters: Any) -> Selection:
    """Return the documents matching ``filters`` and ``ids`` (both when both are given).

    Refuses an empty choice unless ``all_documents`` is true, so that nothing is edited by
    accident; refuses filter names it does not know, a filter value no document has (with the
    closest, as :meth:`DocumentFilter.check_values` does), and an id that is not in the corpus.
    With ``deleting``, a speaker, party, kind or government (the filters checked against the
    corpus's values) or an id whose documents an earlier delete removed is no typo: it selects
    nothing and is named in :attr:`Selection.deleted_earlier` (a repeated delete).
    """
    unknown = sorted(set(filters) - set(SELECT_FILTERS))
    if unknown:
        raise ConfigError(f"unknown filter(s) {', '.join(map(repr, unknown))}: choose documents with "
                          f"{', '.join(SELECT_FILTERS)} or ids")
    wanted = [str(i) for i in ids or ()]
    # a value no document has (a typo: "Obma") is refused with the closest, as every other command
    # does; a value the corpus has that selects nothing here is said ("nothing to delete")
    filter_ = DocumentFilter.from_options(**filters)
    gone: list[str] = []
    checked = dict(filters)
    while True:
        try:
            DocumentFilter.from_options(**checked).check_values(store.conn)
            break
        except UnknownValue as unknown:
            earlier = _deleted_value(store, unknown.name, unknown.value) if deleting else None
            if earlier is None or unknown.name not in checked:
                raise
            gone.append(earlier)  # the other values are still checked: a typo beside it is refused
            del checked[unknown.name]
    where, params = filter_.where("documents")
    if where == "1" and not wanted and not all_documents:
        raise ConfigError("no documents chosen: give filters (speaker, party, government, kind, source, "
                          "country, since, until) or ids; to choose every document, say so with "
                          "all_documents=True (--all)")
    if wanted:
        missing = [i for i in dict.fromkeys(wanted) if not _exists(store, i)]
        deleted = _deleted_ids(store, missing) if deleting else {}
        gone += [f"id {i!r} (deleted {deleted[i]})" for i in missing if i in deleted]
        missing = [i for i in missing if i not in deleted]
        if missing:
            raise ConfigError(f"no document with id {', '.join(map(repr, missing))} in the corpus "
                              "(see 'policytext docs --format csv' for ids)")
        chosen = set(wanted)
    found = []
    for (doc_id,) in store.conn.execute(f"SELECT id FROM documents WHERE {where} ORDER BY date, id", params):
        if not wanted or doc_id in chosen:
            found.append(doc_id)
    return Selection(tuple(found), tuple(gone))


def _deleted_condition(name: str, value: str) -> tuple[str, list[Any]] | None:
    """Return the condition on ``deleted_documents`` that matches a filter value as
    :meth:`DocumentFilter.check_values` (or, for ``source``, the filter) matches it on ``documents``;
    None for a filter the record cannot answer (dates, country)."""
    if name == "speaker":
        return speaker_condition("speaker", value)
    if name == "party":
        return "(party = ? COLLATE NOCASE OR source_party = ? COLLATE NOCASE)", [value, value]
    if name == "kind":
        return "kind = ? COLLATE NOCASE", [value]
    if name == "government":
        return "government LIKE ? ESCAPE '\\'", [f"%{escape_like(value)}%"]
    if name == "source":
        return "source = ? COLLATE NOCASE", [value]
    return None


def _deleted_value(store: Store, name: str, value: str) -> str | None:
    """Say how many documents with filter ``name`` = ``value`` an earlier delete removed, and when;
    None when none (or the filter is one the record cannot answer)."""
    condition = _deleted_condition(name, value)
    if condition is None:
        return None
    clause, params = condition
    count, last = store.conn.execute(f"SELECT COUNT(*), MAX(deleted_at) FROM deleted_documents WHERE {clause}",
                                     params).fetchone()
    return f"{name} {value!r} ({count:,} document(s) deleted, the last {last[:10]})" if count else None


def _deleted_ids(store: Store, ids: list[str]) -> dict[str, str]:
    """Return the day each of ``ids`` that an earlier delete removed was deleted."""
    days: dict[str, str] = {}
    for chunk in _chunks(tuple(ids)):
        days.update((doc_id, at[:10]) for doc_id, at in store.conn.execute(
            f"SELECT id, deleted_at FROM deleted_documents WHERE id IN ({_marks(chunk)})", chunk))
    return days


def describe_documents(store: Store, ids: Iterable[str], *,
                       columns: Iterable[str] = ("date", "speaker", "kind", "title", "id")) -> list[dict[str, Any]]:
    """Return some columns of the documents ``ids``, oldest first (to show what an edit will touch)."""
    from policytext.store.documents import READ_COLUMNS

    names = [c for c in columns if c in READ_COLUMNS]
    chosen = tuple(ids)
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(chosen):
        rows.extend(dict(row) for row in store.conn.execute(
            f"SELECT {', '.join(names)}, id AS _id, date AS _date FROM documents WHERE id IN ({_marks(chunk)})", chunk))
    rows.sort(key=lambda r: (r["_date"] or "", r["_id"]))
    return [{name: row[name] for name in names} for row in rows]


def _exists(store: Store, doc_id: str) -> bool:
    return store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None


def _chunks(ids: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def _doc_id_tables(store: Store) -> tuple[list[str], list[str]]:
    """Return the tables with a ``doc_id`` column: those that cascade from documents, and the rest."""
    cascading, others = [], []
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
    for table in tables:
        columns = {row[1] for row in store.conn.execute(f"PRAGMA table_info([{table}])")}
        if "doc_id" not in columns:
            continue
        keys = store.conn.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()
        if any(k[2] == "documents" and k[3] == "doc_id" and k[6].upper() == "CASCADE" for k in keys):
            cascading.append(table)
        else:
            others.append(table)
    return cascading, others


@strict_options
def deleted_records(store: Store, *, ids: Iterable[str] | None = None, all_documents: bool = False,
                    **filters: Any) -> tuple[str, ...]:
    """Return the ids in the record of earlier deletes (``deleted_documents``) that a choice names.

    A record is named when it matches every speaker, party, kind, government and source given (as
    :func:`select_documents` matches a deleted value) and, with ``ids``, is one of them; with
    ``all_documents``, every record is. Dates and country do not narrow the records (they are not
    kept), and a choice by those alone names none.
    """
    clauses, params = [], []
    for name in ("speaker", "party", "kind", "government", "source"):
        if filters.get(name):
            clause, values = _deleted_condition(name, str(filters[name]))
            clauses.append(clause)
            params.extend(values)
    wanted = tuple(dict.fromkeys(str(i) for i in ids or ()))
    if not clauses and not wanted and not all_documents:
        return ()
    where = " AND ".join(clauses) or "1"
    if not wanted:
        return tuple(r[0] for r in store.conn.execute(f"SELECT id FROM deleted_documents WHERE {where}", params))
    found: list[str] = []
    for chunk in _chunks(wanted):
        found += [r[0] for r in store.conn.execute(
            f"SELECT id FROM deleted_documents WHERE {where} AND id IN ({_marks(chunk)})", (*params, *chunk))]
    return tuple(found)


def delete_documents(store: Store, selection: Selection, *, dry_run: bool = False,
                     forget: Iterable[str] | None = None,
                     drop_bodies: Callable[[Iterable[str]], None] | None = None) -> DeleteReport:
    """Delete the chosen documents and everything stored about them; return the rows removed.

    One transaction: all of it is deleted, or none. With ``dry_run``, count what would go and
    change nothing.

    Each deleted document's id, source, speaker, party, kind and government are recorded, so a
    repeated delete is told from a typo. With ``forget`` (ids of such records, from
    :func:`deleted_records`; may be empty) none is recorded, those records are erased, and the
    store file is scrubbed of what was deleted: SQLite overwrites the pages it frees
    (``secure_delete``), the search index's segments are merged (an FTS5 delete leaves the words
    in older segments until then), the person counts over all entities are dropped (annotate
    counts them again) and the write-ahead log is emptied. The cache of fetched pages forgets the
    documents' own addresses (as collected, fetched and redirected to, and where a copy was found)
    and the feeds that listed them: their ``http_cache`` rows go, and ``drop_bodies`` is called,
    before the transaction commits, with the SHA-256 of each cached body no other page keeps (a
    feed or page is fetched again next time). Copies made before (backups, exports, a Dask work
    directory) keep what they hold.
    """
    forgetting = forget is not None
    forget_ids = tuple(dict.fromkeys(forget or ()))
    cascading, others = _doc_id_tables(store)
    removed = {table: 0 for table in cascading + others}
    documents = forgotten = cached_pages = 0
    freed_bodies: set[str] = set()
    scrubbing = forgetting and not dry_run
    secure = store.conn.execute("PRAGMA secure_delete").fetchone()[0]
    if scrubbing:  # the pages freed below are overwritten (builds differ in their default)
        store.conn.execute("PRAGMA secure_delete = ON")
    try:
        with store.transaction() as conn:
            for chunk in _chunks(selection.ids):
                marks = _marks(chunk)
                for table in cascading + others:
                    removed[table] += int(conn.execute(
                        f"SELECT COUNT(*) FROM [{table}] WHERE doc_id IN ({marks})", chunk).fetchone()[0])
                pages: dict[str, str] = {}
                if forgetting:  # read before the rows that name the addresses go
                    pages = _cached_pages(conn, chunk)
                    cached_pages += len(pages)
                if dry_run:
                    documents += int(conn.execute(
                        f"SELECT COUNT(*) FROM documents WHERE id IN ({marks})", chunk).fetchone()[0])
                    continue
                for url_chunk in _chunks(list(pages)):
                    conn.execute(f"DELETE FROM http_cache WHERE url IN ({_marks(url_chunk)})", url_chunk)
                freed_bodies.update(pages.values())
                for table in others:  # no cascade: remove them first (some may refer to documents)
                    conn.execute(f"DELETE FROM [{table}] WHERE doc_id IN ({marks})", chunk)
                if not forgetting:  # kept so that deleting them again is said to be done, not refused as a typo
                    conn.execute("INSERT OR REPLACE INTO deleted_documents (id, source, speaker, party, "
                                 "source_party, kind, government, deleted_at) SELECT id, source, speaker, party, "
                                 f"source_party, kind, government, ? FROM documents WHERE id IN ({marks})",
                                 (utc_now(), *chunk))
                documents += conn.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk).rowcount
            if forgetting and dry_run:
                forgotten = len(forget_ids)
            elif forgetting:
                for chunk in _chunks(forget_ids):
                    forgotten += conn.execute(f"DELETE FROM deleted_documents WHERE id IN ({_marks(chunk)})",
                                              chunk).rowcount
                # the names counted over every document's entities, stale after any delete anyway
                # (annotate counts them again): they may name people only the deleted documents did
                conn.execute("DELETE FROM person_shares")
                conn.execute("DELETE FROM person_shares_counted")
                for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                             "sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%'").fetchall():
                    conn.execute(f"INSERT INTO [{table}] ([{table}]) VALUES ('optimize')")
                # a body two addresses share stays while either is cached; the files go before the
                # commit, so an interrupted forget leaves a cache miss (fetched again), never the text
                kept = {digest for digest in freed_bodies if conn.execute(
                    "SELECT 1 FROM http_cache WHERE body_sha256 = ? LIMIT 1", (digest,)).fetchone()}
                if drop_bodies is not None and freed_bodies - kept:
                    drop_bodies(sorted(freed_bodies - kept))
    finally:
        if scrubbing:
            store.conn.execute(f"PRAGMA secure_delete = {int(secure)}")
    # the log holds the pages as they were before this transaction until it is checkpointed
    log_kept = scrubbing and bool(store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0])
    return DeleteReport(documents, removed, selection.ids, dry_run, selection.deleted_earlier,
                        forgotten=forgotten, log_kept=log_kept, cached_pages=cached_pages)


def _cached_pages(conn: Any, ids: list[str]) -> dict[str, str]:
    """Return the cached pages (URL -> body SHA-256) that hold the text of the documents ``ids``.

    A document's address, the addresses it was fetched from and redirected to (``meta``), the other
    addresses where its text was found (``duplicate_locations``) and the feeds that listed it: a
    page is named when any of these is its URL or the URL it ended at.
    """
    marks = _marks(ids)
    addresses = {row[0] for row in conn.execute(
        f"SELECT url FROM documents WHERE id IN ({marks}) UNION "
        f"SELECT json_extract(meta, '$.fetched_url') FROM documents WHERE id IN ({marks}) AND json_valid(meta) UNION "
        f"SELECT json_extract(meta, '$.final_url') FROM documents WHERE id IN ({marks}) AND json_valid(meta) UNION "
        f"SELECT url FROM duplicate_locations WHERE doc_id IN ({marks}) UNION "
        f"SELECT feed_url FROM feed_entries WHERE doc_id IN ({marks}) UNION "
        f"SELECT url FROM feed_entries WHERE doc_id IN ({marks})", (*ids, *ids, *ids, *ids, *ids, *ids))
        if isinstance(row[0], str) and row[0]}
    pages: dict[str, str] = {}
    wanted = sorted(addresses)
    for chunk in _chunks(wanted):
        for url, digest in conn.execute(
                f"SELECT url, body_sha256 FROM http_cache WHERE url IN ({_marks(chunk)}) "
                f"OR final_url IN ({_marks(chunk)})", (*chunk, *chunk)):
            pages[url] = digest
    return pages


def check_retag_changes(changes: Mapping[str, Any]) -> dict[str, str | None]:
    """Return ``changes`` with empty values as ``None`` (clear the field); refuse unknown fields."""
    if not changes:
        raise ConfigError(f"nothing to set: give at least one of {', '.join(RETAG_FIELDS)} "
                          "(e.g. --set kind=speech)")
    unknown = sorted(set(changes) - set(RETAG_FIELDS))
    if unknown:
        raise ConfigError(f"cannot set {', '.join(map(repr, unknown))}: retag sets "
                          f"{', '.join(RETAG_FIELDS)}")
    cleaned: dict[str, str | None] = {}
    for name, value in changes.items():
        text = None if value is None else str(value).strip()
        cleaned[name] = text or None
    return cleaned


RELABEL_COLUMNS = ("country", "date", "kind", "party", "role", "side", "meta")
"""The columns a ``relabel`` function of :func:`retag_documents` is given, with the values to set."""
RELABELLED = ("party", "side", "meta")
"""The columns a ``relabel`` function may set for one document (``meta`` is not counted as a field)."""


def retag_documents(store: Store, selection: Selection, changes: Mapping[str, Any], *,
                    dry_run: bool = False,
                    relabel: Callable[[Mapping[str, Any], Mapping[str, Any]], Mapping[str, Any]] | None = None,
                    ) -> RetagReport:
    """Set ``kind``, ``speaker``, ``party`` or ``government`` on the chosen documents.

    Empty values clear the field. Annotations stay in step: a claim's speaker that came from
    the document (a speech's claims outside any quote) is set again from the new speaker and
    kind at once, and documents whose speaker or kind changed are marked for annotating again
    (``policytext annotate`` then redoes their quotes, names and claims). The search index is not
    affected (it covers titles, sentences, quotes and claims, none of which change here).

    ``relabel(document, values)``, when given, returns what one document gets instead of, or
    besides, ``values``: ``party`` (its canonical name in the document's country on its day),
    ``side`` and ``meta`` (a debate speech's side follows from its party). ``document`` holds
    :data:`RELABEL_COLUMNS`; the store itself knows no labelling rules.
    """
    values = check_retag_changes(changes)
    names = list(values)
    columns = names + [c for c in RELABELLED if relabel is not None and c not in names]
    by_field = {name: 0 for name in columns if name != "meta"}
    changed_ids: list[str] = []
    wanted_by_id: dict[str, dict[str, Any]] = {}
    annotate_ids: list[str] = []
    read = list(dict.fromkeys([*names, *(RELABEL_COLUMNS if relabel is not None else ())]))
    for chunk in _chunks(selection.ids):
        rows = store.conn.execute(
            f"SELECT id, {', '.join(read)} FROM documents WHERE id IN ({_marks(chunk)})", chunk).fetchall()
        for row in rows:
            wanted = dict(values)
            if relabel is not None:
                given = {name: row[name] for name in RELABEL_COLUMNS}
                wanted.update({k: v for k, v in relabel(given, values).items() if k in RELABELLED})
            differs = [name for name in columns if name in wanted and row[name] != wanted[name]]
            for name in differs:
                if name != "meta":
                    by_field[name] += 1
            if differs:
                changed_ids.append(row["id"])
                wanted_by_id[row["id"]] = {name: wanted[name] for name in columns if name in wanted}
            if any(name in ANNOTATION_INPUTS for name in differs):
                annotate_ids.append(row["id"])
    claims = to_annotate = 0
    # As annotate assigns it: the first quote around a claim names who said it; in a speech, a
    # claim outside every quote is said by the document's speaker (here: its new speaker and kind).
    kind = "?" if "kind" in values else "d.kind"
    speaker = "?" if "speaker" in values else "d.speaker"
    said_by = f"""COALESCE(
        (SELECT q.speaker FROM quotes AS q WHERE q.doc_id = claims.doc_id
         AND q.start_char <= claims.start_char AND claims.end_char <= q.end_char + 2
         ORDER BY q.id LIMIT 1),
        (SELECT CASE WHEN {kind} = 'speech' THEN {speaker} END FROM documents AS d WHERE d.id = claims.doc_id))"""
    said_by_params = [values[n] for n in ("kind", "speaker") if n in values]
    with store.transaction() as conn:
        for chunk in _chunks(tuple(annotate_ids)):
            marks = _marks(chunk)
            condition = f"doc_id IN ({marks}) AND speaker IS NOT {said_by}"
            if dry_run:
                claims += int(conn.execute(f"SELECT COUNT(*) FROM claims WHERE {condition}",
                                           [*chunk, *said_by_params]).fetchone()[0])
            else:
                claims += conn.execute(f"UPDATE claims SET speaker = {said_by} WHERE {condition}",
                                       [*said_by_params, *chunk, *said_by_params]).rowcount
            annotated = f"id IN ({marks}) AND annotated_sha256 IS NOT NULL"
            if dry_run:
                to_annotate += int(conn.execute(f"SELECT COUNT(*) FROM documents WHERE {annotated}",
                                                chunk).fetchone()[0])
            else:
                to_annotate += conn.execute(f"UPDATE documents SET annotated_sha256 = NULL WHERE {annotated}",
                                            chunk).rowcount
        if not dry_run:
            now = utc_now()
            if relabel is None:
                assignments = ", ".join(f"{name} = ?" for name in names)
                for chunk in _chunks(tuple(changed_ids)):
                    conn.execute(f"UPDATE documents SET {assignments}, updated_at = ? WHERE id IN ({_marks(chunk)})",
                                 [values[n] for n in names] + [now, *chunk])
            for doc_id, wanted in wanted_by_id.items() if relabel is not None else ():
                assignments = ", ".join(f"{name} = ?" for name in wanted)
                conn.execute(f"UPDATE documents SET {assignments}, updated_at = ? WHERE id = ?",
                             [*wanted.values(), now, doc_id])
    by_field = {name: n for name, n in by_field.items() if n or name in names}  # a side is said when it moves
    return RetagReport(len(selection.ids), len(changed_ids), by_field, claims, to_annotate,
                       selection.ids, dry_run)
