"""The corpus: a folder holding the store, opened once and queried by notebooks and the CLI."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from policytext.collect.base import ProgressHook, write_outcomes
from policytext.collect.cache import CACHE_FOLDER, ResponseCache
from policytext.collect.governments import Timelines
from policytext.collect.labels import Labeller
from policytext.config import Config, resolve_config
from policytext.errors import BadQuery, CorpusNotFound, UnknownValue
from policytext.export import export_tables, parse_tables
from policytext.provenance import attach_provenance, build_provenance
from policytext.records import ROLES, SIDES
from policytext.store import DocumentFilter, Store, WriteReport, iter_document_rows
from policytext.store.edits import (
    DeleteReport,
    RetagReport,
    check_retag_changes,
    delete_documents,
    deleted_records,
    retag_documents,
    select_documents,
)
from policytext.store.db import raise_explained, require_folder, utc_now
from policytext.store.documents import NoticedItem
from policytext.store.people import has_people
from policytext.store.filters import strict_options

DOCUMENT_FRAME_COLUMNS = [
    "id", "title", "date", "date_precision", "speaker", "speaker_role", "role", "side", "party", "source_party", "kind",
    "country", "government", "source_government", "publisher", "organisations", "source", "url",
    "language", "words", "text",
]
"""Columns of :meth:`Corpus.documents`, in order. ``date`` is an ISO string (YYYY-MM-DD; the first
day of the year or month when ``date_precision`` is ``year`` or ``month``), ``party`` and
``government`` the canonical labels (``government`` missing outside every timeline) and
``source_party``/``source_government`` the values the source gave, ``organisations`` a list of
names, ``words`` a whitespace word count. ``side`` and ``role`` are categorical, their categories
:data:`~policytext.records.SIDES` and :data:`~policytext.records.ROLES` (missing: unknown)."""

FAILURE_FRAME_COLUMNS = ["stage", "source", "item", "line", "reason", "attempts", "first_recorded_at",
                         "recorded_at", "cleared_at"]
"""Columns of :meth:`Corpus.failures`: where it failed (``item``, ``line``), why, how many runs
failed that way (``attempts``) between ``first_recorded_at`` and ``recorded_at``, and when the
item later succeeded (``cleared_at``, empty while it still fails)."""


class Corpus:
    """A corpus folder and its store.

    Example:
        >>> corpus = open_corpus("corpus")            # doctest: +SKIP
        >>> corpus.documents(speaker="Kennedy").head()  # doctest: +SKIP
    """

    def __init__(self, config: Config, *, create: bool = False, readonly: bool = False):
        if create and readonly:
            raise ValueError("a corpus cannot be both created and opened read-only")
        self.config = config
        self.path = config.corpus
        self.readonly = readonly
        require_folder(self.path)
        if not create and not config.store_path.exists():
            raise CorpusNotFound(
                f"no corpus at {self.path} (no {config.store_path.name} there). Collect documents "
                f"first, e.g. 'policytext --corpus {self.path} collect sotu', or pass --corpus."
            )
        self.store = Store(config.store_path, create=create, readonly=readonly,
                           busy_timeout=config.busy_timeout_seconds)
        self._timelines: Timelines | None = None
        self._labeller: Labeller | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        """Close the store; an SQLite error about it (damaged, locked, read-only) leaves as a StoreError."""
        self.close()
        raise_explained(self.store, exc)

    @property
    def timelines(self) -> Timelines:
        if self._timelines is None:
            # Relative paths in policytext.toml are relative to the corpus folder.
            files = [path if Path(path).is_absolute() else self.path / path for path in self.config.timelines]
            self._timelines = Timelines.load(files)
        return self._timelines

    @property
    def labeller(self) -> Labeller:
        """The timelines and alias tables (packaged, with ``policytext.toml``'s) that label documents."""
        if self._labeller is None:
            self._labeller = Labeller.load(self.timelines, government_aliases=self.config.government_aliases,
                                           party_aliases=self.config.party_aliases)
        return self._labeller

    # ------------------------------------------------------------------ collect

    def write(self, outcomes: Iterable[Any], *, stage: str, progress: ProgressHook | None = None,
              on_duplicate_id: str = "error", item_key: Callable[[str], str] | None = None,
              batch_size: int | None = None, duplicate_texts: str | None = None) -> WriteReport:
        """Write the outcomes of a collector (documents, failures, skips) in batches.

        ``on_duplicate_id`` says what to do with an id given twice in the run (see
        :data:`~policytext.collect.base.ON_DUPLICATE_ID`); ``item_key`` names items in the
        ``failures`` table (see :func:`~policytext.collect.base.write_outcomes`); ``batch_size``
        outcomes go in each transaction (default: the ``write_batch_size`` setting);
        ``duplicate_texts`` (``"hold"``, ``"allow"``, or ``None`` not to look) says what to do with
        a text found again under another id (see :func:`~policytext.collect.base.write_outcomes`).
        """
        started = utc_now()
        report = write_outcomes(self.store, outcomes, stage=stage, timelines=self.timelines, labeller=self.labeller,
                                batch_size=batch_size or self.config.write_batch_size, progress=progress,
                                on_duplicate_id=on_duplicate_id, item_key=item_key,
                                duplicate_texts=duplicate_texts)
        if (report.collected or report.updated) and has_people(self.store):
            # speakers of the new documents meet the person table loaded by `collect people`
            from policytext.collect.people import link_documents

            linked = link_documents(self, updated_since=started)
            report.notices.extend(NoticedItem(item="people", reason=w) for w in linked.warnings())
        return report

    def collect_sotu(self, *, since: int | None = None, until: int | None = None,
                     progress: ProgressHook | None = None) -> WriteReport:
        """Collect the State of the Union addresses of years ``since``..``until``.

        The same as :func:`policytext.collect.sotu.collect_sotu` on this corpus: every source's
        module has a ``collect_<source>(corpus, …)`` function.
        """
        from policytext.collect.sotu import collect_sotu

        return collect_sotu(self, since=since, until=until, progress=progress)

    def collect_files(self, paths: Iterable[str | Path], *, progress: ProgressHook | None = None,
                      on_duplicate_id: str = "error", allow_duplicates: bool = False,
                      **options: Any) -> WriteReport:
        """Collect local files: :func:`policytext.collect.files.collect_files` on this corpus.

        An id given twice in the run (``-f id=COLUMN`` values that repeat) fails for the repeat
        unless ``on_duplicate_id`` is ``skip``, ``update`` or ``suffix`` (keep every row, the
        repeat's id with its line appended); see :data:`~policytext.collect.base.ON_DUPLICATE_ID`.
        """
        from policytext.collect.files import collect_files

        return collect_files(self, paths, progress=progress, on_duplicate_id=on_duplicate_id,
                             allow_duplicates=allow_duplicates, **options)

    # ------------------------------------------------------------------ read

    @strict_options
    def documents(self, *, text: bool = True, **filters: Any) -> pd.DataFrame:
        """Return matching documents as a DataFrame with :data:`DOCUMENT_FRAME_COLUMNS`.

        Filters: ``speaker``, ``party``, ``government``, ``kind``, ``source``, ``country``,
        ``since``, ``until``, ``limit``; any other name raises
        :class:`~policytext.errors.UnknownOption` listing them.
        """
        filter_ = DocumentFilter.from_options(**filters).check_values(self.store.conn)
        columns = [c for c in DOCUMENT_FRAME_COLUMNS if text or c != "text"]
        rows = list(iter_document_rows(self.store, filter_, columns=["id"] + [c for c in columns if c != "id"]))
        frame = pd.DataFrame(rows, columns=columns)
        for column, vocabulary in (("side", SIDES), ("role", ROLES)):
            # closed vocabularies: categorical, every value listed even when no document has it
            # (a value outside the vocabulary is kept as a category of its own, never dropped)
            present = sorted({v for v in frame[column] if isinstance(v, str)} - set(vocabulary))
            frame[column] = pd.Categorical(frame[column], categories=[*vocabulary, *present])
        return attach_provenance(frame, self, "documents", filters, text=text)

    @strict_options
    def count_documents(self, **filters: Any) -> int:
        """Return how many documents match the shared filters."""
        where, params = DocumentFilter.from_options(**filters).check_values(self.store.conn).where("documents")
        return int(self.store.conn.execute(f"SELECT COUNT(*) FROM documents WHERE {where}", params).fetchone()[0])

    @strict_options
    def stats(self, **filters: Any) -> dict[str, pd.DataFrame]:
        """Return corpus statistics: ``total`` and by ``source``, ``kind``, ``party`` and ``government``.

        Each frame has columns ``documents``, ``words``, ``first``, ``last`` (dates); the
        government frame also has ``country`` and is ordered by when each government began.
        Documents without a government (outside every timeline, or dated only by a year that
        spans two) are the row whose ``government`` is missing (``None``), last. The party frame
        also has ``source_parties``: the values the sources gave, so unknown ones can be spotted.
        """
        filter_ = DocumentFilter.from_options(**filters).check_values(self.store.conn)
        where, params = filter_.where("documents")
        aggregate = "COUNT(*) AS documents, COALESCE(SUM(words), 0) AS words, MIN(date) AS first, MAX(date) AS last"
        conn = self.store.conn
        frames = {
            "total": pd.read_sql_query(f"SELECT {aggregate} FROM documents WHERE {where}", conn, params=params),
        }
        for name in ("source", "kind"):
            frames[name] = pd.read_sql_query(
                f"SELECT COALESCE({name}, '(none)') AS {name}, {aggregate} FROM documents "
                f"WHERE {where} GROUP BY 1 ORDER BY documents DESC, 1", conn, params=params)
        frames["party"] = pd.read_sql_query(
            f"SELECT party, {aggregate}, GROUP_CONCAT(DISTINCT source_party) AS source_parties FROM documents "
            f"WHERE {where} GROUP BY 1 ORDER BY documents DESC, 1", conn, params=params)
        by_government = pd.read_sql_query(
            f"SELECT government, COALESCE(country, '') AS country, "
            f"{aggregate} FROM documents WHERE {where} GROUP BY 1, 2", conn, params=params)
        starts = self.timelines.order()
        by_government["government"] = by_government["government"].astype(object).where(
            by_government["government"].notna(), None)
        by_government["_order"] = [(starts.get(g) or f) if g is not None else "9999"
                                   for g, f in zip(by_government["government"], by_government["first"].fillna(""))]
        frames["government"] = by_government.sort_values(["_order", "government"]).drop(columns="_order").reset_index(drop=True)
        return {name: attach_provenance(frame, self, "stats", filters) for name, frame in frames.items()}

    def failures(self, *, stage: str | None = None, limit: int | None = None,
                 cleared: bool = False) -> pd.DataFrame:
        """Return the items still failing, latest failure first, as :data:`FAILURE_FRAME_COLUMNS`.

        An item that failed again the same way is one row whose ``attempts`` counts the runs
        (``first_recorded_at`` to ``recorded_at``). With ``cleared=True``, also the failures of
        items that later succeeded (``cleared_at`` says when): the whole history.
        """
        if limit is not None and int(limit) < 0:
            raise BadQuery(f"limit must be zero or more, not {limit}")
        sql = f"SELECT {', '.join(FAILURE_FRAME_COLUMNS)} FROM failures"
        clauses: list[str] = [] if cleared else ["cleared_at IS NULL"]
        params: list[Any] = []
        if stage:
            clauses.append("stage = ?")
            params.append(stage)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY recorded_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return pd.read_sql_query(sql, self.store.conn, params=params)

    # ------------------------------------------------------------------ edit

    def delete(self, *, ids: Iterable[str] | None = None, all_documents: bool = False,
               dry_run: bool = False, forget: bool = False, **filters: Any) -> DeleteReport:
        """Delete the matching documents with their annotations; return the rows removed.

        Choose documents with the filters (``speaker``, ``party``, ``government``, ``kind``,
        ``source``, ``country``, ``since``, ``until``) and/or ``ids``; an empty choice is refused
        unless ``all_documents=True``. The search index and every table that refers to a
        document stay in step. With ``dry_run=True`` nothing changes: the report says what would.
        The store keeps each deleted document's id, source, speaker, party, kind and government
        (never its text), so deleting the same speaker, party, kind, government or ids again
        selects nothing and the report's ``deleted_earlier`` says so, where a value or id never
        seen is refused as a likely typo. With ``forget=True`` (deleting for privacy) nothing of
        the documents is kept: no record, the records earlier deletes kept of what the choice names
        are erased too (``forgotten``), the store file is scrubbed and the cache of fetched pages
        forgets their pages (``cached_pages``; :func:`~policytext.store.edits.delete_documents`); a
        repeat is then refused as unknown.

        Example:
            >>> corpus.delete(ids=["files-3f2a9c0d1e2b4a5c"]).documents  # doctest: +SKIP
            1
        """
        selection = select_documents(self.store, ids=ids, all_documents=all_documents, deleting=True, **filters)
        records = deleted_records(self.store, ids=ids, all_documents=all_documents, **filters) if forget else None
        cache = ResponseCache(self.path / CACHE_FOLDER, self.store)
        return delete_documents(self.store, selection, dry_run=dry_run, forget=records,
                                drop_bodies=cache.remove_bodies)

    def retag(self, changes: Mapping[str, Any], *, ids: Iterable[str] | None = None,
              all_documents: bool = False, dry_run: bool = False, new_label: bool = False,
              **filters: Any) -> RetagReport:
        """Set ``kind``, ``speaker``, ``party`` or ``government`` on the matching documents.

        ``changes`` maps those fields to new values (an empty value clears the field); documents
        are chosen as for :meth:`delete`. A party is stored under its canonical name ("Con" ->
        "Conservative"); a government must be a timeline's name or a government alias naming one
        (this is how a year-only document whose year spans two governments gets one). A kind no
        document has ("speach" where the corpus says "speech") is refused with the closest, as the
        filters refuse it, unless ``new_label`` says a new kind is meant. Claims keep their speaker in step with the document's,
        and documents whose speaker or kind changed are marked for annotating again. A later
        collect of the same item sets the fields from the source again (reported as updated).

        Example:
            >>> corpus.retag({"kind": "speech"}, source="files", kind="Speech").changed  # doctest: +SKIP
            12
        """
        given = check_retag_changes(changes)
        if given.get("kind") and not new_label:
            try:
                DocumentFilter(kind=given["kind"]).check_values(self.store.conn)
            except UnknownValue as unknown:  # written as typed, it would split the corpus into two kinds
                raise UnknownValue(f"{unknown}; to set a new kind all the same, say so with new_label=True "
                                   "(--new-label)", name="kind", value=given["kind"],
                                   suggestions=unknown.suggestions) from None
        changes = self.labeller.canonical_changes(given)
        selection = select_documents(self.store, ids=ids, all_documents=all_documents, **filters)
        # the party as collecting reads it (the document's country and day) and a debate speech's
        # side from it: both per document
        relabel = ((lambda document, values: self.labeller.retagged(document, values, given))
                   if "party" in changes or "kind" in changes else None)
        return retag_documents(self.store, selection, changes, dry_run=dry_run, relabel=relabel)

    @strict_options
    def export(self, to: str | Path, *, format: str = "parquet", tables: str | Iterable[str] = ("documents",),
               on_remove: Any = None, **filters: Any) -> list[Path]:
        """Write the selected documents and their annotation tables to folder ``to``, with ``manifest.json``.

        ``tables``: names of :data:`~policytext.export.EXPORT_TABLES` or ``"all"``; ``format``:
        ``parquet``, ``csv`` or ``jsonl``; ``filters`` select the documents (annotation tables keep
        their rows only). Returns the files written, the manifest last. Files of an earlier export
        in ``to`` that its manifest listed and this one does not write are removed (``on_remove`` is
        called with each). See :mod:`policytext.export`.

        Example:
            >>> corpus.export("out", tables="all", since="2020")  # doctest: +SKIP
        """
        filter_ = DocumentFilter.from_options(**filters).check_values(self.store.conn)
        names = parse_tables(tables)
        provenance = build_provenance(self, "export", filters, format=format, tables=names)
        return export_tables(self.store, to, format=format, tables=names, filter_=filter_, provenance=provenance,
                             on_remove=on_remove)


def open_corpus(path: str | Path | None = None, *, config: Config | None = None,
                create: bool = False, readonly: bool = False, **settings: Any) -> Corpus:
    """Open the corpus in folder ``path`` (default: ``POLICYTEXT_CORPUS`` or ``./corpus``).

    Args:
        path: the corpus folder.
        config: a resolved configuration; built from ``path`` and ``settings`` when omitted.
        create: create the folder and store when missing (collectors do this).
        readonly: open the store read-only (SQLite ``mode=ro``): for commands that never write;
            works on read-only storage, and a write through it raises ``StoreReadOnly``.
        settings: overrides of :class:`~policytext.config.Config` fields, e.g. ``model=...``.
    """
    if config is None:
        config = resolve_config(path, settings)
    return Corpus(config, create=create, readonly=readonly)
