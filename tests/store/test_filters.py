"""The shared filter vocabulary, turned into SQL conditions."""
from __future__ import annotations

import ast
import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given

import policytext
from policytext.errors import BadQuery, UnknownOption
from policytext.store.filters import DocumentFilter, normalise_date_bound, strict_options
from strategies import DATE_BOUNDS, QUICK

PACKAGE = Path(policytext.__file__).parent


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"since": "2010", "until": "2015-02"}, ("2010-01-01", "2015-02-28")),
        ({"since": "2016-02-29"}, ("2016-02-29", None)),
        ({"until": "2016-02"}, (None, "2016-02-29")),
    ],
)
def test_date_bounds(options, expected) -> None:
    filter_ = DocumentFilter.from_options(**options)
    assert (filter_.since, filter_.until) == expected


def test_speaker_matches_part_of_a_name_with_like_characters_escaped() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE documents (speaker TEXT, other TEXT)")
    conn.executemany("INSERT INTO documents VALUES (?, ?)",
                     [("John F. Kennedy", "A_B"), ("Ann 100% Lee", "Kennedy"), ("AxB", None)])

    def speakers(filter_: DocumentFilter, **kwargs) -> list[str]:
        where, params = filter_.where("documents", **kwargs)
        return [r[0] for r in conn.execute(f"SELECT speaker FROM documents WHERE {where} ORDER BY 1", params)]

    assert speakers(DocumentFilter(speaker="kennedy")) == ["John F. Kennedy"]
    assert speakers(DocumentFilter(speaker="100%")) == ["Ann 100% Lee"]
    assert speakers(DocumentFilter(speaker="Kennedy"), speaker_column="documents.other") == ["Ann 100% Lee"]
    assert speakers(DocumentFilter(speaker="A_B"), speaker_column="documents.other") == ["John F. Kennedy"]


@pytest.mark.parametrize("speaker, expected", [
    ("Smith", ["Jane Smith"]),  # Smith's lawyer is not Smith
    ("lawyer", ["Smith's lawyer"]),
    ("Smith's", ["Smith's lawyer"]),  # asked with the possessive: the description
    ("Tyre", []),
    ("mother", ["Tyre’s mother"]),
    ("Prime Minister", ["Prime Minister's Office"]),  # a name with a possessive is matched as before
    ("Macy", ["Macy's Inc"]),
])
def test_a_speaker_described_by_a_possessor_is_not_the_possessor(speaker, expected) -> None:
    from policytext.store.filters import speaker_condition, speaker_matches

    names = ["Jane Smith", "Smith's lawyer", "Tyre’s mother", "Prime Minister's Office", "Macy's Inc"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE quotes (speaker TEXT)")
    conn.executemany("INSERT INTO quotes VALUES (?)", [(name,) for name in names])
    clause, params = speaker_condition("speaker", speaker)
    assert [r[0] for r in conn.execute(f"SELECT speaker FROM quotes WHERE {clause} ORDER BY rowid", params)] == expected
    assert [name for name in names if speaker_matches(name, speaker)] == expected


def test_bad_month() -> None:
    with pytest.raises(BadQuery, match="'2015-13' is not a valid month"):
        DocumentFilter.from_options(since="2015-13")


# ---------------------------------------------------------------------------- one closed vocabulary


def test_an_unknown_filter_name_is_refused_with_the_known_ones() -> None:
    # it used to be dropped, so a typo selected the whole corpus
    with pytest.raises(UnknownOption) as caught:
        DocumentFilter.from_options(goverment="Reagan")
    assert str(caught.value) == ("unknown filter 'goverment' (did you mean 'government'?); known: speaker, "
                                 "party, government, kind, source, country, role, side, post, since, until, limit")
    assert isinstance(caught.value, BadQuery) and isinstance(caught.value, TypeError)


def test_every_unknown_name_is_named_and_a_far_one_gets_no_suggestion() -> None:
    with pytest.raises(UnknownOption, match=r"^unknown filters 'spekaer' \(did you mean 'speaker'\?\), "
                                            r"'hue'; known: speaker,"):
        DocumentFilter.from_options(spekaer="Reagan", hue="red", party=None)


def test_strict_options_names_the_function_and_its_own_options() -> None:
    @strict_options
    def count(corpus, *, words: bool = False, limit: int | None = None, **filters):
        return filters

    assert count(None, words=True, speaker="Kennedy", limit=3) == {"speaker": "Kennedy"}
    with pytest.raises(UnknownOption) as caught:
        count(None, word=True)
    assert str(caught.value) == ("unknown filter 'word' (did you mean 'words'?); known: speaker, party, "
                                 "government, kind, source, country, role, side, post, since, until, limit; other options "
                                 "of count: words")


def test_strict_options_without_filters_and_passed_on() -> None:
    @strict_options
    def search(corpus, query, *, within="sentences", since=None):
        return within

    @strict_options(like=search)
    def frame(corpus, query, **options):
        return search(corpus, query, **options)

    assert frame(None, "q", within="quotes") == "quotes"
    for call in (lambda: search(None, "q", sinse="1990"), lambda: frame(None, "q", sinse="1990")):
        with pytest.raises(UnknownOption) as caught:
            call()
        assert str(caught.value).startswith("unknown option 'sinse' (did you mean 'since'?); known options of ")
        assert str(caught.value).endswith(": within, since")


def _functions_taking_filters() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.args.kwarg is not None \
                    and node.args.kwarg.arg == "filters":
                found.append((f"{path.relative_to(PACKAGE)}:{node.name}", node))
    return found


# Edits choose documents with their own closed vocabulary (no limit: an edit applies to every
# match), checked by store.edits.select_documents, which these pass their filters to.
CHECKED_ELSEWHERE = {"corpus.py:delete", "corpus.py:retag", "store/edits.py:select_documents"}


def test_every_function_taking_filters_checks_their_names() -> None:
    """A function with ``**filters`` that is not @strict_options would let a typo widen a selection."""
    found = _functions_taking_filters()
    assert len(found) >= 15  # corpus, export, summaries, analyse: the scan sees them
    unchecked = [where for where, node in found if where not in CHECKED_ELSEWHERE
                 and not any("strict_options" in ast.unparse(decorator) for decorator in node.decorator_list)]
    assert unchecked == []


# ---------------------------------------------------------------------------- dates, one place


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("1990", False, "1990-01-01"),
        ("1990", True, "1990-12-31"),
        (" 2016-02 ", True, "2016-02-29"),
        ("1900-02", True, "1900-02-28"),
        ("9999-12", True, "9999-12-31"),  # used to overflow computing the next month
        ("9999", True, "9999-12-31"),
        ("0001-01", False, "0001-01-01"),
        ("2016-02-29", True, "2016-02-29"),
        (1961, False, "1961-01-01"),  # a number is a year
        (5, True, "0005-12-31"),
        (dt.date(1962, 1, 11), True, "1962-01-11"),
    ],
)
def test_normalise_date_bound(value, end, expected) -> None:
    assert normalise_date_bound(value, end=end) == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"until": "\u0661\u0669\u0669\u0660"},  # Arabic-Indic 1990: \d took it, and no stored date matched
         "until='١٩٩٠' is written with digits other than 0-9: use YYYY, YYYY-MM or YYYY-MM-DD in the digits 0-9"),
        ({"since": "१९९०-०१"}, "since='१९९०-०१' is written with digits other than 0-9"),
        ({"until": "0000-05"}, "until='0000-05' is out of range: years run from 0001 to 9999"),
        ({"since": "0000-05"}, "since='0000-05' is out of range: years run from 0001 to 9999"),
        ({"since": "0000"}, "since='0000' is out of range"),
        ({"until": 10000}, "until=10000 is out of range: years run from 1 to 9999"),
        ({"since": 0}, "since=0 is out of range"),
        ({"since": "10000"}, "since='10000' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"since": "2015-02-29"}, "since='2015-02-29' is not a valid day: February 2015 has 28 days"),
        ({"until": "2015-13"}, "until='2015-13' is not a valid month"),
        ({"since": "20150101"}, "since='20150101' is not a date"),  # no guessing at other ISO forms
        ({"since": "2015-W01-1"}, "since='2015-W01-1' is not a date"),
        ({"since": dt.datetime(2015, 1, 1, 12)}, "since=datetime.datetime(2015, 1, 1, 12, 0) is a date and time: give a date"),
        ({"since": 1990.5}, "since=1990.5 is not a date"),
        ({"since": True}, "since=True is not a date"),
        ({"limit": "ten"}, "limit must be a whole number, not 'ten'"),
        ({"limit": 2.5}, "limit must be a whole number, not 2.5"),
        ({"limit": -1}, "limit must be zero or more, not -1"),
        ({"limit": 2**64}, "limit must be at most 9223372036854775807"),
        ({"speaker": 5}, "speaker must be text, not 5"),
        ({"party": "Lab\ud800"}, "party holds a character that is not valid text (U+D800"),
    ],
)
def test_bad_filter_values_are_bad_queries(options, message) -> None:
    with pytest.raises(BadQuery) as caught:
        DocumentFilter.from_options(**options)
    assert str(caught.value).startswith(message)


def test_unset_values_and_whole_number_strings() -> None:
    assert DocumentFilter.from_options(speaker=None, since="", limit="7") == DocumentFilter(limit=7)


@QUICK
@given(since=DATE_BOUNDS, until=DATE_BOUNDS)
def test_date_filters_take_any_input_and_give_a_filter_or_bad_query(since, until) -> None:
    try:
        filter_ = DocumentFilter.from_options(since=since, until=until)
    except BadQuery:
        return  # the one error allowed; the cases above pin what each message says
    for bound in (filter_.since, filter_.until):
        if bound is not None:  # a real ISO date the store's dates compare with as text
            assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", bound, flags=re.ASCII)
            assert dt.date.fromisoformat(bound).isoformat() == bound
    if filter_.since and filter_.until and since == until:
        assert filter_.since <= filter_.until  # a year or month as both bounds covers it whole


def test_a_party_is_found_by_its_canonical_name_or_any_label_its_sources_gave(tmp_path: Path) -> None:
    # Collected labels become one canonical party ("Con", "Tory" -> Conservative); a user who types
    # a source's label must find the whole party, not nothing and not only the rows spelt that way.
    source = tmp_path / "speeches.csv"
    source.write_text("id,date,party,text\n1,2012-03-01,Con,One.\n2,2012-03-02,Conservative,Two.\n"
                      "3,2012-03-03,TORY,Three.\n4,2012-03-04,Lab,Four.\n5,2012-03-05,Labour,Five.\n",
                      encoding="utf-8")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([source], country="GB")
        counts = {value: len(corpus.documents(party=value)) for value in
                  ("Conservative", "conservative", "Con", "Tory", "Lab", "Labour")}
        for absent in ("Liberal", "Green"):  # no document has them: refused, not an empty answer
            with pytest.raises(BadQuery, match=f"no document has party '{absent}'"):
                corpus.documents(party=absent)
    assert counts == {"Conservative": 3, "conservative": 3, "Con": 3, "Tory": 3, "Lab": 2, "Labour": 2}


@pytest.fixture
def small_corpus(tmp_path: Path):
    source = tmp_path / "speeches.csv"
    source.write_text("id,date,party,speaker,kind,text\n"
                      "1,2012-03-01,Democratic,Barack Obama,speech,One.\n"
                      "2,2012-03-02,Republican,Ann Widdecombe,statement,Two.\n"
                      "3,2012-03-03,Republican,Danny Kruger,speech,Three.\n"
                      "4,2012-03-04,Democratic,Anne-Marie Trevelyan,speech,Four.\n", encoding="utf-8")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([source], country="US")
        yield corpus


@pytest.mark.parametrize(("options", "message"), [
    ({"party": "Democrat"}, r"^no document has party 'Democrat'; parties in this corpus: Democratic, Republican "
                            r"\(did you mean Democratic\?\)$"),
    ({"party": "GOP"}, r"^no document has party 'GOP'; parties in this corpus: Democratic, Republican$"),
    ({"kind": "speeches"}, r"^no document has kind 'speeches'; kinds in this corpus: speech, statement "
                           r"\(did you mean speech\?\)$"),
    ({"speaker": "Obmaa"}, r"^no speaker in this corpus matches 'Obmaa' .*did you mean Barack Obama\?$"),
    ({"speaker": "nny"}, r"^no speaker in this corpus matches 'nny'"),
    ({"post": "Cabinet"}, r"^no document has post 'Cabinet'; posts in this corpus: none$"),  # no speaker held one
])
def test_a_value_no_document_has_is_refused_with_the_closest(small_corpus, options, message) -> None:
    with pytest.raises(BadQuery, match=message):
        small_corpus.documents(**options)
    with pytest.raises(BadQuery, match=message):
        small_corpus.count_documents(**options)


def test_a_value_present_but_excluded_by_other_filters_gives_an_empty_answer(small_corpus) -> None:
    assert len(small_corpus.documents(party="Democratic", kind="statement")) == 0
    assert len(small_corpus.documents(speaker="Obama", since="2013")) == 0


def test_speaker_matches_at_the_start_of_a_word(small_corpus) -> None:
    def speakers(name: str) -> list[str]:
        return sorted(small_corpus.documents(speaker=name)["speaker"])

    assert speakers("Ann") == ["Ann Widdecombe", "Anne-Marie Trevelyan"]  # not Danny Kruger
    assert speakers("danny") == ["Danny Kruger"]
    assert speakers("Marie") == ["Anne-Marie Trevelyan"]
    assert speakers("obama") == ["Barack Obama"]


@pytest.mark.parametrize(("since", "until"), [("2020", "2010"), ("2012-03-02", "2012-03-01"), ("2012-04", "2012-03")])
def test_since_after_until_is_refused(since, until) -> None:
    with pytest.raises(BadQuery, match=r"^--since is after --until"):
        DocumentFilter.from_options(since=since, until=until)
    assert DocumentFilter.from_options(since=until, until=until).until  # one day or year is fine


def test_side_is_government_or_opposition_and_anything_else_is_refused() -> None:
    assert DocumentFilter.from_options(side=" Opposition ").side == "opposition"
    assert DocumentFilter.from_options(side="government").where("d") == ("d.side = ? COLLATE NOCASE", ["government"])
    for bad in ("goverment", "coalition"):
        with pytest.raises(BadQuery, match=f"^side must be government or opposition, not '{bad}'$"):
            DocumentFilter.from_options(side=bad)


@pytest.mark.parametrize("unknown", ["unknown", "Unknown", "none"])
def test_an_unknown_side_is_refused_saying_why_it_is_no_filter_value(unknown) -> None:
    """Documents can have no side (NULL): the error says so instead of only listing the two sides."""
    with pytest.raises(BadQuery, match=f"^side must be government or opposition, not '{unknown}': a document whose "
                                       "side is unknown .* has no side, and no value selects it by side; leave out "
                                       "the side filter"):
        DocumentFilter.from_options(side=unknown)


def test_the_closest_names_come_from_a_name_or_a_word_of_it() -> None:
    """The suggestions of UnknownValue, which the CLI prints and the search page links."""
    from policytext.store.filters import _closest

    speakers = ["Ronald Reagan", "John F. Kennedy", "Donald J. Trump", "Joseph R. Biden"]
    assert _closest("Regan", speakers) == ["Ronald Reagan"]
    assert _closest("kenedy", speakers) == ["John F. Kennedy"]
    assert _closest("Churchill", speakers) == [] and _closest("  ", speakers) == []


def test_a_date_known_only_to_the_year_or_month_is_in_a_period_only_when_all_of_it_is(tmp_path: Path) -> None:
    """A manifesto dated '2010' is stored as 1 January: --until 2010-03 took it in and --since
    2010-06 left it out, a guess either way (it may be from May or December). As with its
    government, a document is in a period when its whole date is."""
    path = tmp_path / "dated.csv"
    path.write_text("speaker,date,text\nA Year,2010,Year only words about trust.\n"
                    "B Month,2010-11,Month only words about taxes.\nC Day,2010-11-20,Day words about schools.\n",
                    encoding="utf-8")
    with policytext.open_corpus(tmp_path / "corpus", create=True) as corpus:
        corpus.collect_files([path], country="GB")

        def speakers(**filters) -> list[str]:
            return sorted(corpus.documents(**filters)["speaker"])

        assert speakers(until="2010-03") == []
        assert speakers(since="2010-06") == ["B Month", "C Day"]
        assert speakers(until="2010-11-10") == []
        assert speakers(until="2010-11-30") == ["B Month", "C Day"]
        assert speakers(since="2010-11-15") == ["C Day"]
        assert speakers(since="2010", until="2010") == ["A Year", "B Month", "C Day"]
        assert speakers(until="2010-12-31") == ["A Year", "B Month", "C Day"]
        assert corpus.delete(until="2010-11-10", dry_run=True).documents == 0
