"""Export tidy tables with a manifest: the bridge to DuckDB, Spark, Dask, R and spreadsheets.

Tables (one file each, named ``<table>.<format>``), all restricted to the selected documents:

- ``documents``: every column of the store's ``documents`` table, oldest first;
- ``sentences``, ``entities``, ``quotes``, ``claims``: the annotations, with the store's columns
  (character offsets ``start_char``/``end_char`` point into ``documents.text``);
- ``lemmas``: one row per document: ``doc_id, content_sha256, model, tokens, lemmas`` (the
  lower-case lemmas of its words joined by single spaces; see :mod:`policytext.lemma_stream`).

Types are the same in every format; how each format spells them:

- ``date`` is a date (Parquet ``date32``; ``YYYY-MM-DD`` in CSV and JSON Lines) only when the
  date is known to the day, and empty otherwise; ``date_text`` is the date written to its
  ``date_precision`` (``2010``, ``2010-05`` or ``2010-05-06``), so a year-only manifesto is never
  passed off as 1 January. Rows stored before precision was recorded (``date_precision`` empty)
  keep their stored day, and the manifest counts them (``documents_of_unknown_date_precision``);
  collecting them again records their precision;
- lists (``organisations`` and claims' ``types``: lists of strings; claims' ``triggers``: lists
  of ``{type, start_char, end_char}``, what set each type and where in the text) are lists in
  Parquet and JSON Lines and JSON arrays as text in CSV;
- ``meta`` is JSON text in Parquet and CSV and an object in JSON Lines;
- integers are 64-bit integers, scores floats, timestamps (``collected_at`` …) ISO 8601 text.

``manifest.json`` is written last beside the tables: the provenance of
:mod:`policytext.provenance` plus, per table, its file, row count, columns and SHA-256, and how
many selected documents have no current annotations, and (``annotation_rules``) which annotation
rules and quote schemes made the annotations exported; the ``documents`` table says the same per
document (``annotated_model``, ``annotated_quote_scheme``, ``annotated_rules``). While the tables
are written it is a manifest marked ``"unfinished": true`` that only names them (so an interrupted
export can be run again).
Exporting into the folder of an earlier export removes the files that the earlier manifest listed
and this export does not write (an old ``sentences.csv`` beside a new manifest would look current);
no other file of the folder is touched, and a file of a table's name that no manifest lists (the
user's own ``documents.csv``) is refused, never replaced.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from policytext.csv_cells import csv_cell
from policytext.errors import ConfigError, PolicytextError
from policytext.provenance import selected_ids
from policytext.records import ANNOTATION_RULES, not_annotated_condition
from policytext.store.filters import DocumentFilter

EXPORT_FORMATS = ("parquet", "csv", "jsonl")
EXPORT_TABLES = ("documents", "sentences", "quotes", "claims", "entities", "lemmas")
MANIFEST = "manifest.json"

_STORE_TABLES = {"documents": "documents", "sentences": "sentences", "quotes": "quotes", "claims": "claims",
                 "entities": "entities", "lemmas": "doc_lemmas"}
_ORDER = {"sentences": "t.idx", "lemmas": "t.doc_id"}  # others: position in the text, then id
_LIST_COLUMNS = frozenset({"organisations", "types", "triggers"})
_TRIGGER_FIELDS = ("type", "start_char", "end_char")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PRECISION_WIDTH = {"year": 4, "month": 7}
_BATCH = 2000


@dataclass(frozen=True)
class ExportedTable:
    """One table written: its name, file, row count, columns and the file's SHA-256."""

    name: str
    path: Path
    rows: int
    columns: tuple[str, ...]
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path.name, "rows": self.rows, "columns": list(self.columns), "sha256": self.sha256}


def parse_tables(tables: str | Iterable[str]) -> list[str]:
    """Return the table names asked for (``"all"`` for every one), in the order of :data:`EXPORT_TABLES`.

    Example:
        >>> parse_tables("claims,documents")
        ['documents', 'claims']
    """
    names = [t.strip() for t in (tables.split(",") if isinstance(tables, str) else tables) if t and t.strip()]
    if not names:
        raise ConfigError(f"name at least one table to export: {', '.join(EXPORT_TABLES)} or all")
    if "all" in names:
        return list(EXPORT_TABLES)
    unknown = [n for n in names if n not in EXPORT_TABLES]
    if unknown:
        raise ConfigError(f"unknown table {unknown[0]!r} to export: use {', '.join(EXPORT_TABLES)} "
                          "(comma-separated) or all")
    return [t for t in EXPORT_TABLES if t in names]


def export_tables(store: Any, to: str | Path, *, format: str = "parquet", tables: str | Iterable[str] = ("documents",),
                  filter_: DocumentFilter | None = None, provenance: Mapping[str, Any] | None = None,
                  on_remove: Callable[[Path], None] | None = None) -> list[Path]:
    """Write the selected documents and their annotation tables into folder ``to``, then ``manifest.json``.

    Args:
        store: the corpus's open :class:`~policytext.store.Store`.
        to: the folder (created when missing).
        format: ``parquet``, ``csv`` or ``jsonl``.
        tables: names from :data:`EXPORT_TABLES`, or ``"all"``; a comma-separated string is fine.
        filter_: which documents (default: all); annotation tables keep only their rows.
        provenance: the dict that opens the manifest (see :mod:`policytext.provenance`).
        on_remove: called with each file of an earlier export in ``to`` that its manifest listed and
            this export does not write, once it is removed.

    Returns:
        The paths written: one file per table in the order of :data:`EXPORT_TABLES`, the manifest last.

    Example:
        >>> export_tables(corpus.store, "out", tables="all", filter_=DocumentFilter(since="2020-01-01"))  # doctest: +SKIP
    """
    if format not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {format!r}: use one of {', '.join(EXPORT_FORMATS)}")
    names = parse_tables(tables)
    filter_ = filter_ or DocumentFilter()
    folder = Path(to)
    planned = {name: f"{name}.{format}" for name in names}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        listed = _listed_files(folder / MANIFEST)
        # A file of that name that no export's manifest lists is someone's own: never replaced.
        theirs = sorted(f for f in planned.values() if f not in listed and (folder / f).exists())
        if theirs:
            raise PolicytextError(
                f"{folder} holds {', '.join(theirs)}, which no earlier export in this folder wrote (its "
                f"{MANIFEST} does not list {'it' if len(theirs) == 1 else 'them'}): export into another folder, "
                "or move the file(s) away first")
        # An old manifest would vouch for files this run replaces: it is replaced at once by one that
        # lists what this run writes and vouches for nothing, so an interrupted run can be run again.
        _replace(folder / MANIFEST, lambda handle: handle.write(json.dumps(
            {"unfinished": True, "tables": {name: {"file": file} for name, file in planned.items()}},
            indent=2) + "\n"))
    except OSError as err:
        raise PolicytextError(f"cannot write into the export folder {folder}: {err.strerror or err}") from err
    written = [_write_table(store, name, folder, format, filter_) for name in names]
    for name in sorted(listed - {t.path.name for t in written}):
        stale = folder / name
        try:
            stale.unlink()
        except FileNotFoundError:
            continue
        except OSError as err:
            raise PolicytextError(f"cannot remove {stale}, a file of the earlier export in this folder that this "
                                  f"one does not write: {err.strerror or err}") from err
        if on_remove:
            on_remove(stale)
    manifest = dict(provenance or {})
    manifest.update(format=format, tables={t.name: t.to_dict() for t in written},
                    documents_without_current_annotations=_stale_count(store, filter_, names),
                    documents_of_unknown_date_precision=_unknown_precision_count(store, filter_, names),
                    annotation_rules=_annotation_rules(store, filter_, names))
    target = folder / MANIFEST
    _replace(target, lambda handle: handle.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"))
    return [t.path for t in written] + [target]


def _listed_files(manifest: Path) -> set[str]:
    """Return the table files an earlier export's manifest lists (bare names in its folder; none if unreadable)."""
    try:
        tables = json.loads(manifest.read_text(encoding="utf-8")).get("tables")
    except (OSError, ValueError, AttributeError):
        return set()
    if not isinstance(tables, dict):
        return set()
    files = {entry.get("file") for entry in tables.values() if isinstance(entry, dict)}
    return {f for f in files if isinstance(f, str) and f and Path(f).name == f and f not in (".", "..", MANIFEST)}


def _stale_count(store: Any, filter_: DocumentFilter, names: Sequence[str]) -> int | None:
    """Count selected documents not annotated as they stand (:func:`~policytext.records.not_annotated_condition`:
    never, on an older text, before quote schemes were recorded, or under older annotation rules;
    ``None``: no annotation table)."""
    if not set(names) & {"sentences", "quotes", "claims", "entities"}:
        return None
    ids, params = selected_ids(filter_)
    stale, stale_params = not_annotated_condition(None)  # the model is the corpus's setting, not the store's
    sql = f"SELECT COUNT(*) FROM documents WHERE id IN ({ids}) AND {stale}"
    return int(store.conn.execute(sql, [*params, *stale_params]).fetchone()[0])


def _annotation_rules(store: Any, filter_: DocumentFilter, names: Sequence[str]) -> dict[str, Any] | None:
    """Return which annotation rules and quote schemes made the selected documents' annotations
    (``None``: no annotation table exported).

    ``current`` is this version's :data:`~policytext.records.ANNOTATION_RULES`; ``documents``
    counts the selected documents annotated on their current text by each pair of rules and quote
    scheme (``"rules"`` / ``"quote_scheme"``, ``None`` when the store recorded none), so a dataset
    whose quotes come from older rules says so beside its tables.
    """
    if not set(names) & {"sentences", "quotes", "claims", "entities"}:
        return None
    ids, params = selected_ids(filter_)
    rows = store.conn.execute(
        f"SELECT annotated_rules, annotated_quote_scheme, COUNT(*) FROM documents WHERE id IN ({ids}) "
        "AND annotated_sha256 = content_sha256 GROUP BY 1, 2 ORDER BY 1, 2", params).fetchall()
    return {"current": ANNOTATION_RULES,
            "documents": [{"rules": rules, "quote_scheme": scheme, "count": int(count)}
                          for rules, scheme, count in rows]}


def _unknown_precision_count(store: Any, filter_: DocumentFilter, names: Sequence[str]) -> int | None:
    """Count selected documents with a date but no recorded precision (``None``: documents not exported)."""
    if "documents" not in names:
        return None
    ids, params = selected_ids(filter_)
    sql = (f"SELECT COUNT(*) FROM documents WHERE id IN ({ids}) AND date IS NOT NULL "
           "AND date_precision IS NULL")
    return int(store.conn.execute(sql, params).fetchone()[0])


def _columns(store: Any, table: str) -> list[tuple[str, str]]:
    """Return ``(name, declared type)`` of a store table's columns, in order."""
    return [(row[1], str(row[2]).upper()) for row in store.conn.execute(f"PRAGMA table_info({table})")]


def _write_table(store: Any, name: str, folder: Path, format: str, filter_: DocumentFilter) -> ExportedTable:
    table = _STORE_TABLES[name]
    stored = _columns(store, table)
    ids, params = selected_ids(filter_)
    if name == "documents":
        sql = f"SELECT t.* FROM documents t WHERE t.id IN ({ids}) ORDER BY t.date, t.id"
    else:
        order = _ORDER.get(name, "t.start_char, t.id")
        sql = (f"SELECT t.* FROM {table} t JOIN documents d ON d.id = t.doc_id WHERE d.id IN ({ids}) "
               f"ORDER BY d.date, d.id, {order}")
    columns: list[str] = []
    for column, _ in stored:
        columns.append(column)
        if column == "date" and name == "documents":
            columns.append("date_text")
    cursor = store.conn.execute(sql, params)

    def rows() -> Iterator[list[dict[str, Any]]]:
        while True:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                return
            yield [_typed_row(dict(zip([c for c, _ in stored], row))) for row in batch]

    target = folder / f"{name}.{format}"
    counted = [0]

    def write(handle: Any) -> None:
        if format == "parquet":
            counted[0] = _write_parquet(handle, rows(), _arrow_schema(stored, columns))
        elif format == "csv":
            counted[0] = _write_csv(handle, rows(), columns)
        else:
            counted[0] = _write_jsonl(handle, rows())

    _replace(target, write, binary=format == "parquet")
    return ExportedTable(name=name, path=target, rows=counted[0], columns=tuple(columns), sha256=_sha256(target))


def _typed_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return a store row with Python types: a day-precise ``date`` as a date, lists decoded, ``meta`` as text."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        if column in _LIST_COLUMNS:
            value = _json_list(value, column)
        out[column] = value
        if column == "date":
            out["date"], out["date_text"] = _date_columns(value, row.get("date_precision"))
    return out


def _date_columns(value: Any, precision: str | None) -> tuple[dt.date | None, str | None]:
    """Return ``(date, date_text)``: a date only when known to the day; the text written to its precision.

    >>> _date_columns("2010-01-01", "year")
    (None, '2010')
    >>> _date_columns("2015-06-01", "day")
    (datetime.date(2015, 6, 1), '2015-06-01')
    """
    if not isinstance(value, str):
        return None, value
    text = value[:_PRECISION_WIDTH[precision]] if precision in _PRECISION_WIDTH else value
    day = precision in (None, "day") and _DAY.fullmatch(value) is not None
    return (dt.date.fromisoformat(value) if day else None), text


def _json_list(value: Any, column: str) -> list[Any]:
    """Decode a stored JSON list: strings, or for ``triggers`` ``{type, start_char, end_char}`` dicts."""
    if value is None:
        return []
    decoded = json.loads(value) if isinstance(value, str) else value
    triggers = column == "triggers"
    if not isinstance(decoded, list) or (triggers and not all(
            isinstance(item, list) and len(item) == len(_TRIGGER_FIELDS) for item in decoded)):
        shape = "[type, start, end] lists" if triggers else "a JSON list"
        raise PolicytextError(f"the store's {column} column holds {value!r}, not {shape}; "
                              "annotate (or collect) the document again")
    if triggers:
        return [{"type": str(kind), "start_char": int(start), "end_char": int(end)} for kind, start, end in decoded]
    return [str(item) for item in decoded]


def _arrow_schema(stored: Sequence[tuple[str, str]], columns: Sequence[str]):
    import pyarrow as pa

    declared = dict(stored)
    fields = []
    for column in columns:
        if column == "date":
            kind = pa.date32()
        elif column == "triggers":
            kind = pa.list_(pa.struct([("type", pa.string()), ("start_char", pa.int64()), ("end_char", pa.int64())]))
        elif column in _LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif "INT" in declared.get(column, ""):
            kind = pa.int64()
        elif declared.get(column, "") in ("REAL", "FLOAT", "DOUBLE"):
            kind = pa.float64()
        else:
            kind = pa.string()
        fields.append(pa.field(column, kind))
    return pa.schema(fields)


def _write_parquet(handle: Any, batches: Iterator[list[dict[str, Any]]], schema: Any) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(handle, schema) as writer:
        for batch in batches:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count  # with no rows the file still holds the schema


def _write_csv(handle: Any, batches: Iterator[list[dict[str, Any]]], columns: Sequence[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    count = 0
    for batch in batches:
        for row in batch:
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
        count += len(batch)
    return count



def _write_jsonl(handle: Any, batches: Iterator[list[dict[str, Any]]]) -> int:
    count = 0
    for batch in batches:
        for row in batch:
            if isinstance(row.get("meta"), str):
                row = {**row, "meta": json.loads(row["meta"])}
            handle.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
        count += len(batch)
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _replace(target: Path, write: Any, *, binary: bool = False) -> None:
    """Write ``target`` through a ``.partial`` file renamed into place: readers never see half a file."""
    temporary = target.with_name(target.name + ".partial")
    try:
        with temporary.open("wb" if binary else "w", encoding=None if binary else "utf-8",
                            newline=None if binary else "") as handle:
            write(handle)
        temporary.replace(target)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise PolicytextError(f"cannot write {target}: {err.strerror or err}") from err
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
