"""The store's safety through the real command line: a damaged, empty or foreign store file, a
corpus path that is a file, a writer holding the lock, and reading commands on read-only storage.

Every case runs ``policytext.cli.main`` on real SQLite files and checks for one ``Error: …`` line
and exit code 1, never a traceback.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import policytext
from policytext.cli import main
from helpers import run_cli as run

READING_COMMANDS = [
    ["docs"], ["stats"], ["failures"], ["duplicates"], ["search", "taxes"], ["quotes"], ["claims"],
    ["entities"], ["quoted"],
]
"""Commands that only read the store (``export`` and ``check`` are run on their own)."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage(path: Path, offset: int, size: int = 65536) -> None:
    """Write ``size`` bytes of garbage (always the same) at ``offset``, as a failing disk might."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(20).randbytes(size))


@pytest.fixture(scope="module")
def sotu_store(tmp_path_factory) -> Path:
    """A real store: the State of the Union addresses since 2000, with their sentences indexed.

    The sentences are cut at full stops with plain SQL writes (no spaCy needed here), through the
    same triggers that keep the search index in step when the annotation stage writes them.
    """
    folder = tmp_path_factory.mktemp("sotu") / "corpus"
    assert main(["--quiet", "--corpus", str(folder), "collect", "sotu", "--since", "2000"]) == 0
    conn = sqlite3.connect(folder / "policytext.db")
    with conn:
        for doc_id, text in conn.execute("SELECT id, text FROM documents").fetchall():
            for index, match in enumerate(re.finditer(r"[^.!?]+[.!?]", text)):
                conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                             (doc_id, index, match.start(), match.end(), match.group()))
    conn.close()
    return folder / "policytext.db"


@pytest.fixture
def corpus(sotu_store, tmp_path) -> Path:
    """A fresh copy of the store's folder for one test."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(sotu_store, folder / "policytext.db")
    return folder


def _assert_one_error(code: int, err: str, starts: str) -> None:
    assert code == 1
    assert err.startswith(starts), err
    assert "Traceback" not in err and err.count("\n") == 1


# ---------------------------------------------------------------------- damage


def test_collect_refuses_a_store_damaged_in_the_middle(capsys, corpus) -> None:
    """The issue's case: 64 KB of garbage in the middle of the file; collect used to add documents."""
    db = corpus / "policytext.db"
    _damage(db, db.stat().st_size // 2)
    before = _digest(db)
    code, _, err = run(capsys, "--quiet", "--corpus", str(corpus), "collect", "sotu", "--since", "2020")
    _assert_one_error(code, err, f"Error: the store {db} is damaged (PRAGMA quick_check found: ")
    assert "policytext will not write to it. To recover, stop every policytext process using it" in err
    assert f"sqlite3 {db} .recover | sqlite3 {corpus / 'recovered.db'}" in err
    assert "or move policytext.db away and collect again" in err
    assert _digest(db) == before

    code, out, err = run(capsys, "--quiet", "--corpus", str(corpus), "check")
    _assert_one_error(code, err, f"Error: the store {db} is damaged (")
    assert "problem(s) found by integrity_check" in err
    assert len(out.splitlines()) > 1  # every problem SQLite found, one a line


@pytest.mark.parametrize("command", READING_COMMANDS + [["export", "--to", "{tmp}/out", "--format", "csv"]],
                         ids=lambda c: c[0])
def test_reading_a_damaged_store_is_an_error_not_a_traceback(capsys, corpus, tmp_path, command) -> None:
    db = corpus / "policytext.db"
    conn = sqlite3.connect(db)
    first, last = conn.execute("SELECT MIN(rootpage), MAX(rootpage) FROM sqlite_master WHERE type = 'table' "
                               "AND rootpage > 0 AND name NOT IN ('sqlite_schema', 'schema_migrations')").fetchone()
    conn.close()
    _damage(db, (first - 1) * 4096, (last - first + 1) * 4096)  # garbage over the root page of every table
    args = [part.format(tmp=tmp_path) for part in command]
    code, _, err = run(capsys, "--corpus", str(corpus), *args)
    _assert_one_error(code, err, f"Error: the store {db} is damaged (database disk image is malformed). ")
    assert f"'policytext --corpus {corpus} check' lists every problem" in err


def test_check_passes_a_sound_store(capsys, corpus) -> None:
    code, out, _ = run(capsys, "--corpus", str(corpus), "check")
    assert code == 0
    assert out == (f"{corpus / 'policytext.db'}: ok (integrity_check, foreign_key_check, "
                   "search index (7 FTS5 tables))\n")


# ---------------------------------------------------------------------- files that are not a store


@pytest.mark.parametrize("command", [["stats"], ["search", "taxes"], ["collect", "sotu", "--since", "2020"]],
                         ids=lambda c: c[0])
def test_zero_byte_store_is_refused(capsys, tmp_path, command) -> None:
    db = tmp_path / "corpus" / "policytext.db"
    db.parent.mkdir()
    db.write_bytes(b"")
    code, _, err = run(capsys, "--quiet", "--corpus", str(db.parent), *command)
    _assert_one_error(code, err, f"Error: cannot open the store {db}: the file is empty (0 bytes), "
                                 "so it holds no corpus.")
    assert db.stat().st_size == 0


@pytest.mark.parametrize("command", [["stats"], ["collect", "sotu", "--since", "2020"]], ids=lambda c: c[0])
def test_foreign_sqlite_file_is_refused(capsys, tmp_path, command) -> None:
    db = tmp_path / "corpus" / "policytext.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (number INTEGER, total REAL)")
    conn.commit()
    conn.close()
    before = _digest(db)
    code, _, err = run(capsys, "--quiet", "--corpus", str(db.parent), *command)
    _assert_one_error(code, err, f"Error: cannot open the store {db}: it is an SQLite database but not "
                                 "a policytext store (it has the tables invoices and no schema_migrations).")
    assert _digest(db) == before


@pytest.mark.parametrize("command", [["collect", "sotu", "--since", "2020"], ["stats"]], ids=lambda c: c[0])
def test_corpus_path_that_is_a_file(capsys, tmp_path, command) -> None:
    somefile = tmp_path / "somefile.txt"
    somefile.write_text("notes\n", encoding="utf-8")
    code, _, err = run(capsys, "--quiet", "--corpus", str(somefile), *command)
    _assert_one_error(code, err, f"Error: the corpus folder {somefile} is a file, not a folder. Pass "
                                 "--corpus a folder (it is created when missing).")
    assert somefile.read_text(encoding="utf-8") == "notes\n"


def test_corpus_path_that_is_the_store_itself_points_to_its_folder(capsys, corpus) -> None:
    code, _, err = run(capsys, "--corpus", str(corpus / "policytext.db"), "stats")
    _assert_one_error(code, err, f"Error: the corpus folder {corpus / 'policytext.db'} is a file")
    assert f"To use the store in it, pass its folder: --corpus {corpus}." in err


# ---------------------------------------------------------------------- locks


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_waiting_for_another_writer_past_the_busy_timeout(capsys, corpus, monkeypatch, journal) -> None:
    monkeypatch.setenv("POLICYTEXT_BUSY_TIMEOUT_SECONDS", "0.3")
    db = corpus / "policytext.db"
    sqlite3.connect(db).execute(f"PRAGMA journal_mode = {journal}").fetchone()
    count = sqlite3.connect(db).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "--quiet", "--corpus", str(corpus), "collect", "sotu", "--since", "1990")
        _assert_one_error(code, err, f"Error: the store {db} is locked by another writer (another policytext "
                                     "process or SQLite tool) and stayed locked for longer than the busy "
                                     "timeout (0.3 s).")
        assert "Wait for the other writer to finish or stop it" in err
        code, out, _ = run(capsys, "--corpus", str(corpus), "docs", "--format", "csv")  # readers go on
        assert code == 0 and len(out.splitlines()) == count + 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# ---------------------------------------------------------------------- read-only opens


@pytest.mark.parametrize("command", READING_COMMANDS + [["export", "--to", "{tmp}/out", "--format", "jsonl"],
                                                        ["check"]], ids=lambda c: c[0])
def test_reading_commands_never_take_a_write_step(capsys, corpus, tmp_path, monkeypatch, command) -> None:
    """With a rollback journal and another writer holding its lock, a connection opened for writing
    cannot even set WAL mode; one opened read-only (``mode=ro``) reads on. Works as root, where
    read-only permissions do not hold."""
    monkeypatch.setenv("POLICYTEXT_BUSY_TIMEOUT_SECONDS", "0.2")
    db = corpus / "policytext.db"
    conn = sqlite3.connect(db, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    conn.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "--quiet", "--corpus", str(corpus), *[p.format(tmp=tmp_path) for p in command])
        assert code == 0, err
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _nobody_can_run_policytext(folder: Path) -> list[str]:
    """Return the command prefix that runs policytext as user nobody, or skip saying why not."""
    if os.geteuid() != 0:
        return [sys.executable, "-m", "policytext"]
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is missing: read-only permissions do not stop root")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "policytext"]
    probe = subprocess.run(prefix + ["--help"], capture_output=True, text=True, cwd=folder, env=_env())
    if probe.returncode != 0:
        pytest.skip(f"running as root and user nobody cannot run this Python and policytext: {probe.stderr[-200:]}")
    return prefix


def _env() -> dict[str, str]:
    source = str(Path(policytext.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}


@pytest.fixture
def read_only_corpus(sotu_store):
    """A corpus folder and store nobody may write (made under /tmp so user nobody can reach it)."""
    outer = Path(tempfile.mkdtemp(prefix="policytext-ro-"))
    outer.chmod(0o755)
    folder = outer / "corpus"
    folder.mkdir()
    shutil.copy(sotu_store, folder / "policytext.db")
    (folder / "policytext.db").chmod(0o444)
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(outer)


@pytest.mark.parametrize("command", [["stats"], ["search", "taxes", "--limit", "1"], ["check"],
                                     ["export", "--to", "{out}", "--format", "jsonl"]], ids=lambda c: c[0])
def test_reading_commands_work_on_read_only_storage(read_only_corpus, command) -> None:
    prefix = _nobody_can_run_policytext(read_only_corpus.parent)
    out = read_only_corpus.parent / "out"
    out.mkdir(exist_ok=True)
    out.chmod(0o777)
    args = [part.format(out=out) for part in command]
    result = subprocess.run(prefix + ["--corpus", str(read_only_corpus), *args], capture_output=True, text=True,
                            cwd=read_only_corpus.parent, env=_env())
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in read_only_corpus.iterdir()) == ["policytext.db"]

    writing = subprocess.run(prefix + ["--quiet", "--corpus", str(read_only_corpus), "collect", "sotu", "--since", "2020"],
                             capture_output=True, text=True, cwd=read_only_corpus.parent, env=_env())
    assert writing.returncode == 1
    assert writing.stderr.startswith(f"Error: the store {read_only_corpus / 'policytext.db'} is read-only here")
    assert stat.S_IMODE((read_only_corpus / "policytext.db").stat().st_mode) == 0o444


def test_opening_read_only_storage_for_writing_reads_and_refuses_writes(read_only_corpus) -> None:
    """Commands that write only sometimes (trends stores lemmas when some are missing) still read."""
    prefix = _nobody_can_run_policytext(read_only_corpus.parent)
    script = (
        "import sys\n"
        "from policytext.errors import StoreReadOnly\n"
        "from policytext.store import Store\n"
        "with Store(sys.argv[1]) as store:\n"
        "    print(store.conn.execute('SELECT COUNT(*) FROM documents').fetchone()[0])\n"
        "    try:\n"
        "        with store.transaction():\n"
        "            pass\n"
        "    except StoreReadOnly as err:\n"
        "        print(err)\n"
    )
    python = prefix[:prefix.index("-m")]
    result = subprocess.run(python + ["-c", script, str(read_only_corpus / "policytext.db")], capture_output=True,
                            text=True, cwd=read_only_corpus.parent, env=_env())
    assert result.returncode == 0, result.stderr
    count, refusal = result.stdout.splitlines()
    assert int(count) > 20
    assert refusal.startswith(f"the store {read_only_corpus / 'policytext.db'} is read-only here (this process "
                              "may not write the file or its folder), and this command writes to it.")
