"""Annotate past one process on Dask distributed: shards of documents on disk, one SQLite writer.

``annotate --engine dask`` runs :func:`annotate_with_dask`, the coordinator. It selects what needs
annotating as :func:`~policytext.annotate.runner.annotate_corpus` does (new, changed, another
model or quote scheme), writes the documents as shards of Parquet into a work directory that
every worker reads (:mod:`policytext.annotate.shards`), and sends the workers only the paths.
Each worker process loads the pipeline once (:func:`run_shard` keeps it on the Dask worker, never
pickled), annotates a shard and writes its rows as Parquet, the ``_DONE`` marker last. The
coordinator alone writes the store: one shard per transaction, so the search index stays in
step, and the shard ledger (``annotation_shards``) is updated in that same transaction.

Nothing is lost or done twice:

- a worker killed mid-shard: Dask runs the shard again on another worker (up to the scheduler's
  ``distributed.scheduler.allowed-failures``; :data:`LOCAL_ALLOWED_FAILURES` on the local
  cluster), and that attempt annotates one document at a time, naming each before it starts;
- a shard that keeps killing workers: the document its last worker died on, alone, is recorded
  in ``failures`` (stage ``annotate``) and the others are sent again as a new shard; a shard that
  raises (or whose workers died before naming a document) is split in two and each half run
  again, down to single documents, and a document that still fails is recorded; the run goes on;
- a coordinator killed and run again: finished shards are ingested without annotating them
  again, unfinished ones are sent again, and only documents in no shard are selected anew.

Without a scheduler address the coordinator starts a ``LocalCluster`` on this machine (one
process a worker, one thread each). Dask is an optional extra: ``pip install 'policytext[dask]'``.
"""
from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import shutil
import signal
import threading
import time
import uuid
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from policytext.annotate.quote_rows import check_scheme
from policytext.annotate.selection import (
    STAGE,
    AnnotateReport,
    corpus_names,
    check_run_options,
    select_documents_to_annotate,
)
from policytext.annotate.summaries import store_person_shares
from policytext.annotate.shards import (
    INPUT_FILE,
    OUTPUT_SCHEMAS,
    SHARDS_FOLDER,
    STORE_TABLES,
    annotate_shard,
    is_done,
    iter_output,
    killing_document,
    read_result,
    read_shard_documents,
    remove_temporary,
    shard_folder,
    shard_number,
    write_shard_input,
)
from policytext.dask_forkserver import WORKER_IMPORTS, fork_server_available, start_fork_server
from policytext.errors import ConfigError, PolicytextError
from policytext.records import ANNOTATION_RULES, ProgressHook
from policytext.store.db import utc_now
from policytext.store.documents import clear_failures, record_failure

if TYPE_CHECKING:
    from policytext.corpus import Corpus

INSTALL = "pip install 'policytext[dask]'"
INGEST_CHOICES = ("all", "search")
"""``all``: every annotation row into the store; ``search``: all but the lemma streams (``doc_lemmas``),
which analyses then read from the shards' ``lemmas.parquet``."""
DEFAULT_SHARD_WORDS = 300_000
"""Words a shard holds at most: about two minutes of one worker at ~3,000 words a second."""
SHARDS_AHEAD = 3
"""A new shard holds at most the words still to write divided by this many shards a worker thread
("guided" sizes): shards shrink as the run nears its end, so the workers finish close together
instead of one annotating a last full-size shard while the others wait."""
MIN_SHARD_WORDS = 5_000
"""The smallest guided shard (unless ``shard_words`` is smaller): a few seconds of one worker, so
the tail's shards do not cost more in ingest transactions and task round trips than they save."""
CONNECT_SECONDS = 30
NO_WORKERS_SECONDS = 300
"""A run stops with an error when its cluster has had no worker for this long (none can start)."""
LOCAL_ALLOWED_FAILURES = 1
"""Worker deaths a shard may cause on the local cluster before Dask gives it up (``KilledWorker``)
and the coordinator splits it: one death may be bad luck (another process's memory), a second
while running the same shard is the shard."""
LOST_SHARD_RETRIES = 3
"""Times a shard the scheduler lost is sent again while the client is still connected: cancelled,
not failed, because a worker holding it (or its finished result) died for another shard's sake."""
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings of the local cluster that keep its housekeeping off the two cores the workers use.

Dask's defaults profile each worker's running task every 10 ms (walking the annotating thread's
stack in the worker's event loop, holding the GIL), check each event loop every 20 ms and read
system and memory figures every 0.1–0.5 s, in every worker and nanny and in the scheduler. For
one-thread workers running spaCy for minutes per task that was measured (``bench_dask.py``'s
accounting, 107,770 words of long addresses, load 5–7) at 4.6 s of each worker's event loop
beside 22 s of annotating, and 6–8 s of the coordinator's Dask thread (scheduler, nannies,
client): the whole run used 1.22–1.30 times the CPU of ``annotate --workers 2``. With these,
0.5 s a worker and 1.2 s, and 1.04 times. A worker over its memory limit is then noticed within
a second instead of 0.1 s. On a cluster of your own, set the same in the workers' Dask
configuration (see docs/scaling.md)."""
POLL_SECONDS = 0.05
WORKDIR_FILE = "policytext-workdir.json"
LOCK_FILE = "_coordinator.lock"
PIPELINES_FOLDER = "pipelines"
_WORKER_EXTENSION = "policytext-pipeline"


@dataclass
class ShardedAnnotateReport(AnnotateReport):
    """What a run of the Dask engine did: :class:`AnnotateReport` and its shards."""

    workdir: str = ""
    ingest: str = "all"
    shards: int = 0
    """Shards ingested by this run (``shards_resumed`` of them finished by an earlier run's workers)."""
    shards_resumed: int = 0
    shards_split: int = 0
    shards_failed: int = 0
    changed_meanwhile: int = 0
    """Documents whose text changed (or that were deleted) while their shard was annotated: not
    stored; the next run annotates them."""
    ingested_rows: int = 0
    ingest_seconds: float = 0.0

    @property
    def ingest_rows_per_second(self) -> float:
        return self.ingested_rows / self.ingest_seconds if self.ingest_seconds else 0.0

    def summary(self) -> str:
        text = (f"{super().summary()}; {self.shards} shards in {self.workdir} "
                f"({self.shards_resumed} finished by an earlier run, {self.shards_split} split, "
                f"{self.shards_failed} failed), {self.ingested_rows:,} rows ingested "
                f"({self.ingest_rows_per_second:,.0f} rows/s)")
        if self.changed_meanwhile:
            text += (f"; {self.changed_meanwhile} document(s) changed while annotated, not stored: "
                     "run annotate again")
        return text


def dask_available() -> bool:
    """Return whether Dask distributed (the ``dask`` extra) is installed."""
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


def require_distributed() -> Any:
    """Return the ``distributed`` module, or raise :class:`ConfigError` saying how to install it."""
    try:
        import distributed
    except ImportError as err:
        raise ConfigError(f"--engine dask needs Dask distributed, which is not installed here ({err}). "
                          f"Install it with: {INSTALL} (or leave out --engine dask to annotate in "
                          "this process).") from err
    return distributed


def check_dask_options(*, workdir: Any, scheduler: str | None, scheduler_file: str | None,
                       workers: int | None, shard_words: int | None, ingest: str) -> None:
    """Raise :class:`ConfigError` for options of the Dask engine that do not fit together."""
    if workdir is None or not str(workdir).strip():
        raise ConfigError("--engine dask needs --workdir: a folder that the coordinator and every worker "
                          "can read and write (shared storage on a cluster).")
    if scheduler and scheduler_file:
        raise ConfigError("give --scheduler or --scheduler-file, not both.")
    if workers is not None and (scheduler or scheduler_file):
        raise ConfigError("--workers starts a local cluster of that many processes; with --scheduler or "
                          "--scheduler-file the cluster's workers are those started with 'dask worker'. "
                          "Leave out --workers.")
    if shard_words is not None and shard_words < 1:
        raise ConfigError(f"--shard-words must be 1 or more (got {shard_words}).")
    if ingest not in INGEST_CHOICES:
        raise ConfigError(f"--ingest must be one of {', '.join(INGEST_CHOICES)} (got {ingest!r}).")


def annotate_with_dask(corpus: "Corpus", *, workdir: str | Path, scheduler: str | None = None,
                       scheduler_file: str | Path | None = None, workers: int | None = None,
                       shard_words: int | None = None, ingest: str = "all", model: str | None = None,
                       batch_size: int | None = None, force: bool = False, scheme: str | None = None,
                       progress: ProgressHook | None = None,
                       notify: Callable[[str], None] | None = None) -> ShardedAnnotateReport:
    """Annotate every document that needs it on a Dask cluster, through shards in ``workdir``.

    Args:
        corpus: an open corpus (only this process writes its store).
        workdir: the work directory of shards (shared storage on a cluster); kept after the
            run: its shards' ``lemmas.parquet`` are what analyses read with ``ingest="search"``.
        scheduler: a Dask scheduler's address (``tcp://host:8786``); default: a local cluster.
        scheduler_file: the file ``dask scheduler --scheduler-file`` wrote, instead of an address.
        workers: processes of the local cluster (default: the ``workers`` setting).
        shard_words: words a shard holds at most (default :data:`DEFAULT_SHARD_WORDS`).
        ingest: ``all`` rows into the store, or ``search``: everything but the lemma streams.
        model, batch_size, force, scheme: as for :func:`~policytext.annotate.annotate_corpus`.
        progress: called once per document finished (stored, failed or found changed).
        notify: called with a line of text on what happens to shards (a split, a failure).

    Returns:
        A :class:`ShardedAnnotateReport`; failures are recorded in the store as by ``annotate``.

    Example:
        >>> report = annotate_with_dask(open_corpus("corpus"), workdir="work", workers=2)  # doctest: +SKIP
        >>> report.summary()                                                               # doctest: +SKIP
    """
    check_dask_options(workdir=workdir, scheduler=scheduler, scheduler_file=scheduler_file, workers=workers,
                       shard_words=shard_words, ingest=ingest)
    distributed = require_distributed()
    config = corpus.config
    model = model or config.model
    batch_size = int(batch_size or config.annotate_batch_size)
    local_workers = int(workers or config.workers)
    check_run_options(batch_size=batch_size, workers=local_workers)
    scheme = check_scheme(scheme or config.quote_scheme)
    if config.claim_model != "text":  # the shard workers load the default claim scorer only
        raise ConfigError(f"--engine dask scores claims with the default claim model 'text' only, but the "
                          f"claim_model setting is {config.claim_model!r}: set claim_model to 'text', or "
                          f"annotate without --engine dask")
    folder = _prepare_workdir(Path(workdir), corpus)
    started = time.perf_counter()
    report = ShardedAnnotateReport(model=model, workdir=str(folder), ingest=ingest)
    with _coordinator_lock(folder):
        run = _Coordinator(corpus, folder, model=model, scheme=scheme, ingest=ingest, report=report,
                           progress=progress, notify=notify or (lambda text: None))
        waiting = run.resume(force=force)
        ids = select_documents_to_annotate(corpus, model=model, force=force, scheme=scheme)
        queue = run.keep_waiting(waiting, ids)
        report.up_to_date = corpus.count_documents() - len(ids) - report.annotated - report.failed
        if run.resubmit or queue:  # else no cluster and no fork server starts: nothing to annotate
            if not (scheduler or scheduler_file):  # its imports and the pipeline's load overlap the spec's
                start_fork_server(pipeline={"store": str(corpus.store.path), "model": model, "quote_scheme": scheme})
            spec = _write_pipeline_spec(folder, corpus, model=model, scheme=scheme, batch_size=batch_size)
            # a Ctrl-C is held while the run talks to the cluster and raised between shards: raised
            # inside a Dask call that was waiting on its event loop, Dask's own cancel failed on it
            # and printed a traceback under the command's one line (CI, stop 30)
            with _HeldInterrupt() as held, _dask_client(distributed, scheduler=scheduler,
                                                         scheduler_file=scheduler_file,
                                                         workers=local_workers) as client:
                run.run(distributed, client, queue, spec=spec, shard_words=int(shard_words or DEFAULT_SHARD_WORDS),
                        interrupted=held.raise_if_interrupted)
    store_person_shares(corpus.store)
    report.seconds = time.perf_counter() - started
    return report


def guided_shard_words(remaining: int, *, threads: int, shard_words: int = DEFAULT_SHARD_WORDS,
                       total: int | None = None) -> int:
    """Return the words the next shard holds when ``remaining`` words of ``total`` are still to be written.

    A share of what remains (:data:`SHARDS_AHEAD` shards a worker thread), at most ``shard_words``:
    large shards while there is much to do, smaller ones towards the end, so no worker waits long
    for the last one. Never below :data:`MIN_SHARD_WORDS`, ``shard_words``, or a twelfth of the
    run's share of each thread (a small run still gives every worker a few shards).

    Example:
        >>> [guided_shard_words(words, threads=2, total=269_000) for words in (269_000, 60_000, 8_000)]
        [44834, 10000, 5000]
        >>> guided_shard_words(1_900, threads=2, shard_words=600, total=1_900)
        317
    """
    threads = max(1, threads)
    total = remaining if total is None else total
    floor = min(shard_words, MIN_SHARD_WORDS, math.ceil(total / (2 * SHARDS_AHEAD * threads)))
    return max(1, floor, min(shard_words, math.ceil(remaining / (SHARDS_AHEAD * threads))))


# ---------------------------------------------------------------------- on the workers

def run_shard(folder: str, spec_file: str) -> dict[str, Any]:
    """Annotate one shard on a Dask worker (the task the coordinator sends); return its result.

    The pipeline is loaded once per worker process and kept on the Dask worker (its
    ``extensions``), keyed by the pipeline spec: model, quote scheme and the corpus's names.
    Only one thread of a worker uses it at a time (run workers with ``--nthreads 1``).
    """
    spec_path = Path(spec_file)
    try:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"a worker cannot read the pipeline spec {spec_path} ({err}). The work directory "
                          "(--workdir) must be on storage every worker reads at the same path.") from err
    if spec.get("rules") != ANNOTATION_RULES:
        # the coordinator records its own rules version on every document of the shard: a worker
        # of another policytext would store its rules' quotes under that version, never redone
        raise ConfigError(f"a Dask worker runs annotation rules {ANNOTATION_RULES} but the coordinator "
                          f"{spec.get('rules') or '(unrecorded)'}: install the same policytext on every "
                          "worker as where annotate runs, then run the command again (finished shards are kept).")
    holder = _worker_pipelines()
    with holder.lock:
        started = time.perf_counter()
        nlp, source = holder.pipeline(spec_path.name, spec)
        result = annotate_shard(folder, nlp, model=spec["model"], batch_size=int(spec["batch_size"]),
                                pipeline=source, pipeline_seconds=time.perf_counter() - started)
    return asdict(result)


class _Pipelines:
    """The pipeline of one worker process, loaded on first use and kept while its spec is the same."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._key: str | None = None
        self._nlp: Any = None

    def pipeline(self, key: str, spec: dict[str, Any]) -> tuple[Any, str]:
        """Return the pipeline of ``spec`` and where it came from: ``kept`` (an earlier shard's),
        ``forked`` (loaded by the fork server this process came from) or ``loaded`` (here)."""
        if self._key == key:
            return self._nlp, "kept"
        from policytext.annotate.forked_pipeline import take_forked_pipeline

        self._nlp = None  # let the old one go before loading the next
        self._nlp, source = take_forked_pipeline(spec), "forked"
        if self._nlp is None:
            from policytext.annotate.model import load_pipeline

            self._nlp, source = load_pipeline(spec["model"], people=spec["people"], bodies=spec["bodies"],
                                              quote_scheme=spec["quote_scheme"]), "loaded"
        self._key = key
        return self._nlp, source


def _worker_pipelines() -> _Pipelines:
    """Return the pipelines kept on this Dask worker (a new holder outside a worker)."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return _Pipelines()
    return worker.extensions.setdefault(_WORKER_EXTENSION, _Pipelines())


# ---------------------------------------------------------------------- the coordinator

class _Coordinator:
    """One run of the coordinator: the ledger, the shards it writes, the ingest of their output."""

    def __init__(self, corpus: "Corpus", workdir: Path, *, model: str, scheme: str, ingest: str,
                 report: ShardedAnnotateReport, progress: ProgressHook | None, notify: Callable[[str], None]):
        self.corpus = corpus
        self.store = corpus.store
        self.workdir = workdir
        self.key = str(workdir)
        self.model = model
        self.scheme = scheme
        self.ingest_mode = ingest
        self.report = report
        self.progress = progress
        self.notify = notify
        self.resubmit: deque[int] = deque()
        self.next_number = 1

    # ------------------------------------------------------------------ resuming

    def resume(self, *, force: bool) -> list[int]:
        """Ingest the finished shards of an earlier run; return its unfinished ones that may go on.

        Shards of another model, quote scheme or version of the annotation rules (a shard written
        before an upgrade of policytext may have been annotated by the older rules), and every
        unfinished one under ``force``, are abandoned (their folders deleted); so is a shard folder
        the ledger never heard of (a coordinator killed between writing it and recording it).
        """
        rows = self.store.conn.execute(
            "SELECT number, model, quote_scheme, rules FROM annotation_shards WHERE workdir = ? "
            "AND status = 'pending' ORDER BY number", (self.key,)).fetchall()
        waiting = []
        for number, model, scheme, rules in rows:
            folder = shard_folder(self.workdir, number)
            same = model == self.model and scheme == self.scheme and rules == ANNOTATION_RULES
            if same and not force and is_done(folder):
                self.ingest(number, resumed=True)
            elif same and not force and (folder / INPUT_FILE).is_file():
                waiting.append(number)
            else:
                self._abandon(number, "--force" if force and same else f"annotated with {model}/{scheme} "
                              f"under annotation rules {rules or '(unrecorded)'} where this run uses "
                              f"{self.model}/{self.scheme} under rules {ANNOTATION_RULES}")
        known = {row[0] for row in self.store.conn.execute(
            "SELECT number FROM annotation_shards WHERE workdir = ?", (self.key,))}
        root = self.workdir / SHARDS_FOLDER
        for folder in root.iterdir():
            number = shard_number(folder)
            if number is not None and number not in known:
                shutil.rmtree(folder, ignore_errors=True)
        return waiting

    def keep_waiting(self, waiting: list[int], ids: list[str]) -> deque[str]:
        """Send again the unfinished shards whose documents still need annotating as they were
        written; return the selected documents that are in no such shard, in order."""
        selected = set(ids)
        taken: set[str] = set()
        for number in waiting:
            documents = read_shard_documents(shard_folder(self.workdir, number), columns=("id", "content_sha256"))
            current = self._current_hashes([d["id"] for d in documents])
            if all(d["id"] in selected and d["id"] not in taken and current.get(d["id"]) == d["content_sha256"]
                   for d in documents):
                taken.update(d["id"] for d in documents)
                self.resubmit.append(number)
            else:
                self._abandon(number, "its documents changed since it was written")
        return deque(doc_id for doc_id in ids if doc_id not in taken)

    def _abandon(self, number: int, reason: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE annotation_shards SET status = 'abandoned', finished_at = ?, note = ? "
                         "WHERE workdir = ? AND number = ?", (utc_now(), reason, self.key, number))
        shutil.rmtree(shard_folder(self.workdir, number), ignore_errors=True)

    # ------------------------------------------------------------------ the run

    def run(self, distributed: Any, client: Any, queue: deque[str], *, spec: Path, shard_words: int,
            interrupted: Callable[[], None] = lambda: None) -> None:
        """Send shards to the cluster, one per free worker thread, and ingest each as it finishes.

        ``interrupted`` is called between shards and while waiting for them: it raises a held Ctrl-C.

        Documents go out largest first, so the shards at the end of the run hold the smallest. No
        more shards are out than the cluster has live threads, so none waits in a worker's own
        queue: when a shard kills its worker, Dask counts that death against it alone, never
        against an innocent shard queued behind it. The next shards are written ahead, and the
        next one is sent before the finished one is ingested, so workers do not wait for SQLite.
        """
        threads = max(1, sum(client.nthreads().values()))
        words = self._words_of(queue)
        total = sum(words.values())
        again = f" and {len(self.resubmit)} unfinished shard(s) of an earlier run" if self.resubmit else ""
        # the first shards take minutes on a large corpus: say the run has started before they end
        self.notify(f"annotating on {threads} Dask worker thread(s): {len(queue):,} document(s) ({total:,} words)"
                    f"{again}; shards in {self.workdir / SHARDS_FOLDER}, stored as each finishes")
        # largest documents first: a document is never split, so the last shards, which one worker
        # annotates while the others may wait, hold the smallest (before, by date: a last shard of
        # one 10,748-word address kept a worker idle for 3.5% of a run)
        queue_by_size = sorted(queue, key=lambda doc_id: -words.get(doc_id, 0))
        queue.clear()
        queue.extend(queue_by_size)
        remaining = [total]
        finished = distributed.as_completed()
        outstanding: dict[str, tuple[Any, int]] = {}
        lost: Counter[int] = Counter()  # shards sent again after the cluster lost them
        ready: deque[int] = deque()  # written, not yet sent
        self.next_number = self._next_number()

        def live_threads() -> int:
            return max(1, sum(client.nthreads().values()))

        def write_next() -> None:
            number, self.next_number = self.next_number, self.next_number + 1
            documents = self._take(queue, guided_shard_words(remaining[0], threads=threads,
                                                             shard_words=shard_words, total=total))
            remaining[0] -= sum(words.get(d["id"], 0) for d in documents)
            self._write_shard(number, documents)
            ready.append(number)

        def send() -> None:
            while len(outstanding) < live_threads():
                if not self.resubmit and not ready and queue:
                    write_next()
                source = self.resubmit if self.resubmit else ready
                if not source:
                    return
                number = source.popleft()
                future = client.submit(run_shard, str(shard_folder(self.workdir, number)), str(spec),
                                       key=f"policytext-shard-{number}-{uuid.uuid4().hex[:8]}", pure=False)
                outstanding[future.key] = (future, number)
                finished.add(future)

        def write_ahead() -> None:
            while queue and len(ready) < threads:
                write_next()

        try:
            interrupted()  # pressed while the cluster started: send nothing
            send()
            write_ahead()
            for future in self._watch(finished, client, interrupted):
                _, number = outstanding.pop(future.key)
                status = future.status
                error = future.exception() if status == "error" else None
                future.release()
                if status == "finished" or status != "error" and is_done(shard_folder(self.workdir, number)):
                    # A shard whose worker died after it finished can come back cancelled (the scheduler
                    # lost the small result it held in memory), but its rows are on disk, complete.
                    send()
                    self.ingest(number)
                elif status == "error" and not isinstance(error, (PolicytextError, ImportError)):
                    self._shard_failed(number, error)
                    send()
                elif status != "error" and client.status == "running" and lost[number] < LOST_SHARD_RETRIES:
                    # cancelled before its rows were written while the cluster is still there (a worker
                    # another shard killed was holding it): send it again rather than end the run
                    lost[number] += 1
                    self.resubmit.append(number)
                    send()
                else:  # an error every shard would meet, or cancelled: the scheduler lost it
                    raise _explain_fatal(error, number)
                write_ahead()
        finally:
            for future, _ in outstanding.values():
                future.cancel()

    def _watch(self, finished: Any, client: Any, interrupted: Callable[[], None]) -> Iterator[Any]:
        """Yield futures as they finish; raise when the cluster has had no worker for too long."""
        alone_since: float | None = None
        checked = time.monotonic()
        while not finished.is_empty():
            interrupted()
            batch = finished.next_batch(block=False)
            if batch:
                for future in batch:
                    yield future
                    interrupted()
                continue
            time.sleep(POLL_SECONDS)
            if time.monotonic() - checked < 1.0:
                continue
            checked = time.monotonic()
            if client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = checked
            elif checked - alone_since > NO_WORKERS_SECONDS:
                raise ConfigError(
                    f"the Dask cluster has had no worker for {NO_WORKERS_SECONDS} s, so no shard can run. "
                    "Start workers ('dask worker SCHEDULER --nthreads 1'), or check why they end (memory, "
                    "a missing model); then run the command again: finished shards are kept.")

    def _words_of(self, queue: deque[str]) -> dict[str, int]:
        """Return the words of each queued document (as the store counts them)."""
        words: dict[str, int] = {}
        ids = list(queue)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            words.update((doc_id, int(count or 0)) for doc_id, count in self.store.conn.execute(
                f"SELECT id, words FROM documents WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return words

    def _take(self, queue: deque[str], target: int) -> list[dict[str, Any]]:
        """Take documents off the queue up to ``target`` words (at least one document)."""
        documents: list[dict[str, Any]] = []
        words = 0
        while queue and (not documents or words < target):
            row = self.store.conn.execute(
                "SELECT id, content_sha256, text, speaker, kind, words, language FROM documents WHERE id = ?",
                (queue.popleft(),)).fetchone()
            if row is None:
                continue  # deleted since the run began
            documents.append(dict(row))
            words += int(row["words"] or 0)
        return documents

    def _next_number(self) -> int:
        row = self.store.conn.execute("SELECT MAX(number) FROM annotation_shards WHERE workdir = ?",
                                      (self.key,)).fetchone()
        numbers = [int(row[0] or 0)]
        numbers += [shard_number(f) or 0 for f in (self.workdir / SHARDS_FOLDER).iterdir()]
        return max(numbers) + 1

    def _write_shard(self, number: int, documents: list[dict[str, Any]], *, parent: int | None = None) -> None:
        """Write a shard's input, then record it in the ledger as pending."""
        count, words = write_shard_input(shard_folder(self.workdir, number), documents)
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO annotation_shards (workdir, number, model, quote_scheme, rules, documents, words, "
                "status, parent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (self.key, number, self.model, self.scheme, ANNOTATION_RULES, count, words, parent, utc_now()))

    def _shard_failed(self, number: int, error: BaseException | None) -> None:
        """Send again what a failed shard holds, without the document that fails; record that one.

        When the shard's last attempt died annotating one document alone (see
        :func:`~policytext.annotate.shards.killing_document`), that document is recorded in
        ``failures`` and the others go on as one new shard. Otherwise (an error raised, or a
        process that died before naming a document) the shard is split in two and both halves
        sent again, down to single documents; a single document that fails is recorded.
        """
        folder = shard_folder(self.workdir, number)
        reason = _describe_failure(error)
        documents = read_shard_documents(folder, columns=[name for name in ("id", "content_sha256", "text",
                                                                            "speaker", "kind", "words")])
        killer = killing_document(folder) if _is_killed_worker(error) else None
        if len(documents) > 1 and killer in {d["id"] for d in documents}:
            numbers = self._split(number, [[d for d in documents if d["id"] != killer]])
            self._close(number, "split", f"{reason}; document {killer} ended the worker annotating it alone",
                        failed=[d for d in documents if d["id"] == killer],
                        message=f"the worker process annotating it alone in shard {number} ended: {reason}")
            self.notify(f"shard {number} failed ({reason}): document {killer} ended the worker annotating it "
                        f"alone, recorded in failures; its other documents go on as shard {numbers[0]}")
        elif len(documents) > 1:
            middle = len(documents) // 2
            numbers = self._split(number, [documents[:middle], documents[middle:]])
            self._close(number, "split", reason)
            self.notify(f"shard {number} failed ({reason}); split into shards {numbers[0]} and {numbers[1]} "
                        "to find the document that fails")
        else:
            self._close(number, "failed", reason, failed=documents,
                        message=f"its shard {number} failed on the Dask cluster: {reason}")
            self.report.shards_failed += 1
            self.notify(f"shard {number} failed ({reason}): recorded in failures; the run goes on")
        shutil.rmtree(folder, ignore_errors=True)

    def _split(self, number: int, parts: list[list[dict[str, Any]]]) -> list[int]:
        """Write ``parts`` as new shards of ``number``, to be sent first; return their numbers."""
        numbers = []
        for part in parts:
            numbers.append(self.next_number)
            self.next_number += 1
            self._write_shard(numbers[-1], part, parent=number)
        self.resubmit.extendleft(reversed(numbers))
        self.report.shards_split += 1
        return numbers

    def _close(self, number: int, status: str, note: str, *, failed: Sequence[dict[str, Any]] = (),
               message: str = "") -> None:
        """Set a failed shard's status in the ledger and record ``failed`` documents, in one transaction."""
        with self.store.transaction() as conn:
            for document in failed:
                record_failure(self.store, stage=STAGE, item=document["id"], reason=message)
            conn.execute("UPDATE annotation_shards SET status = ?, finished_at = ?, note = ? "
                         "WHERE workdir = ? AND number = ?", (status, utc_now(), note, self.key, number))
        for document in failed:
            self.report.failed += 1
            self.report.failures.append({"item": document["id"], "reason": message})
            self._advance()

    # ------------------------------------------------------------------ ingest

    def ingest(self, number: int, *, resumed: bool = False) -> None:
        """Store a finished shard's rows, its documents' status and failures in one transaction."""
        folder = shard_folder(self.workdir, number)
        result = read_result(folder)
        documents = read_shard_documents(folder)
        failed = dict(result.failures)
        counts = {name: 0 for name in OUTPUT_SCHEMAS}
        now = utc_now()
        started = time.perf_counter()
        with self.store.transaction() as conn:
            # Read under the write lock: a text changed by another process after this is never
            # overwritten by the old text's annotations (nor one changed between a read and the lock).
            current = self._current_hashes([d["id"] for d in documents])
            keep = [d for d in documents if d["id"] not in failed and current.get(d["id"]) == d["content_sha256"]]
            changed = len(documents) - len(keep) - len(failed)
            keep_ids = {d["id"] for d in keep}
            gone = [(d["id"],) for d in keep]
            for table in STORE_TABLES.values():
                conn.executemany(f"DELETE FROM {table} WHERE doc_id = ?", gone)
            for name, schema in OUTPUT_SCHEMAS.items():
                if name == "lemmas" and self.ingest_mode != "all":
                    continue  # analyses read the shard's lemmas.parquet
                sql = (f"INSERT INTO {STORE_TABLES[name]} ({', '.join(schema.names)}) "
                       f"VALUES ({', '.join('?' * len(schema.names))})")
                for rows in iter_output(folder, name):
                    if len(keep) < result.annotated:
                        rows = [row for row in rows if row[0] in keep_ids]
                    conn.executemany(sql, rows)
                    counts[name] += len(rows)
            conn.executemany(
                "UPDATE documents SET annotated_sha256 = ?, annotated_model = ?, annotated_at = ?, "
                "annotated_quote_scheme = ?, annotated_rules = ? WHERE id = ?",
                [(d["content_sha256"], self.model, now, self.scheme, ANNOTATION_RULES, d["id"]) for d in keep])
            for doc_id in keep_ids:
                clear_failures(self.store, stage=STAGE, item=doc_id)
            for doc_id, reason in failed.items():
                record_failure(self.store, stage=STAGE, item=doc_id, reason=reason)
            conn.execute("UPDATE annotation_shards SET status = 'ingested', ingest = ?, finished_at = ?, note = ? "
                         "WHERE workdir = ? AND number = ?",
                         (self.ingest_mode, now, f"annotated by {result.worker} in {result.seconds:.1f} s",
                          self.key, number))
        report = self.report
        report.ingest_seconds += time.perf_counter() - started
        report.ingested_rows += sum(counts.values())
        report.shards += 1
        report.shards_resumed += int(resumed)
        report.annotated += len(keep)
        report.words += sum(int(d["words"] or 0) for d in keep)
        report.sentences += counts["sentences"]
        report.entities += counts["entities"]
        report.quotes += counts["quotes"]
        report.claims += counts["claims"]
        for doc_id, language in result.other_languages:
            if doc_id in keep_ids:
                report.count_other_language(language)
        report.failed += len(failed)
        report.failures.extend({"item": doc_id, "reason": reason} for doc_id, reason in failed.items())
        report.changed_meanwhile += changed
        remove_temporary(folder)
        for _ in documents:
            self._advance()

    def _current_hashes(self, ids: list[str]) -> dict[str, str]:
        hashes: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            hashes.update(self.store.conn.execute(
                f"SELECT id, content_sha256 FROM documents WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return hashes

    def _advance(self) -> None:
        if self.progress is not None:
            self.progress()


# ---------------------------------------------------------------------- helpers

def _prepare_workdir(workdir: Path, corpus: "Corpus") -> Path:
    """Create the work directory, or check that it is this corpus's; return its absolute path."""
    folder = workdir.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--workdir {workdir} is a file; give a folder (it is created when missing).")
    store = str(Path(corpus.store.path).resolve())
    note = folder / WORKDIR_FILE
    try:
        (folder / SHARDS_FOLDER).mkdir(parents=True, exist_ok=True)
        if note.is_file():
            owner = json.loads(note.read_text(encoding="utf-8")).get("store")
            if owner != store:
                raise ConfigError(
                    f"the work directory {folder} holds the shards of the store {owner}, not of {store}. "
                    f"Give each corpus its own --workdir (if you moved the corpus, delete {note}).")
        else:
            note.write_text(json.dumps({"store": store}) + "\n", encoding="utf-8")
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot use the work directory {folder} ({err}). Give a folder you may write.") from err
    return folder


@contextmanager
def _coordinator_lock(workdir: Path) -> Iterator[None]:
    """Hold the work directory's lock: one coordinator at a time writes and ingests its shards."""
    path = workdir / LOCK_FILE
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ConfigError(f"another annotate ({holder}) is coordinating the shards of {workdir}. Wait for "
                              "it to finish or stop it; a stopped run is resumed by running it again.") from err
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, since {utc_now()}")
        handle.flush()
        yield
    finally:
        handle.close()


def _write_pipeline_spec(workdir: Path, corpus: "Corpus", *, model: str, scheme: str, batch_size: int) -> Path:
    """Write what a worker needs to load the pipeline (named by its content's hash); return the path."""
    people, bodies = corpus_names(corpus)
    text = json.dumps({"model": model, "quote_scheme": scheme, "batch_size": batch_size,
                       "people": people, "bodies": bodies, "rules": ANNOTATION_RULES}, sort_keys=True)
    folder = workdir / PIPELINES_FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / f"{sha256(text.encode('utf-8')).hexdigest()[:16]}.json"
    if not path.is_file():
        temporary = path.with_name(f".tmp-{uuid.uuid4().hex}")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    return path


@contextmanager
def _dask_client(distributed: Any, *, scheduler: str | None, scheduler_file: str | Path | None,
                 workers: int) -> Iterator[Any]:
    """Connect to the given scheduler, or start a local cluster of ``workers`` one-thread processes."""
    if scheduler or scheduler_file:
        where = scheduler or f"the scheduler file {scheduler_file}"
        try:
            client = distributed.Client(scheduler, scheduler_file=str(scheduler_file) if scheduler_file else None,
                                        timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as err:
            raise ConfigError(f"cannot reach the Dask scheduler at {where} ({err}). Start one with 'dask "
                              "scheduler' and workers with 'dask worker ADDRESS --nthreads 1', or leave out "
                              "--scheduler to start a local cluster.") from err
        with client:
            yield client
        return
    with local_cluster(distributed, workers=workers) as cluster:
        with distributed.Client(cluster) as client:
            yield client


@contextmanager
def local_cluster(distributed: Any, *, workers: int, preload: list[str] | None = None,
                  imports: Sequence[str] = WORKER_IMPORTS) -> Iterator[Any]:
    """Start a ``LocalCluster`` of ``workers`` one-thread processes set up for shards that may kill them.

    While it runs (Dask reads some of these settings when the event happens, not at start):

    - ``allowed-failures`` is :data:`LOCAL_ALLOWED_FAILURES`: a shard whose worker died is run once
      more, and fails (``KilledWorker``, then the coordinator splits it) when it kills a second one;
    - ``lost-worker-timeout`` is :data:`NO_WORKERS_SECONDS`: a killed worker's nanny starts a new
      process, which needs time to import spaCy on a busy machine; with Dask's default of 15 s the
      cluster closed such a nanny for good, and the run waited for workers that never came back;
    - the housekeeping of :data:`QUIET_WORKERS`: no statistical profiler, and event-loop checks,
      system and memory monitors once a second or less instead of every 10–500 ms.

    Args:
        distributed: the ``distributed`` module (see :func:`require_distributed`).
        workers: worker processes, one thread each.
        preload: modules or files each worker imports on start (default: Dask's
            ``distributed.worker.preload`` setting).
        imports: modules the fork server imports once for every worker (default
            :data:`WORKER_IMPORTS`), where processes can be forked.

    Workers are forked from a fork server that imported spaCy and the annotate modules once (see
    :func:`policytext.dask_forkserver.start_fork_server`) rather than spawned to import them each,
    which was about 5 s of CPU a worker and a worker that replaces a killed one.
    """
    import dask

    settings = {"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES,
                "distributed.deploy.lost-worker-timeout": f"{NO_WORKERS_SECONDS}s",
                **QUIET_WORKERS}
    # dashboard ":0": a free port (its HTTP server starts even without the dashboard, and a fixed
    # port taken by another cluster prints a warning); the run reports failures itself, so the
    # workers' own logs (a killed worker's traceback) stay quiet.
    options = {"preload": list(preload)} if preload else {}  # else Dask's own setting
    if fork_server_available():
        settings["distributed.worker.multiprocessing-method"] = "forkserver"
        start_fork_server(imports)  # at once, unless the command started it earlier
    with dask.config.set(settings):
        with _HeldInterrupt() as held:
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=":0", silence_logs=logging.CRITICAL, **options)
        with cluster:
            held.raise_if_interrupted()
            yield cluster


class _HeldInterrupt:
    """Hold a Ctrl-C that comes inside Dask's calls, to raise it where the run can stop cleanly.

    Interrupted inside ``LocalCluster(...)``, Dask is left with workers half started: its exit
    hook failed on them with a traceback (``AssertionError: Status.init``) and workers being
    forked printed theirs. Interrupted inside a client call waiting on Dask's event loop (``nthreads``,
    ``submit``), Dask's cancel callback failed with a ``NameError`` traceback. Held, the interrupt
    is raised by :meth:`raise_if_interrupted`, between shards or once the cluster has started,
    which closes it as any other interrupted run does (one line, exit 130). A second Ctrl-C is not
    held, so a start or a close that hangs can always be left. Only in the main thread and where
    Ctrl-C raises ``KeyboardInterrupt`` as usual (not inside another hold); elsewhere it changes
    nothing.
    """

    def __init__(self) -> None:
        self.interrupted = False
        self._previous: Any = None

    def __enter__(self) -> "_HeldInterrupt":
        if threading.current_thread() is threading.main_thread() \
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum: int, frame: Any) -> None:
        if self.interrupted:  # pressed again: the user will not wait for the cluster
            self.__exit__()
            raise KeyboardInterrupt
        self.interrupted = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def raise_if_interrupted(self) -> None:
        if self.interrupted:
            raise KeyboardInterrupt


def _explain_fatal(error: BaseException | None, number: int) -> BaseException:
    if isinstance(error, PolicytextError):
        return error
    if isinstance(error, ImportError):
        return ConfigError(f"a Dask worker cannot import what shard {number} needs ({error}). Install the same "
                           "policytext (and its spaCy model) on every worker.")
    return ConfigError(f"shard {number} was cancelled on the Dask cluster ({error or 'no reason given'}): the "
                       "scheduler or its workers went away. Run the command again to resume.")


def _is_killed_worker(error: BaseException | None) -> bool:
    """Return whether Dask gave a task up for the deaths of the workers that ran it."""
    return type(error).__name__ == "KilledWorker"


def _describe_failure(error: BaseException | None) -> str:
    if _is_killed_worker(error):
        return ("it ended every worker process that ran it (killed: out of memory, a hard limit, "
                "or a crash in the pipeline)")
    name = type(error).__name__
    text = str(error).strip().splitlines()[0][:300] if error is not None and str(error).strip() else ""
    return f"{name}: {text}" if text else name
