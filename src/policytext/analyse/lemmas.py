"""Make sure every selected document has a current lemma stream, and read the streams.

The annotation stage stores ``doc_lemmas`` rows as a side effect. A corpus that was only collected
(or whose texts changed since) has none, so analysis computes the missing rows here with the
configured spaCy pipeline, loaded with only what lemmas need (tok2vec, tagger, attribute ruler,
lemmatizer), and commits them in batches: an interrupted run keeps what it did and a re-run
finishes the job.
"""
from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pandas as pd

from policytext.analyse.lemma_files import LemmaFiles, find_lemma_files
from policytext.errors import BadQuery
from policytext.spacy_model import load_spacy_model
from policytext.lemma_stream import is_word_token, lemma_stream, store_lemmas
from policytext.store import DocumentFilter
from policytext.store.filters import strict_options

LEMMA_FRAME_COLUMNS = ["id", "title", "date", "date_precision", "speaker", "party", "kind", "country",
                       "government", "role", "side", "speaker_role", "tokens", "lemmas"]
"""Columns of :func:`lemma_frame`: document metadata, ``tokens`` (lemma count) and ``lemmas``
(the lower-case lemma stream joined by single spaces, see :mod:`policytext.lemma_stream`)."""

_EXCLUDED_PIPES = ("parser", "ner", "senter")
_PARAGRAPH = re.compile(r"\n\s*\n")
_CHUNK_CHARS = 20_000


def load_lemmatizer(model: str):
    """Load spaCy pipeline ``model`` with only the components lemmas need.

    Raises:
        ModelNotInstalled: when the pipeline is not installed.
    """
    return load_spacy_model(model, exclude=_EXCLUDED_PIPES)


def split_lemma_chunks(text: str, *, size: int = _CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split ``text`` into (offset, chunk) pieces of whole paragraphs, each at most ``size`` chars.

    Chunks end at blank lines where possible (a paragraph longer than ``size`` is cut at a space),
    so no chunk reaches spaCy's length limit; offsets map token positions back into ``text``.
    (Annotation chunks with :func:`policytext.annotate.document.split_chunks` instead, which never
    cuts inside a quotation and returns spans; the lemma stream needs neither.)

    >>> split_lemma_chunks("One.\\n\\nTwo.", size=8)
    [(0, 'One.\\n\\n'), (6, 'Two.')]
    """
    chunks: list[tuple[int, str]] = []
    start = 0
    cuts = [m.end() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    position = 0
    for cut in cuts:
        if cut - start > size and position > start:
            chunks.append((start, text[start:position]))
            start = position
        while cut - start > size:
            space = text.rfind(" ", start, start + size)
            end = space if space > start else start + size
            chunks.append((start, text[start:end]))
            start = end
        position = cut
    if start < len(text):
        chunks.append((start, text[start:]))
    return [(offset, chunk) for offset, chunk in chunks if chunk.strip()]


def iter_lemma_tokens(nlp, text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(lemma, start, end)`` for each word token of ``text``, offsets into ``text``.

    The lemmas are exactly those of :func:`policytext.lemma_stream.lemma_stream`, so positions in a
    stored stream are positions in this sequence.
    """
    chunks = split_lemma_chunks(text)
    leave_out = _not_the_speakers(text)
    for (offset, _), doc in zip(chunks, nlp.pipe(chunk for _, chunk in chunks)):
        for token in doc:
            start, end = offset + token.idx, offset + token.idx + len(token.text)
            kept = lemma_stream([token])
            if kept and not (leave_out and leave_out.overlaps(start, end)):
                yield kept[0], start, end


def _not_the_speakers(text: str) -> Any:
    """Return the parts of ``text`` that annotation leaves out of its lemma stream, or None.

    A transcript's stage directions, its speaker's labels and other speakers' turns
    (:mod:`policytext.annotate.transcript`): a stream lemmatised here, and the word positions of a
    stored one, must leave out what annotation left out, or positions stop lining up.
    """
    from policytext.annotate.transcript import PartSpans, find_transcript_parts

    parts = find_transcript_parts(text)
    return PartSpans(parts, text) if parts else None


class _Shifted:
    """The parts of a whole text, asked about offsets into one chunk of it that starts at ``offset``."""

    def __init__(self, spans: Any, offset: int):
        self.spans, self.offset = spans, offset

    def overlaps(self, start: int, end: int) -> bool:
        return self.spans.overlaps(start + self.offset, end + self.offset)


def load_tokenizer(model: str):
    """Load only the tokenizer of pipeline ``model`` (fast): word positions without lemmas."""
    return load_spacy_model(model, exclude=["tok2vec", "tagger", "attribute_ruler", "lemmatizer",
                                            "parser", "ner", "senter", "morphologizer"])


def word_spans(tokenizer, text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` character span of each word token of ``text``.

    Word tokens are those a lemma stream keeps, in the same order, so position ``i`` of a stored
    stream is span ``i`` here (callers check that the lengths agree).
    """
    spans = []
    leave_out = _not_the_speakers(text)
    for offset, chunk in split_lemma_chunks(text):
        for token in tokenizer(chunk):
            if not is_word_token(token):
                continue
            start, end = offset + token.idx, offset + token.idx + len(token.text)
            if not (leave_out and leave_out.overlaps(start, end)):
                spans.append((start, end))
    return spans


def lemmatise_text(nlp, text: str, *, words: Callable[[int], None] | None = None) -> list[str]:
    """Return the lemma stream of ``text`` (paragraph by paragraph).

    ``words``, if given, is called after each chunk with the chunk's words (whitespace-separated, as
    ``documents.words`` counts them): progress inside one long document, which may take minutes.
    """
    chunks = split_lemma_chunks(text)
    leave_out = _not_the_speakers(text)
    lemmas: list[str] = []
    for (offset, chunk), doc in zip(chunks, nlp.pipe(chunk for _, chunk in chunks)):
        lemmas.extend(lemma_stream(doc, leave_out=_Shifted(leave_out, offset) if leave_out else None))
        if words is not None:
            words(len(chunk.split()))
    return lemmas


@contextmanager
def unmapped_reads(conn) -> Iterator[None]:
    """Read the store through SQLite's page cache, not its memory map, for the duration.

    Selecting documents reads columns that lie after ``text`` in each row (date, speaker,
    ``content_sha256``…), so SQLite reads each text's overflow pages to reach them. Through the
    store's memory map (``PRAGMA mmap_size``, set for search) every page read stays in this
    process's resident memory until the store is closed: an analysis's memory then grew with the
    bytes of text in the store (up to the map's 1 GB), though it needs none of it after the row.
    Read through the page cache, the same pages cost a bounded cache (SQLite's ``cache_size``).
    """
    size = int(conn.execute("PRAGMA mmap_size").fetchone()[0] or 0)
    if not size:
        yield
        return
    conn.execute("PRAGMA mmap_size = 0")  # also unmaps what earlier reads mapped
    try:
        yield
    finally:
        conn.execute(f"PRAGMA mmap_size = {size}")


_READ_BLOCK = 500
"""The most documents read together (and the most ids in one SQL ``IN`` list)."""
BLOCK_LEMMAS = 200_000
"""The most lemmas read together (about 1.5 MB of text): a block closes at this many lemmas or
:data:`_READ_BLOCK` documents, whichever comes first, so memory holds the same amount whether a
corpus has short speeches or long debates (a single longer document is a block of its own)."""


def size_blocks(sizes: Sequence[int], *, lemmas: int = BLOCK_LEMMAS, documents: int = _READ_BLOCK) -> Iterator[range]:
    """Yield ranges of positions in ``sizes`` whose sizes add up to at most ``lemmas`` (at least one each).

    A block also holds at most ``documents`` positions.

    >>> [list(block) for block in size_blocks([5, 5, 20, 1, 1], lemmas=10)]
    [[0, 1], [2], [3, 4]]
    """
    first, held = 0, 0
    for position, size in enumerate(sizes):
        size = max(0, int(size or 0))
        if position > first and (held + size > lemmas or position - first >= documents):
            yield range(first, position)
            first, held = position, 0
        held += size
    if first < len(sizes):
        yield range(first, len(sizes))


class LemmaSelection:
    """The selected documents and where each one's lemma stream is: looked up once, read as often as needed.

    Made by :func:`select_lemmas`. Finding the streams reads the store and the id columns of every
    Parquet lemma file; a command that first counts the documents still to lemmatise
    (:attr:`stale`) and then reads the streams does it once by passing the selection on as
    ``lemmas=`` to :func:`iter_lemmas` and the analyses (with the same filters).

    Example:
        >>> selection = select_lemmas(corpus, since="2001")       # doctest: +SKIP
        >>> selection.stale                                        # doctest: +SKIP
        0
        >>> theme_trends(corpus, ["trust"], lemmas=selection, since="2001")   # doctest: +SKIP
    """

    def __init__(self, corpus, filter_: DocumentFilter, rows: list[tuple], stored: set[str],
                 files: LemmaFiles | None, located: dict[str, tuple[int, int]], missing: list[str],
                 sizes: list[int] | None = None):
        self.corpus = corpus
        self.filter = filter_
        self.rows = rows              # the documents' metadata (LEMMA_FRAME_COLUMNS[:-2]), oldest first
        self.sizes = sizes if sizes is not None else [0] * len(rows)
        """Each document's lemmas (stored count, else its words), to cut blocks by size."""
        self.stored = stored          # ids with a current row in doc_lemmas
        self.files = files            # Parquet lemma files, if any
        self.located = located        # ids found in the files (and not stored)
        self.missing = missing        # ids found nowhere, oldest first

    @property
    def stale(self) -> int:
        """How many selected documents have no current lemma stream, in the store or in lemma files."""
        return len(self.missing)

    @property
    def stale_words(self) -> int:
        """The words (``documents.words``) of the documents :attr:`stale` counts: the size of the work."""
        missing = set(self.missing)
        return sum(size for row, size in zip(self.rows, self.sizes) if row[0] in missing)

    def metadata(self) -> pd.DataFrame:
        """Return the selected documents' metadata, oldest first: :data:`LEMMA_FRAME_COLUMNS` but the last two."""
        return pd.DataFrame(self.rows, columns=LEMMA_FRAME_COLUMNS[:-2])

    def ensure(self, *, progress: Callable[..., None] | None = None, batch_size: int = 20,
               words: Callable[[int], None] | None = None) -> int:
        """Compute and store the missing streams (see :func:`ensure_lemmas`); return how many.

        ``progress`` is called once per document, ``words`` with the words of each chunk of text
        lemmatised (they add up to :attr:`stale_words`).
        """
        done = _store_missing(self.corpus, self.missing, progress=progress, batch_size=batch_size, words=words)
        self.stored.update(self.missing)
        self.missing = []
        return done

    def iter(self, *, ensure: bool = True, progress: Callable[..., None] | None = None,
             only: "set[str] | None" = None) -> Iterator[tuple]:
        """Yield each selected document's metadata and lemma stream, oldest first (see :func:`iter_lemmas`).

        ``only``: yield just these documents of the selection (e.g. those a sample drew), read as
        the others would be.
        """
        rows, sizes = self.rows, self.sizes
        if only is not None:
            kept = [position for position, row in enumerate(rows) if row[0] in only]
            rows, sizes = [rows[p] for p in kept], [sizes[p] for p in kept]
        in_memory: set[str] = set()
        nlp = None
        if ensure and self.missing:
            if self.corpus.store.readonly:
                in_memory = set(self.missing)
                nlp = load_lemmatizer(self.corpus.config.model)
            else:
                self.ensure(progress=progress)
        for positions in size_blocks(sizes):
            block = rows[positions.start:positions.stop]
            ids = [row[0] for row in block]
            streams: dict[str, tuple[int, str]] = {}
            from_store = [doc_id for doc_id in ids if doc_id in self.stored]
            if from_store:
                marks = ", ".join("?" for _ in from_store)
                with unmapped_reads(self.corpus.store.conn):
                    streams.update((doc_id, (tokens, text)) for doc_id, tokens, text in self.corpus.store.conn.execute(
                        f"SELECT l.doc_id, l.tokens, l.lemmas FROM doc_lemmas l JOIN documents d ON d.id = l.doc_id "
                        f"AND d.content_sha256 = l.content_sha256 WHERE l.doc_id IN ({marks})", from_store))
            from_files = [doc_id for doc_id in ids if doc_id in self.located]
            if from_files:
                streams.update((doc_id, (tokens, text)) for doc_id, tokens, text
                               in self.files.read(from_files, self.located))
            to_compute = [doc_id for doc_id in ids if doc_id in in_memory]
            if to_compute:
                for doc_id, text, _ in _texts(self.corpus, to_compute, progress):
                    stream = lemmatise_text(nlp, text)
                    streams[doc_id] = (len(stream), " ".join(stream))
            for row in block:
                tokens, text = streams.get(row[0], (0, ""))
                yield (*row, tokens or 0, text or "")


def lemma_folders(corpus, lemmas: str | Path | None = None) -> list[Path]:
    """Return the folders of Parquet lemma files to read: ``lemmas``, else the work directories the store records.

    ``annotate --engine dask --ingest search`` leaves the lemma streams in its work directory and
    records it in the store; an empty list when neither is there (the store's table alone is read).
    """
    if lemmas is not None:
        return [Path(lemmas)]
    return recorded_lemma_folders(corpus)


def recorded_lemma_folders(corpus) -> list[Path]:
    """Return the annotation work directories the store records, whose shards hold lemma streams.

    ``annotate --engine dask`` records each work directory whose shards it ingested; one that no
    longer exists is left out (its documents' lemmas are then computed from their text, as for any
    document without a stored stream), most recently used first.
    """
    from policytext.annotate.shards import recorded_workdirs

    return [folder for folder in recorded_workdirs(corpus.store) if folder.is_dir()]


def _leave_out_other_languages(corpus, where: str, params: list[Any]) -> tuple[str, list[Any]]:
    """Add to ``where`` that a document is in the pipeline's language (or has none recorded), warning of any left out.

    The pipeline lemmatises every document as its own language, and the themes' lemma lists are
    in it too: a GOV.UK item in Arabic (``language`` ``ar``) yields "lemmas" no theme can match, so
    kept it would only swell its group's token count and lower the group's rates. An
    :class:`~policytext.analyse.groups.OtherLanguages` notice says how many were left out, by language.
    """
    from policytext.analyse.groups import OtherLanguages, _outside_policytext
    from policytext.spacy_model import model_language, other_language

    language = model_language(corpus.config.model)
    if language is None:
        return where, params  # a multi-language pipeline, or one whose language is unknown: keep all
    counts = corpus.store.conn.execute(
        f"SELECT d.language, COUNT(*) FROM documents d WHERE {where} AND d.language IS NOT NULL "
        "GROUP BY d.language ORDER BY COUNT(*) DESC, d.language", params).fetchall()
    others = [(stored, count) for stored, count in counts if other_language(stored, language) is not None]
    if not others:
        return where, params
    count = sum(int(row[1]) for row in others)
    by_language = ", ".join(f"{row[0]}: {row[1]}" for row in others)
    warnings.warn(f"{count} selected document(s) are not in the pipeline's language ({language}) and are "
                  f"left out ({by_language}): no theme's words can match them, and their tokens would only "
                  "lower their group's rates",
                  OtherLanguages, stacklevel=_outside_policytext())
    same = f"(d.language IS NULL OR d.language NOT IN ({', '.join('?' * len(others))}))"
    same_params = [row[0] for row in others]
    return f"{where} AND {same}", [*params, *same_params]


@strict_options
def select_lemmas(corpus, *, lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> LemmaSelection:
    """Select documents and find where each one's current lemma stream is, once.

    Args:
        corpus: an open corpus.
        lemmas: a folder of Parquet lemma files (see :mod:`policytext.analyse.lemma_files`; default:
            the work directories the store records), or a selection already made (returned as it is,
            once its filters are checked to be ``filters``).
        filters: the shared document filters (speaker, party, government, kind, since, until…).

    Returns:
        A :class:`LemmaSelection`.

    Raises:
        BadQuery: ``lemmas`` is a selection made with other filters.
    """
    filter_ = DocumentFilter.from_options(**filters)
    if isinstance(lemmas, LemmaSelection):
        if lemmas.filter != filter_ or lemmas.corpus is not corpus:
            raise BadQuery("the lemma selection was made for other documents: make it with select_lemmas() "
                           "from the same corpus and filters as the analysis, or pass the folder instead")
        return lemmas
    where, params = filter_.check_values(corpus.store.conn).where("d")
    where, params = _leave_out_other_languages(corpus, where, params)
    columns = ", ".join(f"d.{c}" for c in LEMMA_FRAME_COLUMNS[:-2])
    sql = (f"SELECT {columns}, d.content_sha256, l.doc_id IS NOT NULL, COALESCE(l.tokens, d.words, 0) "
           f"FROM documents d "
           f"LEFT JOIN doc_lemmas l ON l.doc_id = d.id AND l.content_sha256 = d.content_sha256 "
           f"WHERE {where} ORDER BY d.date, d.id")
    if filter_.limit is not None:  # the limit selects documents
        sql += " LIMIT ?"
        params = params + [filter_.limit]
    rows, stored, unstored, sizes = [], set(), {}, []
    with unmapped_reads(corpus.store.conn):
        for row in corpus.store.conn.execute(sql, params):
            *meta, sha, in_store, size = tuple(row)
            rows.append(tuple(meta))
            sizes.append(int(size or 0))
            if in_store:
                stored.add(meta[0])
            else:
                unstored[meta[0]] = sha
    folders = lemma_folders(corpus, lemmas)
    files = (LemmaFiles([f for folder in folders for f in find_lemma_files(folder)], model=corpus.config.model)
             if folders else None)
    located = files.locate(unstored) if files is not None else {}
    missing = [doc_id for doc_id in unstored if doc_id not in located]
    return LemmaSelection(corpus, filter_, rows, stored, files, located, missing, sizes)


@strict_options
def ensure_lemmas(corpus, *, progress: Callable[..., None] | None = None, batch_size: int = 20,
                  lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> int:
    """Compute and store the lemma stream of every selected document that lacks a current one.

    A document whose current stream is in Parquet lemma files (``lemmas``, or the work directory
    the store records) has one, and is left alone.

    Args:
        corpus: an open corpus.
        progress: called once per document lemmatised (e.g. to advance a progress bar).
        batch_size: documents per committed transaction.
        lemmas: a folder of Parquet lemma files (see :mod:`policytext.analyse.lemma_files`), or a
            :class:`LemmaSelection` of the same filters.
        filters: the shared document filters (speaker, party, government, kind, since, until…).

    Returns:
        How many documents were lemmatised (0 when every row was current).

    Raises:
        StoreReadOnly: when some are missing and the store cannot be written
            (:func:`lemma_frame` computes them in memory instead).

    Example:
        >>> ensure_lemmas(corpus, since="1990")   # doctest: +SKIP
        6
    """
    return select_lemmas(corpus, lemmas=lemmas, **filters).ensure(progress=progress, batch_size=batch_size)


def _store_missing(corpus, stale: list[str], *, progress: Callable[..., None] | None, batch_size: int = 20,
                   words: Callable[[int], None] | None = None) -> int:
    if not stale:
        return 0
    nlp = load_lemmatizer(corpus.config.model)
    conn = corpus.store.conn
    done = 0
    for first in range(0, len(stale), batch_size):
        batch = stale[first:first + batch_size]
        computed = [(doc_id, sha, lemmatise_text(nlp, text, words=words))
                    for doc_id, text, sha in _texts(corpus, batch, progress)]
        with corpus.store.transaction():
            for doc_id, sha, stream in computed:
                store_lemmas(conn, doc_id, sha, corpus.config.model, stream)
        done += len(computed)
    return done


def _texts(corpus, ids: list[str], progress: Callable[..., None] | None) -> Iterator[tuple[str, str, str]]:
    """Yield ``(id, text, content_sha256)`` of the documents ``ids`` (calling ``progress`` after each)."""
    marks = ", ".join("?" for _ in ids)
    with unmapped_reads(corpus.store.conn):
        found = corpus.store.conn.execute(
            f"SELECT id, text, content_sha256 FROM documents WHERE id IN ({marks})", ids).fetchall()
    for doc_id, text, sha in found:
        yield doc_id, text or "", sha
        if progress:
            progress()


@strict_options
def count_stale(corpus, *, lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> int:
    """Return how many selected documents have no current lemma stream, in the store or in lemma files."""
    return select_lemmas(corpus, lemmas=lemmas, **filters).stale


@strict_options
def iter_lemmas(corpus, *, lemmas: "str | Path | LemmaSelection | None" = None, ensure: bool = True,
                progress: Callable[..., None] | None = None, **filters: Any) -> Iterator[tuple]:
    """Yield each selected document's metadata and lemma stream, oldest first, with bounded memory.

    Each stream comes from the store's ``doc_lemmas`` table when it holds a current one, else from
    Parquet lemma files (``lemmas``, or the work directory of ``annotate --engine dask --ingest
    search`` that the store records) with the same ``content_sha256`` and model, else it is
    computed with spaCy (``ensure``): stored, or, on a store that cannot be written, computed in
    memory as it is read and not kept. Without ``ensure`` such a document has ``tokens`` 0 and no
    lemmas. Documents are read a block at a time, so memory does not grow with the corpus.

    Args:
        corpus: an open corpus.
        lemmas: a folder of Parquet lemma files (see :mod:`policytext.analyse.lemma_files`), or a
            :class:`LemmaSelection` of the same filters (see :func:`select_lemmas`).
        ensure: compute missing streams (see above).
        progress: called once per document lemmatised.
        filters: the shared document filters.

    Yields:
        Tuples of :data:`LEMMA_FRAME_COLUMNS`.

    Example:
        >>> for row in iter_lemmas(corpus, lemmas="work", since="2001"):   # doctest: +SKIP
        ...     print(row[0], row[-2])
    """
    return select_lemmas(corpus, lemmas=lemmas, **filters).iter(ensure=ensure, progress=progress)


@strict_options
def lemma_frame(corpus, *, lemmas: "str | Path | LemmaSelection | None" = None, ensure: bool = True,
                progress: Callable[..., None] | None = None, **filters: Any) -> pd.DataFrame:
    """Return the selected documents with their lemma streams, oldest first.

    Streams come from the store, from Parquet lemma files, or are computed: see :func:`iter_lemmas`.

    Args:
        corpus: an open corpus.
        lemmas: a folder of Parquet lemma files (default: the work directory the store records, if any),
            or a :class:`LemmaSelection` of the same filters.
        ensure: compute missing or stale lemma streams (see :func:`iter_lemmas`).
        progress: called once per document lemmatised.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`LEMMA_FRAME_COLUMNS`.

    Example:
        >>> lemma_frame(corpus, since="1990")[["id", "tokens"]].head()   # doctest: +SKIP
    """
    rows = list(iter_lemmas(corpus, lemmas=lemmas, ensure=ensure, progress=progress, **filters))
    return pd.DataFrame(rows, columns=LEMMA_FRAME_COLUMNS)
