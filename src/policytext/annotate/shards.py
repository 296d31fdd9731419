"""Shards of documents on disk: the work directory of the Dask engine, its Parquet input and output.

A work directory (``--workdir``, on storage every worker can read and write) holds::

    WORKDIR/shards/000001/documents.parquet   input, written by the coordinator
                          sentences.parquet   output, written by a worker ...
                          entities.parquet
                          quotes.parquet
                          claims.parquet
                          lemmas.parquet
                          _DONE               ... and this marker last (JSON: counts, failures)

A worker writes its output into a temporary folder inside the shard, syncs each file, renames
it into the shard and writes ``_DONE`` last (also by rename), so a shard without ``_DONE`` is
unfinished whatever else it holds, and one with ``_DONE`` is whole. A temporary folder left in
a shard is an attempt whose process died: the next attempt annotates one document at a time and
names each in its own folder's ``_CURRENT`` before starting it, so when that attempt's process
dies too, :func:`killing_document` says which document it was annotating. Output tables have the
columns of the store's tables of the same name (``lemmas.parquet`` those of ``doc_lemmas``).
This module knows nothing of Dask: :mod:`policytext.annotate.dask_engine` schedules shards. It
imports spaCy only to annotate (:func:`annotate_shard`, on a worker): the coordinator, which writes
and ingests shards, does not load it.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import time
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from policytext.errors import ConfigError
from policytext.headings import is_heading, stands_alone

if TYPE_CHECKING:
    from policytext.annotate.document import DocumentAnnotation

SHARDS_FOLDER = "shards"
INPUT_FILE = "documents.parquet"
DONE_FILE = "_DONE"
TEMPORARY_PREFIX = ".tmp-"
CURRENT_FILE = "_CURRENT"
"""In the folder of an attempt that follows a dead one: the id of the document it is annotating."""
ROWS_PER_GROUP = 20_000
"""Rows a Parquet row group holds: a worker keeps at most this many rows of a table in memory."""

INPUT_SCHEMA = pa.schema([
    ("id", pa.string()), ("content_sha256", pa.string()), ("text", pa.string()),
    ("speaker", pa.string()), ("kind", pa.string()), ("words", pa.int64()), ("language", pa.string()),
])
"""``documents.parquet``: what a worker needs of each document (the columns of ``documents``)."""

OUTPUT_SCHEMAS: dict[str, pa.Schema] = {
    "sentences": pa.schema([("doc_id", pa.string()), ("idx", pa.int64()), ("start_char", pa.int64()),
                            ("end_char", pa.int64()), ("text", pa.string()), ("heading", pa.int64())]),
    "entities": pa.schema([("doc_id", pa.string()), ("start_char", pa.int64()), ("end_char", pa.int64()),
                           ("label", pa.string()), ("text", pa.string()), ("name", pa.string())]),
    "quotes": pa.schema([("doc_id", pa.string()), ("start_char", pa.int64()), ("end_char", pa.int64()),
                         ("text", pa.string()), ("speaker", pa.string()), ("speaker_start", pa.int64()),
                         ("speaker_end", pa.int64()), ("cue", pa.string()), ("kind", pa.string()),
                         ("confidence", pa.float64()), ("scheme", pa.string()), ("speaker_mention", pa.string()),
                         ("resolved_by", pa.string()), ("speaker_role", pa.string())]),
    "claims": pa.schema([("doc_id", pa.string()), ("start_char", pa.int64()), ("end_char", pa.int64()),
                         ("text", pa.string()), ("score", pa.float64()), ("types", pa.string()),
                         ("triggers", pa.string()), ("speaker", pa.string())]),
    "lemmas": pa.schema([("doc_id", pa.string()), ("content_sha256", pa.string()), ("model", pa.string()),
                         ("tokens", pa.int64()), ("lemmas", pa.string())]),
}
"""The output tables of a shard; each column is the store column of the same name (``lemmas`` is
``doc_lemmas``; ``types`` and ``triggers`` are JSON text, as stored)."""

STORE_TABLES = {"sentences": "sentences", "entities": "entities", "quotes": "quotes", "claims": "claims",
                "lemmas": "doc_lemmas"}
"""The store table each output table is ingested into."""


@dataclass(frozen=True)
class ShardResult:
    """What a worker did with one shard: the content of its ``_DONE`` marker."""

    documents: int
    annotated: int
    words: int
    rows: dict[str, int]
    failures: tuple[tuple[str, str], ...] = ()
    """``(doc_id, reason)`` of each document the pipeline could not annotate."""
    seconds: float = 0.0
    worker: str = ""
    """``host:pid`` of the process that annotated the shard."""
    model: str = ""
    peak_rss_mb: float = 0.0
    """The worker process's peak resident memory when it finished the shard (Linux: ru_maxrss)."""
    pipeline: str = ""
    """Where the worker's pipeline came from for this shard: ``loaded`` (by this task), ``kept``
    (from an earlier shard), ``forked`` (loaded by the fork server the worker came from)."""
    pipeline_seconds: float = 0.0
    """Seconds this task spent getting its pipeline, before annotating (its load, for ``loaded``)."""
    other_languages: tuple[tuple[str, str], ...] = ()
    """``(doc_id, language)`` of each document annotated whose stored language is not the
    pipeline's: it got sentences and lemmas only."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ShardResult":
        data = json.loads(text)
        data["failures"] = tuple((str(doc_id), str(reason)) for doc_id, reason in data.get("failures", ()))
        data["other_languages"] = tuple((str(doc_id), str(language))
                                        for doc_id, language in data.get("other_languages", ()))
        known = {field.name for field in fields(cls)}  # a marker of a later version may say more
        return cls(**{key: value for key, value in data.items() if key in known})


def shard_folder(workdir: str | Path, number: int) -> Path:
    """Return the folder of shard ``number`` in ``workdir``.

    Example:
        >>> shard_folder("work", 3).as_posix()
        'work/shards/000003'
    """
    return Path(workdir) / SHARDS_FOLDER / f"{int(number):06d}"


def shard_number(folder: Path) -> int | None:
    """Return the number of a shard folder, or None when its name is not a shard's."""
    name = Path(folder).name
    return int(name) if name.isdigit() else None


def is_done(folder: str | Path) -> bool:
    """Return whether a worker finished the shard in ``folder`` (its marker is there)."""
    return (Path(folder) / DONE_FILE).is_file()


def read_result(folder: str | Path) -> ShardResult:
    """Return the result a worker recorded in the shard's ``_DONE`` marker."""
    return ShardResult.from_json((Path(folder) / DONE_FILE).read_text(encoding="utf-8"))


def completed_shards(workdir: str | Path) -> list[Path]:
    """Return the folders of the shards in ``workdir`` that a worker finished, in shard order."""
    root = Path(workdir) / SHARDS_FOLDER
    if not root.is_dir():
        return []
    folders = [f for f in root.iterdir() if shard_number(f) is not None and is_done(f)]
    return sorted(folders, key=lambda f: shard_number(f) or 0)


def lemma_files(workdir: str | Path) -> list[Path]:
    """Return the ``lemmas.parquet`` files of the finished shards of ``workdir``, in shard order.

    Each file has the columns of the store's ``doc_lemmas`` (doc_id, content_sha256, model, tokens,
    lemmas). A document annotated again (changed text, another model, ``--force``) is in a later
    shard too: where a document appears twice, the later file holds its newer stream, and a row is
    current while its ``content_sha256`` and ``model`` are the document's.

    Example:
        >>> lemma_files("no-such-workdir")
        []
    """
    return [folder / "lemmas.parquet" for folder in completed_shards(workdir)]


def recorded_workdirs(store: Any) -> list[Path]:
    """Return the work directories whose shards were ingested into ``store``, most recently used first.

    The store's shard ledger (``annotation_shards``) records each shard with the absolute path of
    its work directory as the coordinator saw it; :func:`lemma_files` lists a directory's lemma
    files. With ``--ingest search`` these files are where the lemma streams are.

    Example:
        >>> recorded_workdirs(open_corpus("corpus").store)  # doctest: +SKIP
        [PosixPath('/scratch/work')]
    """
    rows = store.conn.execute(
        "SELECT workdir FROM annotation_shards WHERE status = 'ingested' GROUP BY workdir "
        "ORDER BY MAX(finished_at) DESC, workdir")
    return [Path(row[0]) for row in rows]


def write_shard_input(folder: str | Path, documents: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Write ``documents.parquet`` of a new shard (created whole, by rename); return (documents, words).

    Each document is a dict with the columns of :data:`INPUT_SCHEMA`.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(documents)
    table = pa.Table.from_pylist([{name: row.get(name) for name in INPUT_SCHEMA.names} for row in rows],
                                 schema=INPUT_SCHEMA)
    temporary = folder / f"{TEMPORARY_PREFIX}{INPUT_FILE}-{uuid.uuid4().hex}"
    pq.write_table(table, temporary)
    _sync(temporary)
    os.replace(temporary, folder / INPUT_FILE)
    return len(rows), sum(int(row.get("words") or 0) for row in rows)


def read_shard_documents(folder: str | Path, columns: Iterable[str] = ("id", "content_sha256", "words")) -> list[dict[str, Any]]:
    """Return ``columns`` of each document of a shard's input, in order."""
    return pq.read_table(Path(folder) / INPUT_FILE, columns=list(columns)).to_pylist()


def annotate_shard(folder: str | Path, nlp: Any, *, model: str, batch_size: int = 16, pipeline: str = "",
                   pipeline_seconds: float = 0.0) -> ShardResult:
    """Annotate the documents of one shard with ``nlp`` and write its output, ``_DONE`` last.

    A shard already done is not annotated again: its recorded result is returned (a task run a
    second time after its worker died at the very end). Output files replace any that an attempt
    killed half-way left behind; the marker alone says the shard is whole. When such an attempt's
    folder is there, this one annotates the documents one at a time, naming each before it starts
    (see :func:`killing_document`): a little slower, and only after a process died here.

    Args:
        folder: the shard's folder (holding ``documents.parquet``).
        nlp: the pipeline, from :func:`policytext.annotate.load_pipeline`.
        model: the pipeline's name, recorded with each lemma stream.
        batch_size: chunks per ``nlp.pipe`` batch.
        pipeline, pipeline_seconds: where ``nlp`` came from and what getting it took (recorded in
            the marker; see :class:`ShardResult`).

    Raises:
        ConfigError: the shard's input cannot be read here (a work directory not shared with
            this worker).
    """
    from policytext.annotate.runner import annotate_rows  # spaCy's side: the coordinator never imports it

    folder = Path(folder)
    if is_done(folder):
        return read_result(folder)
    started = time.perf_counter()
    try:
        documents = pq.read_table(folder / INPUT_FILE).to_pylist()
    except OSError as err:
        raise ConfigError(
            f"the worker {_worker_name()} cannot read the shard {folder / INPUT_FILE} ({err}). The work "
            "directory (--workdir) must be on storage that the coordinator and every worker can read "
            "and write at the same path.") from err
    careful = bool(_dead_attempts(folder))  # an attempt before this one died in this shard
    temporary = folder / f"{TEMPORARY_PREFIX}{_worker_name().replace(':', '-')}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    failures: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    annotated = words = 0
    annotated_rows = (_annotate_naming_each(nlp, documents, batch_size=batch_size, folder=temporary) if careful
                      else annotate_rows(nlp, documents, batch_size=batch_size, workers=1))
    try:
        with _OutputWriter(temporary) as output:
            for row, parts, error in annotated_rows:
                if error is not None:
                    failures.append((row["id"], error))
                    continue
                with parts:
                    output.add_document(row, parts.records(), model=model)
                if parts.other_language:
                    others.append((row["id"], parts.other_language))
                annotated += 1
                words += int(row["words"] or 0)
        for name in OUTPUT_SCHEMAS:
            os.replace(temporary / f"{name}.parquet", folder / f"{name}.parquet")
        result = ShardResult(documents=len(documents), annotated=annotated, words=words, rows=dict(output.rows),
                             failures=tuple(failures), seconds=round(time.perf_counter() - started, 3),
                             worker=_worker_name(), model=model, peak_rss_mb=_peak_rss_mb(), pipeline=pipeline,
                             pipeline_seconds=round(pipeline_seconds, 3), other_languages=tuple(others))
        marker = temporary / DONE_FILE
        marker.write_text(result.to_json(), encoding="utf-8")
        _sync(marker)
        os.replace(marker, folder / DONE_FILE)
        _sync(folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return result


def killing_document(folder: str | Path) -> str | None:
    """Return the document that the last dead attempt at a shard was annotating, if it named one.

    Only an attempt that followed a dead one names its documents (``_CURRENT``), and only a dead
    attempt leaves its folder behind, so the name is that of the document a worker process was
    annotating, alone, when it ended. None when no dead attempt named one (the process died
    before its first document, or it was the shard's first attempt).
    """
    named = []
    for attempt in _dead_attempts(Path(folder)):
        try:
            current = attempt / CURRENT_FILE
            named.append((current.stat().st_mtime_ns, current.read_text(encoding="utf-8").strip()))
        except OSError:
            continue
    if not named:
        return None
    return max(named)[1] or None


def iter_output(folder: str | Path, name: str, *, batch_rows: int = ROWS_PER_GROUP) -> Iterator[list[tuple]]:
    """Yield the rows of one output table of a finished shard as tuples in schema order, a batch at a time."""
    table_file = pq.ParquetFile(Path(folder) / f"{name}.parquet")
    wanted = OUTPUT_SCHEMAS[name].names
    present = [column for column in wanted if column in table_file.schema_arrow.names]
    for batch in table_file.iter_batches(batch_size=batch_rows, columns=present):
        columns = dict(zip(present, (column.to_pylist() for column in batch.columns)))
        # a shard written before a column existed (sentences.heading): NULL, as the store has for it
        yield list(zip(*(columns.get(c, [None] * batch.num_rows) for c in wanted)))


def remove_temporary(folder: str | Path) -> None:
    """Delete what killed attempts left in a shard's folder (call only when no attempt can be running)."""
    for leftover in Path(folder).glob(f"{TEMPORARY_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _dead_attempts(folder: Path) -> list[Path]:
    """Return the folders of attempts at the shard in ``folder`` whose process died (a finished or
    failed attempt deletes its own)."""
    return [p for p in folder.glob(f"{TEMPORARY_PREFIX}*") if p.is_dir()]


def _annotate_naming_each(nlp: Any, documents: list[dict[str, Any]], *, batch_size: int,
                          folder: Path) -> Iterator[tuple[dict[str, Any], Any, str | None]]:
    """Annotate ``documents`` one at a time, each named in ``folder``'s ``_CURRENT`` (synced) first."""
    from policytext.annotate.runner import annotate_rows

    current = folder / CURRENT_FILE
    for row in documents:
        current.write_text(str(row["id"]), encoding="utf-8")
        _sync(current)
        yield from annotate_rows(nlp, [row], batch_size=batch_size, workers=1)


class _OutputWriter:
    """The five output tables of a shard, written as Parquet a row group at a time."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.rows: dict[str, int] = {name: 0 for name in OUTPUT_SCHEMAS}
        self._held: dict[str, list[tuple]] = {name: [] for name in OUTPUT_SCHEMAS}
        self._writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", schema)
                         for name, schema in OUTPUT_SCHEMAS.items()}

    def __enter__(self) -> "_OutputWriter":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            for name in OUTPUT_SCHEMAS:
                self._flush(name)
        for writer in self._writers.values():
            writer.close()
        if exc_type is None:
            for name in OUTPUT_SCHEMAS:
                _sync(self.folder / f"{name}.parquet")

    def add_document(self, row: dict[str, Any], parts: Iterable["DocumentAnnotation"], *, model: str) -> None:
        doc_id = row["id"]
        lemma_pieces: list[str] = []
        tokens = 0
        for part in parts:
            text = row.get("text")
            self._add("sentences", [(doc_id, s.index, s.start, s.end, s.text,
                                     int(is_heading(s.text, alone=text is not None and stands_alone(text, s.start, s.end))))
                                    for s in part.sentences])
            self._add("entities", [(doc_id, e.start, e.end, e.label, e.text, e.name) for e in part.entities])
            self._add("quotes", [(doc_id, q.start, q.end, q.text, q.speaker, q.speaker_start, q.speaker_end, q.cue,
                                  q.kind, q.confidence, q.scheme, q.speaker_mention, q.resolved_by, q.speaker_role)
                                 for q in part.quotes])
            self._add("claims", [(doc_id, c.start, c.end, c.text, c.score, json.dumps(list(c.types)),
                                  json.dumps([list(t) for t in c.triggers]), c.speaker) for c in part.claims])
            if part.lemmas:
                lemma_pieces.append(" ".join(part.lemmas))
                tokens += len(part.lemmas)
        self._add("lemmas", [(doc_id, row["content_sha256"], model, tokens, " ".join(lemma_pieces))])

    def _add(self, name: str, rows: list[tuple]) -> None:
        self._held[name].extend(rows)
        self.rows[name] += len(rows)
        if len(self._held[name]) >= ROWS_PER_GROUP:
            self._flush(name)

    def _flush(self, name: str) -> None:
        held = self._held[name]
        if not held:
            return
        schema = OUTPUT_SCHEMAS[name]
        columns = list(zip(*held))
        self._writers[name].write_table(pa.table(
            [pa.array(values, type=column.type) for values, column in zip(columns, schema)], schema=schema))
        self._held[name] = []


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to the disk, so a marker never outlives what it vouches for."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:  # some file systems cannot sync a folder
        pass
    finally:
        os.close(handle)


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
