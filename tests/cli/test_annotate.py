"""The quoted and entities commands' options: --limit (old --top), who is quoted vs whose documents, the shared filters."""
from __future__ import annotations

import json

import pytest

from helpers import run_cli as run


def _quoted(capsys, corpus_path, *args):
    code, out, err = run(capsys, "--corpus", corpus_path, "quoted", *args, "--format", "json")
    return code, (json.loads(out) if code == 0 else out), err


def test_quoted_takes_limit_and_the_old_top_with_a_note(capsys, corpus_path) -> None:
    code, by_limit, err = _quoted(capsys, corpus_path, "--limit", "1")
    assert code == 0 and len(by_limit) == 1 and by_limit[0]["speaker"] == "Matthew Hancock", err
    code, by_top, err = _quoted(capsys, corpus_path, "--top", "1")
    assert (code, by_top) == (0, by_limit)
    # (this fixture's rows were written without the annotation stage, so it is also 'not annotated')
    assert [line for line in err.splitlines() if "not annotated yet" not in line] == [
        "note: --top is now --limit (--top still works, for now)"]
    code, out, err = run(capsys, "--corpus", corpus_path, "quoted", "--top", "1", "--limit", "2")
    assert (code, out) == (1, "")
    assert err == "Error: --top is the old name of --limit: give --limit alone, not --limit 2 and --top 1\n"


def test_quoted_refuses_speaker_and_names_its_two_meanings(capsys, corpus_path) -> None:
    """'quotes --speaker' is who is quoted; 'quoted --speaker' was whose documents: never silently either."""
    code, out, err = run(capsys, "--corpus", corpus_path, "quoted", "--speaker", "Hancock")
    assert (code, out) == (1, "")
    assert err == ("Error: --speaker is ambiguous in 'quoted': give --quoted 'Hancock' to count the quotes attributed "
                   "to that person, or --document-speaker 'Hancock' to count whom that speaker's documents quote\n")


def test_quoted_counts_the_person_quoted_or_the_documents_speaker(capsys, corpus_path) -> None:
    code, rows, err = _quoted(capsys, corpus_path, "--quoted", "Hancock")
    assert code == 0 and [row["speaker"] for row in rows] == ["Matthew Hancock"], err
    code, rows, err = _quoted(capsys, corpus_path, "--quoted", "Kennedy")  # he speaks, but is never quoted
    assert (code, rows) == (0, []), err
    # Hancock is quoted in a blog post that has no speaker of its own: not in Kennedy's addresses
    code, rows, err = _quoted(capsys, corpus_path, "--document-speaker", "Kennedy")
    assert (code, rows) == (0, []), err
    code, out, err = run(capsys, "--corpus", corpus_path, "quoted", "--quoted", "Hancok")
    assert code == 1 and err.startswith("Error: no speaker in this corpus matches 'Hancok'") and "Hancock" in err


@pytest.mark.parametrize("command", [["quoted"], ["entities"]])
def test_quoted_and_entities_take_every_document_filter(capsys, corpus_path, command) -> None:
    """They once lacked --role, --side and --post (a usage error, exit 2)."""
    code, out, err = run(capsys, "--corpus", corpus_path, *command, "--role", "ministre")
    assert code == 1 and out == "" and "no such role 'ministre'" in err
    code, out, err = run(capsys, "--corpus", corpus_path, *command, "--side", "government", "--format", "json")
    assert (code, json.loads(out)) == (0, []), err  # the 1961-1963 addresses and the blog post have no side


@pytest.mark.parametrize("command", [["quoted"], ["entities"], ["entities", "--by", "kind"]])
def test_quoted_and_entities_say_when_documents_are_not_annotated_yet(capsys, annotated_corpus, command) -> None:
    """They count the annotated documents only: a document within the filters that is not (late-1,
    collected after annotation) is said on stderr, never in the data; an up-to-date selection says nothing."""
    note = "note: 1 of 4 documents are not annotated yet: run `policytext annotate`\n"
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), *command, "--format", "csv")
    assert code == 0 and note in err, err
    assert "not annotated" not in out and out.splitlines()[0].count(",") >= 1  # stdout stays CSV
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), *command, "--until", "2015")
    assert code == 0 and "not annotated" not in err, err  # late-1 is of 2016
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "--quiet", *command)
    assert code == 0 and "not annotated" not in err, err


@pytest.mark.parametrize("command", [["quoted", "--document-speaker", "Example Party"],
                                     ["entities", "--kind", "manifesto"]])
def test_quoted_and_entities_say_when_documents_were_annotated_by_older_rules(capsys, annotated_corpus, tmp_path,
                                                                             command) -> None:
    # the manifesto's annotations are an older policytext's: counting them without a word would pass
    # the older rules' speakers and names off as this version's
    import shutil
    import sqlite3

    shutil.copy(annotated_corpus / "policytext.db", tmp_path / "policytext.db")
    conn = sqlite3.connect(tmp_path / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_rules = '2000-01-01' WHERE kind = 'manifesto'")
    conn.close()
    code, _, err = run(capsys, "--corpus", str(tmp_path), *command)
    assert code == 0, err
    assert "not annotated yet" not in err  # all of them were annotated, by older rules: one note, not two at odds
    assert "note: 1 of 1 documents were annotated by older rules" in err
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), *command)
    assert code == 0 and "not annotated" not in err and "older rules" not in err, err
