"""The notebook API over a corpus folder: documents, stats, failures and users' own timelines."""
from __future__ import annotations

import pytest

import policytext
from policytext.errors import CorpusNotFound


def test_open_missing_corpus_says_what_to_do(tmp_path) -> None:
    with pytest.raises(CorpusNotFound, match="collect sotu"):
        policytext.open_corpus(tmp_path / "nothing")


def test_user_timeline_from_the_corpus_settings(tmp_path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ireland.csv").write_text(
        "country,name,start,end,leader,party\nIE,Kenny government,2011-03-09,2017-06-14,Enda Kenny,Fine Gael\n",
        encoding="utf-8")
    (folder / "policytext.toml").write_text('timelines = ["ireland.csv"]\n', encoding="utf-8")
    speech = tmp_path / "speech.json"
    speech.write_text('[{"text": "A speech in Dublin.", "date": "2014-02-03"},'
                      ' {"text": "A speech with its own label.", "date": "2014-02-03", "government": "Our label"}]',
                      encoding="utf-8")
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_files([speech], country="IE")
        # A source's own label that no alias maps is kept as source_government; the date decides.
        assert sorted(corpus.documents()["government"]) == ["Kenny government", "Kenny government"]
        labels = corpus.store.conn.execute("SELECT source_government FROM documents ORDER BY 1").fetchall()
        assert [row[0] for row in labels] == [None, "Our label"]


def test_stats_frames(tmp_path) -> None:
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        report = corpus.collect_sotu(since=2010, until=2012)
        frames = corpus.stats()
    assert set(frames) == {"total", "source", "kind", "party", "government"}
    assert frames["total"]["documents"].iloc[0] == report.collected == 3
    assert frames["government"]["government"].tolist() == ["Obama administration (2009–2017)"]
    assert list(frames["government"].columns) == ["government", "country", "documents", "words", "first", "last"]
