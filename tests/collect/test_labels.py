"""Labels given when documents are written: date precision, the timeline's government, parties.

Unit cases written by hand, then the real shared corpora collected through the library and the CLI,
each with its exact result.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import policytext
from helpers import shared_data
from policytext.cli import main
from policytext.collect.governments import GovernmentAliases, Timelines
from policytext.collect.labels import Labeller, date_period, split_date
from policytext.errors import ConfigError
from policytext.records import Document

CAMERON = "Cameron government (2015–2016)"
MAY = "May government (2016–2019)"
COALITION = "Cameron–Clegg coalition (2010–2015)"
CHURCHILL_1945 = "Churchill caretaker government (1945)"
ATTLEE = "Attlee government (1945–1951)"


@pytest.fixture(scope="module")
def labeller() -> Labeller:
    return Labeller.packaged()


def _doc(**fields) -> Document:
    return Document(source="files", source_id=json.dumps(fields, sort_keys=True), text="A text.", **fields)


@pytest.mark.parametrize(("value", "expected"), [
    ("1945", ("1945-01-01", "year")),
    ("2016-07", ("2016-07-01", "month")),
    ("2016-07-13", ("2016-07-13", "day")),
    ("2016-07-13T10:00:00", ("2016-07-13", "day")),
    (None, (None, None)),
])
def test_split_date(value, expected) -> None:
    assert split_date(value) == expected


def test_split_date_keeps_a_collectors_precision_and_refuses_an_unknown_one() -> None:
    assert split_date("1945-01-01", "year") == ("1945-01-01", "year")
    with pytest.raises(ValueError, match="day, month, year"):
        split_date("1945-01-01", "decade")


@pytest.mark.parametrize(("day", "precision", "expected"), [
    ("1945-01-01", "year", ("1945-01-01", "1946-01-01")),
    ("2016-12-01", "month", ("2016-12-01", "2017-01-01")),
    ("2016-07-12", "day", ("2016-07-12", "2016-07-13")),
])
def test_date_period(day, precision, expected) -> None:
    assert date_period(day, precision) == expected


@pytest.mark.parametrize(("date", "government", "candidates"), [
    ("1950", ATTLEE, None),  # Attlee was in office all year
    ("1945", None, [CHURCHILL_1945, ATTLEE]),  # two governments, and January-May before the timeline
    ("2016", None, [CAMERON, MAY]),
    ("2016-06", CAMERON, None),  # a month within one government
    ("2016-07", None, [CAMERON, MAY]),  # May took office on 13 July
    ("2016-07-13", MAY, None),
    ("1900", None, None),  # wholly before the timeline: nothing to choose among
])
def test_government_from_date_and_its_precision(labeller, date, government, candidates) -> None:
    document = labeller.label(_doc(date=date, country="GB"))
    assert document.government == government
    assert document.meta.get("government_candidates") == candidates


def test_source_label_decides_a_year_that_spans_two_governments(labeller) -> None:
    """A field mapping that names the government settles a year-only date; a wrong one does not."""
    chosen = labeller.label(_doc(date="1945", country="GB", government=ATTLEE))
    assert (chosen.government, chosen.source_government) == (ATTLEE, ATTLEE)
    outside = labeller.label(_doc(date="1945", country="GB", government=COALITION))
    assert outside.government is None
    assert outside.meta["government_disagreement"] == {"source_government": COALITION, "by_date": None}


@pytest.mark.parametrize(("label", "date", "government", "disagreement"), [
    ("2010 to 2015 Conservative and Liberal Democrat coalition government", "2014-04-30", COALITION, None),
    ("2015 Conservative government", "2016-02-02", CAMERON, None),
    ("2015 Conservative government", "2016-12-19", MAY, None),  # GOV.UK's label also covers May's year
    ("2015 conservative  GOVERNMENT", "2016-12-19", MAY, None),  # spacing and case do not matter
    ("2015 Conservative government", "2014-01-10", COALITION,
     {"source_government": "2015 Conservative government", "by_date": COALITION}),
    ("2015 Conservative government", None, None, None),  # two candidates and no date: none chosen
    ("2010 to 2015 Conservative and Liberal Democrat coalition government", None, COALITION, None),
    ("Some label no table knows", "2016-12-19", MAY, None),  # kept as source_government only
])
def test_source_labels_map_to_the_timeline(labeller, label, date, government, disagreement) -> None:
    document = labeller.label(_doc(date=date, country="GB", source_government=label))
    assert document.government == government
    assert document.source_government == label
    assert document.meta.get("government_disagreement") == disagreement


def test_user_government_aliases_extend_and_replace_the_packaged_table() -> None:
    timelines = Timelines.packaged()
    aliases = GovernmentAliases.load({"Attlee ministry": ATTLEE, "2015 Conservative government": [CAMERON]},
                                     timelines=timelines)
    assert aliases.candidates("attlee ministry") == (ATTLEE,)
    assert aliases.candidates("2015 Conservative government") == (CAMERON,)
    with pytest.raises(ConfigError, match="names 'Atlee government', which no timeline has"):
        GovernmentAliases.load({"Attlee ministry": "Atlee government"}, timelines=timelines)


def test_party_keeps_the_source_value(labeller) -> None:
    document = labeller.label(_doc(party=" Conservateur ", country="GB", date="1920-02-10"))
    assert (document.party, document.source_party) == ("Conservative", "Conservateur")
    unknown = labeller.label(_doc(party="IGV", country="GB"))
    assert (unknown.party, unknown.source_party) == ("IGV", "IGV")


@pytest.mark.parametrize(("party", "kind", "role", "side"), [
    ("Labour", "debate", None, "government"),
    ("Con", "debate", None, "opposition"),
    ("Independent", "debate", None, None),      # sits on no side: never guessed
    (None, "debate", None, None),
    ("Labour", "debate", "chair", None),        # the chair sits on no side whatever the party
    ("Labour", "speech", None, None),           # only debates, where both sides speak, get a side
])
def test_a_debate_speech_with_a_party_gets_its_side_that_day(labeller, party, kind, role, side) -> None:
    # A CSV of Commons speeches gave parties but no sides, so trends by government could not tell
    # the government's speeches from the opposition's.
    document = labeller.label(_doc(party=party, kind=kind, role=role, country="GB", date="2009-10-27"))
    assert document.side == side


# ------------------------------------------------------------------------ real corpora

MANIFESTO_UNLABELLED = {"1945": 3, "1951": 3, "1955": 2, "1964": 3, "1970": 3, "1974": 3, "1979": 3, "1997": 16}
"""Years of the manifestos file in which the government changed (or, for 1945, which began before
the packaged timeline): every manifesto of those years is left without a government."""


def _unlabelled_by_year(corpus) -> dict[str, int]:
    rows = corpus.store.conn.execute(
        "SELECT substr(date, 1, 4), COUNT(*) FROM documents WHERE government IS NULL GROUP BY 1 ORDER BY 1")
    return {year: count for year, count in rows}


def test_year_only_manifestos_get_no_government_when_the_year_spans_two(tmp_path: Path) -> None:
    path = shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        # every row, the 1959 Labour copy of the Conservative text too: this tests the labels
        report = corpus.collect_files([path], kind="manifesto", allow_duplicates=True)
        assert (report.collected, report.failed) == (101, 0)
        conn = corpus.store.conn
        assert [tuple(r) for r in conn.execute("SELECT date_precision, COUNT(*) FROM documents GROUP BY 1")] == [("year", 101)]
        assert _unlabelled_by_year(corpus) == MANIFESTO_UNLABELLED
        assert conn.execute("SELECT COUNT(*) FROM documents WHERE government IS NOT NULL").fetchone()[0] == 65
        labelled = dict(conn.execute("SELECT substr(date, 1, 4), government FROM documents "
                                     "WHERE government IS NOT NULL GROUP BY 1"))
        assert labelled == {"1950": ATTLEE, "1959": "Macmillan government (1957–1963)",
                            "1966": "Wilson government (1964–1970)", "1983": "Thatcher government (1979–1990)",
                            "1987": "Thatcher government (1979–1990)", "1992": "Major government (1990–1997)",
                            "2001": "Blair government (1997–2007)", "2003": "Blair government (1997–2007)",
                            "2005": "Blair government (1997–2007)"}
        conservative_1945 = corpus.documents(party="Conservative", since="1945", until="1945")
        assert len(conservative_1945) == 1
        row = conservative_1945.iloc[0]
        assert (row["date"], row["government"]) == ("1945-01-01", None)
        meta = json.loads(conn.execute("SELECT meta FROM documents WHERE id = ?", (row["id"],)).fetchone()[0])
        assert meta["government_candidates"] == [CHURCHILL_1945, ATTLEE]


def test_year_only_manifestos_through_the_cli(tmp_path: Path, capsys) -> None:
    path = shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    corpus = str(tmp_path / "corpus")
    assert main(["--corpus", corpus, "collect", "files", str(path), "--kind", "manifesto"]) == 0
    capsys.readouterr()
    assert main(["--corpus", corpus, "docs", "--format", "json", "--since", "1945", "--until", "1945"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted((r["party"], r["government"]) for r in rows) == [("Conservative", None), ("Labour", None),
                                                                   ("Liberal", None)]
    assert main(["--corpus", corpus, "stats", "--by", "government", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["government"] is None  # no "(none)" government: a missing value, counted last
    assert rows[-1]["documents"] == sum(MANIFESTO_UNLABELLED.values()) == 36


PARTIES = {
    # file, options: the exact canonical parties after collecting, with their documents
    "throne-speeches-1911-2012.csv": ({"country": "GB"}, {"Conservative": 56, "Labour": 37, "Liberal": 12}),
    "manifesto-forewords-1900-2019.csv": (
        {"country": "GB", "fields": {"text": "foreword", "speaker": "leader_name", "date": "year"}},
        {"Conservative": 32, "Labour": 30, "Liberal": 23, "Liberal Democrats": 8, "Scottish National Party": 8,
         "UK Independence Party": 4, "Brexit Party": 1}),
    "commons-covid-2020.csv": ({"country": "GB"}, {
        "Labour": 235, "Scottish National Party": 143, "Liberal Democrats": 68, "Democratic Unionist Party": 33,
        "Plaid Cymru": 12, "Green": 1, "Alliance Party of Northern Ireland": 1}),
    "manifestos-1945-2005.jsonl": ({}, {
        "Conservative": 16, "Labour": 16, "Liberal": 9, "Liberal Democrats": 4, "Plaid Cymru": 4, "Sinn Féin": 3,
        "Ulster Unionist Party": 3, "SDP–Liberal Alliance": 2, "Communist Party": 3, "Democratic Unionist Party": 2,
        "ProLife Alliance": 2, "Third Way": 2, "UK Independence Party": 2, "Scottish National Party": 2,
        "Official Monster Raving Loony Party": 2, "Scottish Socialist Party": 2, "National Democrats": 1,
        "Alliance Party of Northern Ireland": 1, "Progressive Unionist Party": 1, "Socialist Equality Party": 1,
        "Scottish Green": 1, "Democratic Party (UK)": 1, "Left Alliance": 1, "Scottish Conservatives": 1,
        "Scottish Labour": 1, "Scottish Liberal Democrats": 1, "Stuckist Party": 1, "British National Party": 1,
        "Community Action Party": 1, "English Democrats": 1, "English Independence Party": 1,
        "Free Scotland Party": 1, "Forward Wales": 1, "Green": 1, "Mebyon Kernow": 1, "Peace Party": 1,
        "Protest Vote Party": 1, "Respect": 1, "Socialist Party": 1, "Social Democratic and Labour Party": 1,
        "Veritas": 1,
        "IGV": 1, "RT": 1}),  # not known for sure (Independent Green Voice? Richard Taylor?): kept as given
}


@pytest.mark.parametrize("name", sorted(PARTIES))
def test_each_party_value_of_the_real_corpora_maps_to_one_name(tmp_path: Path, name: str) -> None:
    path = shared_data("corpora", "uk", name)
    options, expected = PARTIES[name]
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        report = corpus.collect_files([path], allow_duplicates=True, **options)  # every row's party
        assert report.failed == 0
        parties = dict(corpus.store.conn.execute("SELECT party, COUNT(*) FROM documents GROUP BY 1"))
        raw = corpus.store.conn.execute("SELECT COUNT(*) FROM documents WHERE source_party IS NULL").fetchone()[0]
    assert parties == expected
    assert raw == 0  # every document keeps the value its source gave


def test_parlee_parties_through_the_cli(tmp_path: Path, capsys) -> None:
    """ParlEE's codes (Con, LibDem, PlaidCymru, GPEW, APNI…) map; its missing-value 'NA' is no party (R's NA)."""
    path = shared_data("corpora", "uk", "parlee-commons-2009-2014.csv")
    corpus = str(tmp_path / "corpus")
    assert main(["--corpus", corpus, "collect", "files", str(path), "--country", "GB",
                 "--encoding", "latin-1", "--allow-duplicates"]) == 0  # every row's party
    capsys.readouterr()
    with policytext.open_corpus(corpus) as opened:
        parties = dict(opened.store.conn.execute("SELECT party, COUNT(*) FROM documents GROUP BY 1"))
        governments = dict(opened.store.conn.execute("SELECT government, COUNT(*) FROM documents GROUP BY 1"))
    assert parties == {"Conservative": 2583, "Labour": 2004, "Liberal Democrats": 501, "Democratic Unionist Party": 141,
                       "Scottish National Party": 103, "Plaid Cymru": 51, None: 48,
                       "Social Democratic and Labour Party": 28, "Green": 15, "Independent": 14,
                       "Alliance Party of Northern Ireland": 8}
    assert governments == {"Brown government (2007–2010)": 1088, COALITION: 4408}


def test_throne_speeches_before_the_timeline_have_no_government(tmp_path: Path) -> None:
    path = shared_data("corpora", "uk", "throne-speeches-1911-2012.csv")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([path], country="GB")
        conn = corpus.store.conn
        unlabelled = conn.execute("SELECT COUNT(*), MIN(date), MAX(date) FROM documents WHERE government IS NULL").fetchone()
        assert tuple(unlabelled) == (36, "1911-02-06", "1944-11-29")
        assert conn.execute("SELECT COUNT(*) FROM documents WHERE government = '(none)'").fetchone()[0] == 0


def test_user_aliases_in_policytext_toml(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "policytext.toml").write_text(
        '[government_aliases]\n"Attlee ministry" = "Attlee government (1945–1951)"\n'
        '[party_aliases]\n"Lab." = "Labour"\n', encoding="utf-8")
    source = tmp_path / "speeches.jsonl"
    source.write_text(json.dumps({"text": "We shall build.", "date": "1945", "government": "Attlee ministry",
                                  "party": "Lab.", "country": "GB"}) + "\n", encoding="utf-8")
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_files([source])
        row = corpus.documents().iloc[0]
    assert (row["government"], row["party"], row["date"]) == (ATTLEE, "Labour", "1945-01-01")


def test_a_user_alias_to_no_timeline_is_an_error(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "policytext.toml").write_text('[government_aliases]\n"Attlee ministry" = "Atlee government"\n',
                                            encoding="utf-8")
    source = tmp_path / "a.txt"
    source.write_text("A speech.\n", encoding="utf-8")
    assert main(["--corpus", str(folder), "collect", "files", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: government alias 'Attlee ministry' names 'Atlee government', which no timeline has.")


def test_retag_gives_a_year_only_manifesto_its_government_under_canonical_names(tmp_path: Path, capsys) -> None:
    """The user settles what the year cannot: the 1945 Labour manifesto preceded Attlee's government."""
    path = shared_data("corpora", "uk", "manifestos-1945-2005.jsonl")
    corpus = str(tmp_path / "corpus")
    assert main(["--corpus", corpus, "-q", "collect", "files", str(path), "--kind", "manifesto"]) == 0
    code = main(["--corpus", corpus, "retag", "--party", "Labour", "--since", "1945", "--until", "1945",
                 "--set", "government=Atlee government", "--yes"])
    assert code == 1
    assert capsys.readouterr().err.startswith("Error: cannot set the government 'Atlee government': no timeline "
                                              "has a government of that name.")
    with policytext.open_corpus(corpus) as opened:
        report = opened.retag({"government": CHURCHILL_1945, "party": "Tory"}, party="Conservative",
                              since="1945", until="1945")
        assert (report.matched, report.changed) == (1, 1)
        with pytest.raises(ConfigError, match="it stands for several"):
            opened.retag({"government": "2015 Conservative government"}, party="Labour", since="1945", until="1945")
    code = main(["--corpus", corpus, "retag", "--party", "Labour", "--since", "1945", "--until", "1945",
                 "--set", f"government={ATTLEE}", "--yes"])
    assert code == 0
    capsys.readouterr()
    with policytext.open_corpus(corpus) as opened:
        assert _unlabelled_by_year(opened) == {**MANIFESTO_UNLABELLED, "1945": 1}
        rows = opened.documents(since="1945", until="1945")
        assert sorted(zip(rows["party"], rows["government"].fillna("-"))) == [
            ("Conservative", CHURCHILL_1945), ("Labour", ATTLEE), ("Liberal", "-")]


def test_forewords_dated_1_january_in_their_year_column_are_years_not_new_years_day(tmp_path: Path) -> None:
    """The forewords file fills 'year' with 01/01/YYYY when it knows only the year: 1955's manifestos
    (May, under Eden) must not be labelled with Churchill, who governed on 1 January 1955."""
    path = shared_data("corpora", "uk", "manifesto-forewords-1900-2019.csv")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        report = corpus.collect_files([path], **PARTIES[path.name][0])
        rows = corpus.store.conn.execute(
            "SELECT substr(date, 1, 4), date_precision, government, COUNT(*) FROM documents "
            "WHERE substr(date, 1, 4) IN ('1945', '1950', '1955', '1966', '1997', '2010') GROUP BY 1, 2, 3").fetchall()
        placeholders = corpus.store.conn.execute(
            "SELECT COUNT(*) FROM documents WHERE json_extract(meta, '$.date_given') LIKE '01/01/%'").fetchone()[0]
    assert report.failed == 0 and report.collected == 106
    assert placeholders == 48
    assert [n.reason for n in report.notices if "1 January" in n.reason] == [
        "48 date(s) in a column named 'year' fell on 1 January and were read as the year alone (kept in meta "
        "'date_given'); map a column with full dates with -f date=COLUMN if there is one"]
    assert [tuple(r) for r in rows] == [
        ("1945", "year", None, 3),  # Churchill's caretaker government, then Attlee: no guess
        ("1950", "year", "Attlee government (1945–1951)", 3),  # one government all year
        ("1955", "year", None, 3),
        ("1966", "year", "Wilson government (1964–1970)", 3),
        ("1997", "day", "Major government (1990–1997)", 4),  # 01/05/1997 is election day, not a placeholder
        ("2010", "day", "Brown government (2007–2010)", 5),  # 6 May 2010: Brown was still in office
    ]


def test_labels_of_real_days_are_the_same_from_a_labeller_that_remembers_dates(labeller) -> None:
    """The labeller remembers each date's labels; a real day's speeches label as if worked out anew.

    Each speech (two real Hansard days, then hand-made documents with year-only dates and source
    governments that disagree) is labelled by a labeller that has seen the dates before and by a
    fresh one; every field and the meta must be equal, and no two documents share a meta dict.
    """
    from dataclasses import fields

    from policytext.collect.hansard import day_outcomes, parse_day

    documents = []
    for name in ("debates2023-03-28d.xml", "debates2009-10-27d.xml"):
        day = parse_day(shared_data("parliament", name).read_bytes(), item=name)
        documents += [o for o in day_outcomes(day) if isinstance(o, Document)]
    documents += [_doc(date=date, country="GB", government=government, party=party,
                       meta={"government_disagreement": "stale", "kept": True})
                  for date, government, party in [("1945", None, "Con"), ("2010", "Cameron", "Lab"),
                                                  ("2016-07", None, None), ("2014-01-10", "2015 Conservative government", "LD"),
                                                  ("2014-01-10", "2015 Conservative government", "LD"), ("Spring 1945", None, None),
                                                  (None, "Major", None)]]
    assert len(documents) > 700
    shared = Labeller(labeller.timelines, labeller.government_aliases, labeller.party_aliases)
    for document in documents:
        shared.label(document)  # every date seen once
    names = [f.name for f in fields(Document)]
    labelled = []
    for document in documents:
        fresh = Labeller(labeller.timelines, labeller.government_aliases, labeller.party_aliases).label(document)
        again = shared.label(document)
        assert [getattr(again, n) for n in names] == [getattr(fresh, n) for n in names]
        assert again.meta == fresh.meta and again.meta is not document.meta
        labelled.append(again)
    # the stale note is dropped, a disagreement noted, each document with its own copy of it
    early = [d for d in labelled if d.source_government == "2015 Conservative government"]
    assert early[0].meta["government_disagreement"] == {"source_government": "2015 Conservative government",
                                                        "by_date": COALITION}
    early[0].meta["government_disagreement"]["by_date"] = "changed"
    assert early[1].meta["government_disagreement"]["by_date"] == COALITION
    assert shared.label(early[1]).meta["government_disagreement"]["by_date"] == COALITION
    assert {d.government for d in labelled if d.date == "2023-03-28"} == {
        labeller.timelines.government_for("GB", "2023-03-28").name}


def _debate_csv(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "debates.csv"
    path.write_text("speaker,party,date,text\n" + rows, encoding="utf-8")
    return path


def test_retag_of_party_gives_a_debate_speech_the_side_of_its_new_party(tmp_path: Path) -> None:
    """The side of a debate speech follows from its party on the day: a retag of the party must move it
    (it stayed 'opposition' for a Conservative in 2012, so --side and --by side counted her wrongly)."""
    path = _debate_csv(tmp_path, "Jane Doe,Labour,2012-01-10,The Government has lost the trust of the country.\n")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([path], kind="debate", country="GB")
        assert list(corpus.documents()[["party", "side"]].itertuples(index=False)) == [("Labour", "opposition")]
        plan = corpus.retag({"party": "Conservative"}, all_documents=True, dry_run=True)
        assert dict(plan.by_field) == {"party": 1, "side": 1}
        report = corpus.retag({"party": "Conservative"}, all_documents=True)
        assert (report.changed, dict(report.by_field)) == (1, {"party": 1, "side": 1})
        assert list(corpus.documents()[["party", "side"]].itertuples(index=False)) == [("Conservative", "government")]
        corpus.retag({"party": ""}, all_documents=True)
        row = corpus.store.conn.execute("SELECT party, side, json_extract(meta, '$.side_unknown') "
                                        "FROM documents").fetchone()
        assert tuple(row) == (None, None, "no party on the day")
        corpus.retag({"party": "Lab"}, all_documents=True)
        row = corpus.store.conn.execute("SELECT party, side, json_extract(meta, '$.side_unknown') "
                                        "FROM documents").fetchone()
        assert tuple(row) == ("Labour", "opposition", None)


def test_retag_of_party_reads_aliases_in_the_documents_country_and_date(tmp_path: Path) -> None:
    """US 'D' is the Democratic party when collected; a retag to 'D' stored 'D', a second party."""
    path = _debate_csv(tmp_path, "Joe Smith,Democratic,2012-03-01,A speech about trust and more words.\n"
                                 "Ann Jones,Republican,2012-03-02,Another speech about other matters.\n")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([path], kind="speech", country="US")
        report = corpus.retag({"party": "D"}, speaker="Ann")
        assert (report.changed, dict(report.by_field)) == (1, {"party": 1})
        assert sorted(corpus.documents()["party"]) == ["Democratic", "Democratic"]
        assert corpus.retag({"party": "D"}, speaker="Joe").changed == 0
