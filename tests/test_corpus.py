"""The notebook API over a corpus folder: documents, stats, failures, ids given twice and users' own timelines."""
from __future__ import annotations

import pandas as pd
import pytest

import policytext
import policytext.corpus
from helpers import shared_data
from policytext.errors import BadQuery, ConfigError, CorpusNotFound, UnknownOption


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


# ---------------------------------------------------------------------------- ids given twice

COVID_COLLISIONS = [  # (line of the repeat, its id, line of the first row with that id)
    (2384, "b52.1", 2309), (3271, "b251.3", 1975), (3685, "c27.0", 437), (3695, "c31.5", 449),
    (3709, "c35.4", 454),
]


def test_commons_speech_ids_repeat_across_days_and_none_is_lost(tmp_path) -> None:
    """The 493 Commons speeches: their speech_id repeats across days (five ids twice)."""
    path = shared_data("corpora", "uk", "commons-covid-2020.csv")
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        report = corpus.collect_files([path], fields={"id": "speech_id"}, kind="speech", country="GB")
        assert (report.collected, report.updated, report.failed) == (488, 0, 5)
        assert [(f.line, f.reason.split(" was")[0]) for f in report.failures] == \
            [(line, f"id {speech_id!r}") for line, speech_id, _ in COVID_COLLISIONS]
        assert [(c.line, c.id, c.first_line, c.action) for c in report.collisions] == \
            [(line, speech_id, first, "failed") for line, speech_id, first in COVID_COLLISIONS]
        assert report.failures[2].reason.startswith("id 'c27.0' was already given to line 437 in this run; "
                                                    "the first is kept.")
        assert corpus.count_documents() == 488
        assert corpus.failures()["line"].tolist() == [3709, 3695, 3685, 3271, 2384]

        # The user keeps every speech: the repeats get their line in the id; nothing is replaced.
        again = corpus.collect_files([path], fields={"id": "speech_id"}, kind="speech", country="GB",
                                     on_duplicate_id="suffix")
        assert (again.collected, again.unchanged, again.updated, again.failed, again.cleared) == (5, 488, 0, 0, 5)
        assert [(c.id, c.new_id, c.action) for c in again.collisions] == \
            [(speech_id, f"{speech_id}@L{line}", "renamed") for line, speech_id, _ in COVID_COLLISIONS]
        frame = corpus.documents(text=False)
        assert len(frame) == 493
        assert corpus.failures().empty
        history = corpus.failures(cleared=True)
        assert len(history) == 5 and history["cleared_at"].notna().all()


def _write_csv(path, rows) -> None:
    lines = ["id,date,speaker,text"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("choice", "counts", "texts", "action"),
    [
        ("error", (1, 0, 0, 1), ["First speech."], "failed"),
        ("skip", (1, 0, 1, 0), ["First speech."], "skipped"),
        ("update", (1, 1, 0, 0), ["Second speech."], "updated"),
        ("suffix", (2, 0, 0, 0), ["First speech.", "Second speech."], "renamed"),
    ],
)
def test_on_duplicate_id_choices(tmp_path, choice, counts, texts, action) -> None:
    path = tmp_path / "speeches.csv"
    _write_csv(path, [("7", "2020-01-01", "Ann Lee", "First speech."), ("7", "2020-02-01", "Bob Stone", "Second speech.")])
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        report = corpus.collect_files([path], on_duplicate_id=choice)
        assert (report.collected, report.updated, report.skipped, report.failed) == counts
        assert sorted(corpus.documents()["text"]) == texts
    [collision] = report.collisions
    assert (collision.id, collision.line, collision.first_line, collision.action) == ("7", 3, 2, action)
    if choice == "update":
        [update] = report.updates
        assert (update.previous_speaker, update.previous_date, update.previous_line, update.line) == \
            ("Ann Lee", "2020-01-01", 2, 3)


def test_same_row_twice_is_kept_once_and_reported(tmp_path) -> None:
    path = tmp_path / "speeches.csv"
    _write_csv(path, [("7", "2020-01-01", "Ann Lee", "First speech.")] * 2)
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        report = corpus.collect_files([path])
    assert (report.collected, report.skipped, report.failed) == (1, 1, 0)
    assert report.skips[0].reason == "id '7' repeats line 2 with the same text and labels: kept once"


def test_unknown_on_duplicate_id_is_refused(tmp_path) -> None:
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        with pytest.raises(ConfigError, match=r"on_duplicate_id \(--on-duplicate-id\) must be one of "
                                              r"error, skip, update, suffix, not 'keep'"):
            corpus.collect_files([tmp_path], on_duplicate_id="keep")


def test_an_update_across_runs_names_what_it_replaced(tmp_path) -> None:
    path = tmp_path / "speeches.csv"
    _write_csv(path, [("7", "2020-01-01", "Ann Lee", "First speech.")])
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        corpus.collect_files([path])
        _write_csv(path, [("1", "2020-01-01", "Cy Dee", "Another."), ("7", "2020-01-01", "Ann Lee", "First speech revised.")])
        report = corpus.collect_files([path])
    assert (report.collected, report.updated) == (1, 1)
    [update] = report.updates
    assert (update.item, update.line, update.previous_item, update.previous_line) == (str(path), 3, str(path), 2)
    assert (update.previous_speaker, update.changed) == ("Ann Lee", ("text", "meta"))
    assert update["previous_speaker"] == "Ann Lee"  # read like the dicts reports used to hold


# ---------------------------------------------------------------------------- failures over runs

def test_failures_are_counted_not_repeated_and_cleared_when_the_item_succeeds(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{broken\n', encoding="utf-8")
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        monkeypatch.chdir(tmp_path)
        corpus.collect_files(["in/bad.jsonl"])  # named relative to one folder…
        monkeypatch.chdir(folder)
        report = corpus.collect_files(["bad.jsonl"])  # …then to another: the same file
        assert (report.failed, report.cleared) == (1, 0)
        frame = corpus.failures()
        assert frame[["item", "line", "attempts"]].values.tolist() == [[str(bad), 2, 2]]
        assert frame["first_recorded_at"].iloc[0] <= frame["recorded_at"].iloc[0]

        bad.write_text('{"text": "fine"}\n{"text": "mended"}\n', encoding="utf-8")
        report = corpus.collect_files([bad])
        assert (report.collected, report.unchanged, report.failed, report.cleared) == (1, 1, 0, 1)
        assert corpus.failures().empty
        history = corpus.failures(cleared=True)
        assert history[["line", "attempts"]].values.tolist() == [[2, 2]]
        assert history["cleared_at"].notna().all()
        assert list(history.columns) == policytext.corpus.FAILURE_FRAME_COLUMNS


def test_equal_failures_of_one_run_stay_separate_rows(tmp_path) -> None:
    path = tmp_path / "records.json"
    path.write_text('[{"text": 1}, {"text": 2}, {"text": "ok"}]', encoding="utf-8")
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        corpus.collect_files([path])
        corpus.collect_files([path])
        frame = corpus.failures()
    assert frame["attempts"].tolist() == [2, 2]


def test_a_file_that_fails_differently_keeps_only_the_new_failure(tmp_path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_text('{"text": "a"}\nnot json\n', encoding="utf-8")
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        corpus.collect_files([path])
        path.write_text('not json either\n{"text": "a"}\n', encoding="utf-8")
        report = corpus.collect_files([path])
        assert report.cleared == 1
        assert corpus.failures()["line"].tolist() == [1]
        assert sorted(corpus.failures(cleared=True)["line"].tolist()) == [1, 2]


@pytest.fixture(scope="module")
def sixties(tmp_path_factory):
    """The State of the Union addresses of 1961-1964: Eisenhower, Kennedy three times, Johnson."""
    folder = tmp_path_factory.mktemp("sixties") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.collect_sotu(since=1961, until=1964).collected == 5
    return folder


KNOWN = "known: speaker, party, government, kind, source, country, role, side, post, since, until, limit"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c, _: c.documents(goverment="Kennedy"),
         f"unknown filter 'goverment' (did you mean 'government'?); {KNOWN}; other options of documents: text"),
        (lambda c, _: c.documents(txt=False), f"unknown filter 'txt' (did you mean 'text'?); {KNOWN}; "
                                              "other options of documents: text"),
        (lambda c, _: c.count_documents(spekaer="Kennedy"), f"unknown filter 'spekaer' (did you mean 'speaker'?); {KNOWN}"),
        (lambda c, _: c.stats(sinse="1962"), f"unknown filter 'sinse' (did you mean 'since'?); {KNOWN}"),
        (lambda c, out: c.export(out, format="csv", untill="1962"),
         f"unknown filter 'untill' (did you mean 'until'?); {KNOWN}; other options of export: format, tables, on_remove"),
    ],
)
def test_a_misspelt_filter_is_refused_not_ignored(sixties, tmp_path, call, message) -> None:
    """A typo used to be dropped: ``documents(goverment="Kennedy")`` returned every document."""
    out = tmp_path / "out"
    with policytext.open_corpus(sixties) as corpus:
        assert len(corpus.documents(government="Kennedy")) == 3 < corpus.count_documents() == 5
        with pytest.raises(UnknownOption) as caught:
            call(corpus, out)
    assert str(caught.value) == message
    assert not out.exists()  # refused before anything was written


def test_date_bounds_at_the_edges_of_the_calendar(sixties) -> None:
    with policytext.open_corpus(sixties) as corpus:
        assert corpus.count_documents(until="9999-12") == corpus.count_documents(since="0001") == 5
        assert corpus.count_documents(since=1962, until="1963-01") == 2  # a number is a year
        for bad in ("\u0661\u0669\u0666\u0662", "0000-05", "1962-00"):  # ١٩٦٢ used to be compared as text
            with pytest.raises(BadQuery):
                corpus.documents(until=bad)


def test_documents_side_and_role_are_categorical_with_every_value(tmp_path) -> None:
    # documents() gave side and role as object columns: a count by side showed only the sides
    # present, and a notebook could not tell the vocabulary from the frame.
    from policytext.collect.hansard import collect_hansard

    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", "debates2009-10-27d.xml")])
        frame = corpus.documents(text=False)
    assert isinstance(frame["side"].dtype, pd.CategoricalDtype)
    assert list(frame["side"].cat.categories) == ["government", "opposition"]
    assert list(frame["role"].cat.categories)[:4] == ["minister", "shadow", "backbencher", "chair"]
    counts = frame["side"].value_counts()
    assert counts["opposition"] == 0 and counts["government"] == int((frame["role"] == "minister").sum()) > 0
    assert frame["side"].isna().sum() == len(frame) - counts["government"]  # unknown stays missing
