"""The verify command: one quote or a JSON Lines batch; table and JSON; exact errors for bad input."""
from __future__ import annotations

import json

import pytest

from helpers import run_cli as run


def test_verify_one_quote_as_json(capsys, corpus_path):
    code, out, err = run(capsys, "--corpus", corpus_path, "verify",
                         "the Constitution makes us rivals for power", "--speaker", "Kennedy", "--format", "json")
    assert code == 0, err
    [row] = json.loads(out)
    assert row["verdict"] == "altered" and row["changes"] == ["negation"]
    assert row["diff"] == "the Constitution makes us [-not-] rivals for power"
    assert row["speaker"] == "John F. Kennedy" and row["url"] in row["citation"]
    assert row["paraphrase_checked"] is False


def test_verify_table_names_the_verdict_and_shows_the_passages(capsys, corpus_path):
    code, out, err = run(capsys, "--corpus", corpus_path, "verify",
                         "Once again it is my Constitutional duty", "--speaker", "Kennedy")
    assert code == 0, err
    assert "OTHER SPEAKER: 'Once again it is my Constitutional duty'" in err
    assert "Passages" in out and "Dwight D. Eisenhower" in out


def test_verify_a_batch_file(capsys, corpus_path, tmp_path):
    batch = tmp_path / "quotes.jsonl"
    batch.write_text(
        json.dumps({"id": "k1", "quote": "You are among my oldest friends in Washington", "speaker": "Kennedy",
                    "date": "1961-01-30"}) + "\n\n"
        + json.dumps({"id": "h1", "quote": "the trust to try things out", "speaker": "Hancock"}) + "\n",
        encoding="utf-8")
    code, out, err = run(capsys, "--corpus", corpus_path, "verify", str(batch), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["id"], r["verdict"]) for r in rows] == [("k1", "verbatim"), ("h1", "not found")]
    assert rows[0]["same_date"] is True


@pytest.mark.parametrize("lines, message", [
    (['{"id": "a", "quote": "one two three"}', '{"id": "a", "quote": "four five six"}'],
     "quotes.jsonl:2: id 'a' was already used on line 1; ids must be unique"),
    (['{"id": "a", "quote": "one two three", "speeker": "Kennedy"}'],
     "quotes.jsonl:1: unknown field(s) speeker; known: id, quote, speaker, date"),
    (['{"quote": "one two three"}'], "quotes.jsonl:1: every line needs an id"),
    (['not json'], "quotes.jsonl:1: not a JSON object (Expecting value)"),
    ([''], "quotes.jsonl: holds no quotes"),
    # same_date compares the start of the passage's ISO date: other forms were silently 'not the
    # same date' (23/01/1996 against 1996-01-23), and '19' the same as any date of 1900-1999
    (['{"id": "a", "quote": "one two three", "date": "23/01/1996"}'],
     "quotes.jsonl:1: the claimed date '23/01/1996' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (['{"id": "a", "quote": "one two three", "date": "19"}'], "quotes.jsonl:1: the claimed date '19' is not a date"),
    (['{"id": "a", "quote": "one two three", "date": "1996-02-30"}'], "quotes.jsonl:1: date='1996-02-30' is not a valid day"),
])
def test_a_bad_batch_is_refused_whole_with_the_line(capsys, corpus_path, tmp_path, lines, message):
    batch = tmp_path / "quotes.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--corpus", corpus_path, "verify", str(batch))
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and message in err


def test_a_missing_batch_file_and_a_short_quote_are_errors(capsys, corpus_path, tmp_path):
    code, _, err = run(capsys, "--corpus", corpus_path, "verify", str(tmp_path / "missing.jsonl"))
    assert code == 1 and "missing.jsonl: no such file" in err
    code, _, err = run(capsys, "--corpus", corpus_path, "verify", "new frontier")
    assert code == 1 and err == ("Error: the quote 'new frontier' has fewer than 3 words: too short to check "
                                 "(it would match too much of any corpus); quote more of it\n")


def test_a_batch_with_speaker_is_refused_not_ignored(capsys, corpus_path, tmp_path):
    """--speaker was dropped for a batch: each quote went to its own speaker, and nothing said so."""
    batch = tmp_path / "quotes.jsonl"
    batch.write_text(json.dumps({"id": "k1", "quote": "You are among my oldest friends in Washington"}) + "\n",
                     encoding="utf-8")
    code, out, err = run(capsys, "--corpus", corpus_path, "verify", str(batch), "--speaker", "Kennedy")
    assert (code, out) == (1, "")
    assert err == (f"Error: --speaker names who said one quote; {batch} is a batch, which gives each quote's "
                   "speaker in its 'speaker' field: leave out --speaker\n")
