"""What every collector shares: outcomes of single items, the batched writer, and the web
collectors' fetcher on a corpus (their writer, which keeps duplicates once, is in ``dedupe``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Union

from policytext.collect.cache import CACHE_FOLDER, ResponseCache
from policytext.collect.fetch import Fetcher
from policytext.collect.governments import Timelines
from policytext.collect.labels import Labeller
from policytext.errors import BadInput, ConfigError
from policytext.records import MIN_WORDS_FOR_DUPLICATE, Document, ProgressHook
from policytext.store import Store, WriteReport, record_failure, utc_now
from policytext.store.documents import (
    FailedItem,
    IdCollision,
    NoticedItem,
    SkippedItem,
    UpdatedDocument,
    clear_failures,
    DocumentWriter,
)


@dataclass(frozen=True)
class Skipped:
    """An item deliberately not collected (an empty file, a file type that holds no text)."""

    item: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Notice:
    """Something to know about an item that was collected (e.g. lines read in the fallback encoding)."""

    item: str
    reason: str
    line: int | None = None


Outcome = Union[Document, BadInput, Skipped, Notice]

ON_DUPLICATE_ID = ("error", "skip", "update", "suffix")
"""What a run does with a document id it has already seen in the same run (``on_duplicate_id``):

- ``error`` (the default): the first keeps the id; each repeat is a failure naming both places.
- ``skip``: the first keeps the id; each repeat is skipped, and reported as skipped.
- ``update``: each repeat replaces the one before (the last wins); reported as an update.
- ``suffix``: every one is kept; each repeat's id gets its line (``@L3685``), or its occurrence
  number (``@2``) when it has no line, appended; reported as renamed.

A repeat with the same content and labels as the first is kept once and reported as skipped,
whatever the choice (but ``suffix``, which keeps it too).
"""


DUPLICATE_TEXTS = ("hold", "allow")
"""What a collector may do with a text found again under another id (see :func:`write_outcomes`)."""


def check_duplicate_texts(value: str | None) -> str | None:
    """Return ``value`` when it is ``None`` or one of :data:`DUPLICATE_TEXTS`; raise :class:`ConfigError` otherwise."""
    if value is not None and value not in DUPLICATE_TEXTS:
        raise ConfigError(f"duplicate_texts must be one of {', '.join(DUPLICATE_TEXTS)} (or None), not {value!r}")
    return value


def record_location(conn: Any, document: Document, kept_id: str, *, method: str, similarity: float) -> None:
    """Record ``document``'s address as another location of the kept document ``kept_id``.

    An address that held a document of its own now serves a copy of another: its own row goes.
    Callers hold the transaction.
    """
    conn.execute(
        "INSERT INTO duplicate_locations (doc_id, source, source_id, url, method, similarity, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source, source_id) DO UPDATE SET "
        "doc_id = excluded.doc_id, url = excluded.url, method = excluded.method, "
        "similarity = excluded.similarity, recorded_at = excluded.recorded_at",
        (kept_id, document.source, document.source_id, document.url, method, similarity, utc_now()))
    conn.execute("DELETE FROM documents WHERE id = ?", (document.id,))


def check_on_duplicate_id(value: str) -> str:
    """Return ``value`` when it is one of :data:`ON_DUPLICATE_ID`; raise :class:`ConfigError` otherwise."""
    if value not in ON_DUPLICATE_ID:
        raise ConfigError(f"on_duplicate_id (--on-duplicate-id) must be one of {', '.join(ON_DUPLICATE_ID)}, "
                          f"not {value!r}")
    return value


def document_location(document: Document) -> tuple[str, int | None]:
    """Return where a document came from: the file (and line) or address its collector read."""
    meta = document.meta or {}
    item = meta.get("path") or meta.get("fetched_url") or document.url or f"{document.source}:{document.source_id}"
    line = meta.get("line")
    return str(item), line if isinstance(line, int) else None


def _shown_id(source_id: str, item: str) -> str:
    """The id as the user gave it: a file's records are ``<path>#<id>``; show the ``<id>``."""
    prefix = f"{item}#"
    return source_id[len(prefix):] if source_id.startswith(prefix) else source_id


def _place(item: str, line: int | None, *, relative_to: str) -> str:
    if item == relative_to and line is not None:
        return f"line {line}"
    return f"{item}:{line}" if line is not None else item


@dataclass(frozen=True)
class _Seen:
    item: str
    line: int | None
    labels: tuple[Any, ...]


def _labels(document: Document) -> tuple[Any, ...]:
    """What makes two versions of a document the same, apart from where they were read."""
    return (document.content_sha256, document.title, document.date, document.speaker,
            document.speaker_role, document.party, document.kind, document.publisher,
            document.country, document.government, document.url, tuple(document.organisations))


class _Run:
    """The bookkeeping of one run: ids seen, failures recorded, items read."""

    def __init__(self, store: Store, report: WriteReport, *, stage: str, on_duplicate_id: str,
                 labeller: Labeller, item_key: Callable[[str], str], duplicate_texts: str | None = None):
        self.duplicate_texts = duplicate_texts
        self.texts: dict[str, str] = {}  # content hash -> the id kept with that text in this run
        self.copies: list[tuple[Document, str]] = []  # (copy held back, id of the kept text), to record
        self.kept_copies = 0  # copies written all the same (duplicate_texts "allow")
        self.store = store
        self.report = report
        self.stage = stage
        self.on_duplicate_id = on_duplicate_id
        self.labeller = labeller
        self.item_key = item_key
        self.seen: dict[str, _Seen] = {}
        self.occurrences: dict[str, int] = {}
        self.recorded: set[int] = set()  # failure rows this run recorded or counted again
        self.items: dict[str, None] = {}  # every item read, in order
        self.writer = DocumentWriter(store)  # new documents go in together at the end of each batch

    def enter(self, item: str) -> None:
        self.items.setdefault(item)

    def clear_read_items(self) -> None:
        """Clear the earlier failures of every item read that this run did not see fail again.

        Done once, when the run has read everything: a run killed part way clears nothing.
        """
        for item in self.items:
            self.report.cleared += clear_failures(self.store, stage=self.stage, item=item, keep=self.recorded)

    # -- outcomes
    def fail(self, item: str, reason: str, line: int | None) -> None:
        self.report.failed += 1
        self.report.failures.append(FailedItem(item, reason, line))
        self.recorded.add(record_failure(self.store, stage=self.stage, item=self.item_key(item), line=line,
                                         reason=reason, exclude=self.recorded))

    def skip(self, item: str, reason: str, line: int | None) -> None:
        self.report.skipped += 1
        self.report.skips.append(SkippedItem(item, reason, line))

    def write(self, document: Document, location: tuple[str, int | None] | None = None) -> None:
        item, line = location or document_location(document)
        document = self._resolve_repeat(document, item, line)
        if document is None:
            return
        kept = self._same_text(document) if self.duplicate_texts else None
        if kept is not None:
            if self.duplicate_texts == "hold":
                self.copies.append((document, kept))
                self.report.duplicate += 1
                return
            self.kept_copies += 1
        self.seen[document.id] = _Seen(item, line, _labels(document))
        written = self.writer.write(self.labeller.label(document))
        self.report.add(written.status)
        if written.status == "updated" and written.previous is not None:
            previous = written.previous
            before_item, before_line = document_location(
                document.with_changes(source_id=previous["source_id"], meta=previous["meta"], url=None))
            self.report.updates.append(UpdatedDocument(
                doc_id=document.id, source_id=document.source_id, item=item, line=line,
                changed=written.changed, previous_title=previous["title"],
                previous_speaker=previous["speaker"], previous_date=previous["date"],
                previous_item=before_item, previous_line=before_line))

    def _same_text(self, document: Document) -> str | None:
        """Return the id of another document with exactly this text (stored, or earlier in the run).

        Texts under :data:`~policytext.records.MIN_WORDS_FOR_DUPLICATE` words are never copies: "I beg to move." is
        said in many debates, each a speech of its own.
        """
        if document.words < MIN_WORDS_FOR_DUPLICATE:
            return None
        digest = document.content_sha256
        kept = self.texts.get(digest)
        if kept is None:
            row = self.store.conn.execute(
                "SELECT id FROM documents WHERE content_sha256 = ? AND id != ? ORDER BY collected_at, id LIMIT 1",
                (digest, document.id)).fetchone()
            kept = row[0] if row else document.id
            self.texts[digest] = kept
        return kept if kept != document.id else None

    def record_copies(self) -> None:
        """Record each copy held back as another location of the kept text (``policytext duplicates``).

        Done once the batch's new documents are in (a location refers to its kept document), in
        the batch's transaction.
        """
        for document, kept in self.copies:
            record_location(self.store.conn, document, kept, method="exact", similarity=1.0)
        self.copies.clear()

    def note_copies(self) -> None:
        """Say how many texts were found again under another id, and what was done."""
        if self.report.duplicate:
            self.report.notices.append(NoticedItem(
                "duplicates", f"{self.report.duplicate} document(s) repeat exactly the text of another under another id "
                              "and were not stored again (counted twice, they would double every count): "
                              "'policytext duplicates' lists their addresses; collect with --allow-duplicates "
                              "(allow_duplicates=True) to keep every copy"))
        if self.kept_copies:
            self.report.notices.append(NoticedItem(
                "duplicates", f"{self.kept_copies} document(s) repeat exactly the text of another under another id "
                              "and were kept (--allow-duplicates): trends and keyness count each text once"))

    def _resolve_repeat(self, document: Document, item: str, line: int | None) -> Document | None:
        """Apply ``on_duplicate_id`` to a document whose id this run has already written."""
        first = self.seen.get(document.id)
        if first is None:
            return document
        shown = _shown_id(document.source_id, item)
        there = _place(first.item, first.line, relative_to=item)
        policy = self.on_duplicate_id

        def note(action: str, renamed: Document | None = None) -> None:
            self.report.collisions.append(IdCollision(
                shown, document.source_id, item, line, first.item, first.line, action,
                new_id=_shown_id(renamed.source_id, item) if renamed else None,
                new_source_id=renamed.source_id if renamed else None))

        if policy != "suffix" and first.labels == _labels(document):
            note("repeated")
            self.skip(item, f"id {shown!r} repeats {there} with the same text and labels: kept once", line)
            return None
        if policy == "error":
            note("failed")
            self.fail(item, f"id {shown!r} was already given to {there} in this run; the first is kept. "
                            f"To keep both, collect again with on_duplicate_id (--on-duplicate-id) 'suffix'; "
                            f"'update' keeps the last, 'skip' the first", line)
            return None
        if policy == "skip":
            note("skipped")
            self.skip(item, f"id {shown!r} was already given to {there} in this run; the first is kept", line)
            return None
        if policy == "update":
            note("updated")
            return document
        count = self.occurrences.get(document.id, 1) + 1
        self.occurrences[document.id] = count
        marker = f"L{line}" if line is not None else str(count)
        renamed = document.with_changes(source_id=f"{document.source_id}@{marker}")
        extra = 2
        while renamed.id in self.seen:  # the input itself uses the suffixed id: count on
            renamed = document.with_changes(source_id=f"{document.source_id}@{marker}.{extra}")
            extra += 1
        note("renamed", renamed)
        return renamed


def write_outcomes(
    store: Store,
    outcomes: Iterable[Outcome],
    *,
    stage: str,
    timelines: Timelines,
    labeller: Labeller | None = None,
    batch_size: int = 200,
    progress: ProgressHook | None = None,
    on_duplicate_id: str = "error",
    item_key: Callable[[str], str] | None = None,
    duplicate_texts: str | None = None,
) -> WriteReport:
    """Write collected documents in batches, one transaction per batch, and record failures.

    Each document is labelled first (date precision, government, party) by ``labeller``, by
    default the packaged tables over ``timelines``.

    A run killed part way keeps every batch committed before the kill; running it again finds
    those documents unchanged and adds the rest, so nothing is duplicated or lost.

    Failures are kept in the store's ``failures`` table: an item that fails again the same way
    counts one more attempt on its row; when the run ends, the earlier failures of the items it
    read that did not happen again are marked cleared (``report.cleared`` counts them). Updates name what they replaced
    (``report.updates``). An id given twice in the run is handled as ``on_duplicate_id`` says
    (see :data:`ON_DUPLICATE_ID`; the default is a failure for the repeat).

    ``duplicate_texts`` says what to do with a document whose text
    (:data:`~policytext.records.MIN_WORDS_FOR_DUPLICATE` words or more) is exactly that of another
    under another id, stored or earlier in the run: ``"hold"`` does not store it again but records
    its address as another location of the kept one (``policytext duplicates``), counts it in
    ``report.duplicate`` and notes it, as the web collectors do; ``"allow"`` stores it and notes
    it; ``None`` (sources whose ids are their own records', such as Hansard, whose newer version
    of a day repeats the older one's speeches under new ids) does not look.

    Args:
        item_key: how an item is named in the ``failures`` table (e.g. a file's absolute path),
            so that a later run finds the same item however it was named on the command line.
        duplicate_texts: ``"hold"``, ``"allow"`` or ``None`` (see above).
    """
    check_on_duplicate_id(on_duplicate_id)
    report = WriteReport()
    run = _Run(store, report, stage=stage, on_duplicate_id=on_duplicate_id,
               labeller=labeller or Labeller.packaged(timelines),
               item_key=item_key or (lambda item: item), duplicate_texts=check_duplicate_texts(duplicate_texts))
    pending: list[Outcome] = []

    def flush(*, last: bool = False) -> None:
        with store.transaction():
            # the stored versions of the batch's documents, read together rather than one by one
            run.writer.prefetch(o.id for o in pending if isinstance(o, Document))
            for outcome in pending:
                if isinstance(outcome, Document):
                    location = document_location(outcome)
                    run.enter(run.item_key(location[0]))
                    run.write(outcome, location)
                elif isinstance(outcome, Notice):
                    run.report.notices.append(NoticedItem(outcome.item, outcome.reason, outcome.line))
                else:
                    run.enter(run.item_key(outcome.item))
                    if isinstance(outcome, BadInput):
                        run.fail(outcome.item, outcome.reason, outcome.line)
                    else:
                        run.skip(outcome.item, outcome.reason, outcome.line)
            run.writer.flush()
            run.record_copies()
            if last:
                run.clear_read_items()
                run.note_copies()
        pending.clear()

    for outcome in outcomes:
        pending.append(outcome)
        if len(pending) >= batch_size:
            flush()
        if progress is not None:  # after a flush, so an interruption here loses nothing written
            progress(outcome)
    flush(last=True)
    return report


def open_fetcher(corpus: Any) -> Fetcher:
    """Return a :class:`Fetcher` that caches raw responses in ``<corpus>/cache``."""
    return Fetcher(corpus.config, cache=ResponseCache(corpus.path / CACHE_FOLDER, corpus.store))
