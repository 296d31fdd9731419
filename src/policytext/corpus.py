"""The corpus: a folder holding the store, opened once and queried by notebooks and the CLI."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from policytext.collect.base import ProgressHook, write_outcomes
from policytext.collect.governments import Timelines
from policytext.collect.labels import Labeller
from policytext.config import Config, resolve_config
from policytext.errors import CorpusNotFound
from policytext.store import DocumentFilter, Store, WriteReport, iter_document_rows

DOCUMENT_FRAME_COLUMNS = [
    "id", "title", "date", "speaker", "speaker_role", "party", "kind", "country", "government",
    "publisher", "organisations", "source", "url", "language", "words", "text",
]
"""Columns of :meth:`Corpus.documents`, in order. ``date`` is an ISO string (YYYY-MM-DD),
``organisations`` a list of names, ``words`` a whitespace word count."""


class Corpus:
    """A corpus folder and its store.

    Example:
        >>> corpus = open_corpus("corpus")            # doctest: +SKIP
        >>> corpus.documents(speaker="Kennedy").head()  # doctest: +SKIP
    """

    def __init__(self, config: Config, *, create: bool = False):
        self.config = config
        self.path = config.corpus
        if not create and not config.store_path.exists():
            raise CorpusNotFound(
                f"no corpus at {self.path} (no {config.store_path.name} there). Collect documents "
                f"first, e.g. 'policytext --corpus {self.path} collect sotu', or pass --corpus."
            )
        self.store = Store(config.store_path, create=create)
        self._timelines: Timelines | None = None
        self._labeller: Labeller | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def write(self, outcomes: Iterable[Any], *, stage: str,
              progress: ProgressHook | None = None) -> WriteReport:
        """Write the outcomes of a collector (documents, failures, skips) in batches."""
        return write_outcomes(self.store, outcomes, stage=stage, timelines=self.timelines, labeller=self.labeller,
                              batch_size=self.config.write_batch_size, progress=progress)

    def collect_sotu(self, *, since: int | None = None, until: int | None = None,
                     progress: ProgressHook | None = None) -> WriteReport:
        """Collect the State of the Union addresses of years ``since``..``until``."""
        from policytext.collect.sotu import iter_sotu

        return self.write(iter_sotu(since=since, until=until), stage="collect-sotu", progress=progress)

    def collect_files(self, paths: Iterable[str | Path], *, progress: ProgressHook | None = None,
                      **options: Any) -> WriteReport:
        """Collect local files; ``options`` are those of :class:`~policytext.collect.files.FileOptions`."""
        from policytext.collect.files import FileOptions, iter_files

        options.setdefault("max_file_bytes", self.config.max_file_bytes)
        return self.write(iter_files(paths, FileOptions(**options)), stage="collect-files",
                          progress=progress)

    # ------------------------------------------------------------------ read

    def documents(self, *, text: bool = True, **filters: Any) -> pd.DataFrame:
        """Return matching documents as a DataFrame with :data:`DOCUMENT_FRAME_COLUMNS`.

        Filters: ``speaker``, ``party``, ``government``, ``kind``, ``source``, ``country``,
        ``since``, ``until``, ``limit``.
        """
        filter_ = DocumentFilter.from_options(**filters)
        columns = [c for c in DOCUMENT_FRAME_COLUMNS if text or c != "text"]
        rows = list(iter_document_rows(self.store, filter_, columns=["id"] + [c for c in columns if c != "id"]))
        return pd.DataFrame(rows, columns=columns)

    def count_documents(self, **filters: Any) -> int:
        where, params = DocumentFilter.from_options(**filters).where("documents")
        return int(self.store.conn.execute(f"SELECT COUNT(*) FROM documents WHERE {where}", params).fetchone()[0])

    def stats(self, **filters: Any) -> dict[str, pd.DataFrame]:
        """Return corpus statistics: ``total`` and by ``source``, ``kind``, ``party`` and ``government``.

        Each frame has columns ``documents``, ``words``, ``first``, ``last`` (dates); the
        government frame also has ``country`` and is ordered by when each government began.
        Documents without a government (outside every timeline, or dated only by a year that
        spans two) are the row whose ``government`` is missing (``None``), last. The party frame
        also has ``source_parties``: the values the sources gave, so unknown ones can be spotted.
        """
        filter_ = DocumentFilter.from_options(**filters)
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
        return frames

    def failures(self, *, stage: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """Return recorded failures (newest first): ``stage, source, item, line, reason, recorded_at``."""
        sql = "SELECT stage, source, item, line, reason, recorded_at FROM failures"
        params: list[Any] = []
        if stage:
            sql += " WHERE stage = ?"
            params.append(stage)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return pd.read_sql_query(sql, self.store.conn, params=params)

    def export(self, to: str | Path, *, format: str = "parquet", **filters: Any) -> list[Path]:
        """Write the documents to ``to`` as Parquet, CSV or JSON Lines; return the files written."""
        from policytext.export import export_documents

        return export_documents(self, to, format=format, **filters)


def open_corpus(path: str | Path | None = None, *, config: Config | None = None,
                create: bool = False, **settings: Any) -> Corpus:
    """Open the corpus in folder ``path`` (default: ``POLICYTEXT_CORPUS`` or ``./corpus``).

    Args:
        path: the corpus folder.
        config: a resolved configuration; built from ``path`` and ``settings`` when omitted.
        create: create the folder and store when missing (collectors do this).
        settings: overrides of :class:`~policytext.config.Config` fields, e.g. ``model=...``.
    """
    if config is None:
        config = resolve_config(path, settings)
    return Corpus(config, create=create)
