"""Searching a real corpus (State of the Union 1961-1963): the right address, marked, in context, cited."""
from __future__ import annotations

from importlib import metadata

import re
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policytext.errors import BadQuery, UnknownOption
from policytext.search import HIT_COLUMNS, SEARCH_TARGETS, search_corpus, search_frame
from policytext.search.hits import query_errors
from policytext.search.citations import format_date
from policytext.search.marking import read_marks
from policytext.search.results import SearchResult
from strategies import DATE_BOUNDS, QUERIES, QUICK

CONTRACT = {"text", "highlighted", "doc_id", "title", "speaker", "date", "url", "start", "end", "citation"}


def _document_text(corpus, doc_id: str) -> str:
    return corpus.store.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]


def test_phrase_finds_its_address_president_and_date(sotu) -> None:
    result = search_corpus(sotu, '"new frontier of science"')
    assert result.total == 1
    hit = result.hits[0]
    assert hit.speaker == "John F. Kennedy"
    assert hit.date == "1962-01-11"
    assert hit.title == "State of the Union address"  # what it is: the sotu package gives no titles
    assert hit.url.startswith("https://www.presidency.ucsb.edu/")
    assert "«new frontier of science»" in hit.highlighted.replace("» «", " ")
    collected = sotu.store.conn.execute("SELECT collected_at FROM documents WHERE id = ?", (hit.doc_id,)).fetchone()[0]
    assert hit.citation == (
        "John F. Kennedy, State of the Union address, "
        f"The American Presidency Project (UC Santa Barbara), 11 January 1962, {hit.url}; "
        f"text from the sotu Python package {metadata.version('sotu')}, collected {format_date(collected[:10])}")
    text = _document_text(sotu, hit.doc_id)
    assert text[hit.start:hit.end] == hit.text
    assert CONTRACT <= set(hit.to_dict())


def test_marks_point_at_the_matched_words_and_context_is_the_neighbouring_sentences(sotu) -> None:
    hit = search_corpus(sotu, "astronaut", limit=1).hits[0]
    assert [hit.text[s:e].lower() for s, e in hit.marks] == ["astronaut"]
    neighbours = sotu.store.conn.execute(
        "SELECT s2.text FROM sentences s JOIN sentences s2 ON s2.doc_id = s.doc_id "
        "AND s2.idx IN (s.idx - 1, s.idx + 1) WHERE s.id = ? ORDER BY s2.idx", (hit.id,)).fetchall()
    assert [hit.before, hit.after] == [row[0] for row in neighbours]
    text = _document_text(sotu, hit.doc_id)
    assert text.index(hit.before) < hit.start < hit.end <= text.index(hit.after)


def test_context_is_found_when_a_documents_sentences_are_not_stored_together(sotu_path, tmp_path) -> None:
    import shutil

    from policytext.corpus import open_corpus

    shutil.copy(sotu_path / "policytext.db", tmp_path / "policytext.db")
    with open_corpus(tmp_path) as corpus:
        with corpus.store.transaction() as conn:  # every other sentence moves far away (triggers reindex)
            conn.execute("UPDATE sentences SET id = id + 1000000 WHERE idx % 2 = 1")
        for query in ("astronaut", "moon"):
            for hit in search_corpus(corpus, query, limit=5).hits:
                neighbours = dict(corpus.store.conn.execute(
                    "SELECT idx, text FROM sentences WHERE doc_id = ? AND idx IN "
                    "(SELECT idx - 1 FROM sentences WHERE id = ? UNION SELECT idx + 1 FROM sentences WHERE id = ?)",
                    (hit.doc_id, hit.id, hit.id)).fetchall())
                idx = corpus.store.conn.execute("SELECT idx FROM sentences WHERE id = ?", (hit.id,)).fetchone()[0]
                assert (hit.before, hit.after) == (neighbours.get(idx - 1, ""), neighbours.get(idx + 1, ""))
                assert hit.before or idx == 0


def test_words_are_stemmed_and_case_folded(sotu) -> None:
    hits = search_corpus(sotu, "TAXES", limit=50).hits
    assert hits
    matched = {hit.text[s:e].lower() for hit in hits for s, e in hit.marks}
    assert "tax" in matched and "taxes" in matched  # porter: taxes -> tax


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("moon OR astronaut", lambda t: "moon" in t or "astronaut" in t),
        ("moon NOT Lindbergh", lambda t: "moon" in t and "lindbergh" not in t),
        ("communis*", lambda t: "communis" in t),
        ("NEAR(tax reduction, 3)", lambda t: re.search(r"\btax\b(\W+\w+){0,4}?\W+reduction|reduction(\W+\w+){0,4}?\W+\btax", t)),
        ("peace freedom", lambda t: "peace" in t and "freedom" in t),
    ],
)
def test_operators(sotu, query: str, check) -> None:
    result = search_corpus(sotu, query, limit=200)
    assert result.total > 0
    assert result.total == len(result.hits) or len(result.hits) == 200
    for hit in result.hits:
        assert check(hit.text.lower()), (query, hit.text)


def test_not_removes_what_it_says(sotu) -> None:
    both = search_corpus(sotu, "moon", limit=0).total
    without = search_corpus(sotu, "moon NOT Lindbergh", limit=0).total
    lindbergh = search_corpus(sotu, "moon Lindbergh", limit=0).total
    assert lindbergh >= 1 and without == both - lindbergh


def test_results_are_ranked_best_first(sotu) -> None:
    ranks = [hit.rank for hit in search_corpus(sotu, "economy OR growth", limit=30).hits]
    assert ranks == sorted(ranks)  # bm25: lower is better


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"speaker": "kennedy"}, lambda h: h.speaker == "John F. Kennedy"),
        ({"speaker": "Eisenhower"}, lambda h: h.speaker == "Dwight D. Eisenhower"),
        ({"government": "Eisenhower"}, lambda h: h.government.startswith("Eisenhower")),
        ({"party": "democratic"}, lambda h: h.party == "Democratic"),
        ({"kind": "speech"}, lambda h: h.kind == "speech"),
        ({"since": "1962", "until": "1962"}, lambda h: h.date == "1962-01-11"),
        ({"since": "1962-06"}, lambda h: h.date >= "1962-06-01"),
        ({"until": "1961-06-30"}, lambda h: h.date <= "1961-06-30"),
    ],
)
def test_filters_keep_only_matching_documents(sotu, filters, check) -> None:
    everything = search_corpus(sotu, "world OR page", limit=0).total
    result = search_corpus(sotu, "world OR page", limit=500, **filters)
    assert 0 < result.total < everything
    assert len(result.hits) == result.total
    assert all(check(hit) for hit in result.hits)


# unfiltered pages are ranked and marked by FTS5 itself, filtered ones in one counting pass: both paths
@pytest.mark.parametrize("filters", [{}, {"since": "1962"}], ids=["unfiltered", "filtered"])
def test_paging_walks_through_every_hit_once(sotu, filters) -> None:
    total = search_corpus(sotu, "nation*", limit=0, **filters).total
    assert total > 25
    seen, ranks = [], []
    for offset in range(0, total, 10):
        page = search_corpus(sotu, "nation*", limit=10, offset=offset, **filters)
        assert page.total == total
        assert all(hit.marks for hit in page.hits)
        seen += [hit.id for hit in page.hits]
        ranks += [hit.rank for hit in page.hits]
    assert len(seen) == len(set(seen)) == total
    assert ranks == sorted(ranks)
    beyond = search_corpus(sotu, "nation*", limit=10, offset=total + 5, **filters)
    assert beyond.hits == () and beyond.total == total



@pytest.mark.parametrize("options", [{}, {"since": "1962"}, {"sort": "-date"}], ids=["unfiltered", "filtered", "by-date"])
def test_stream_hits_yields_the_pages_hits_in_their_order(sotu, options) -> None:
    # what the page's CSV and JSON Lines downloads stream: every hit, as search_corpus gives them page by page
    from policytext.search.hits import stream_hits

    paged = search_corpus(sotu, "nation*", limit=1000, **options)
    streamed = list(stream_hits(sotu, "nation*", batch=7, **options))
    assert paged.total > 7
    assert [(h.id, h.doc_id, h.citation) for h in streamed] == [(h.id, h.doc_id, h.citation) for h in paged.hits]

@pytest.mark.parametrize(
    ("query", "options", "message"),
    [
        ("NOT peace", {}, "NOT at character 1 needs something before it"),
        ('"open', {}, "is never closed"),
        ("peace", {"within": "speeches"}, "cannot search in 'speeches'"),
        ("peace", {"limit": 5000}, "the limit must be 0 to 1000"),
        ("peace", {"offset": -1}, "the offset must be zero or more"),
        ("peace", {"since": "last year"}, "is not a date"),
        ("peace", {"offset": 2**63}, "the offset must be at most 4,611,686,018,427,387,904"),  # was OverflowError
        # each of these was a traceback (an HTTP 500 on the page)
        ("NEAR(peace war, \u00b2)", {}, "the NEAR distance '\u00b2' at character 17 must be written with the digits 0-9"),
        ("(" * 300 + "peace" + ")" * 300, {}, "nests groups more than 20 deep"),
        ("peace\x00", {}, "character 6 is the control character U+0000"),
        ("peace", {"until": "0000-05"}, "until='0000-05' is out of range: years run from 0001 to 9999"),
        ("peace", {"until": "\u0661\u0669\u0666\u0662"}, "until='١٩٦٢' is written with digits other than 0-9"),
        ("peace", {"goverment": "Kennedy"}, "unknown option 'goverment' (did you mean 'government'?); "
                                            "known options of search_corpus: within, speaker, party, government,"),
    ],
)
def test_bad_requests_raise_bad_query(sotu, query, options, message) -> None:
    with pytest.raises(BadQuery, match=re.escape(message)):
        search_corpus(sotu, query, **options)


def test_search_frame_refuses_an_option_search_corpus_does_not_take(sotu) -> None:
    with pytest.raises(UnknownOption, match=re.escape("unknown option 'speeker' (did you mean 'speaker'?)")):
        search_frame(sotu, "peace", speeker="Kennedy")


def test_the_last_possible_month_is_a_bound_not_an_overflow(sotu) -> None:
    everything = search_corpus(sotu, "peace", limit=0).total
    assert everything > 0
    assert search_corpus(sotu, "peace", until="9999-12", limit=0).total == everything
    assert search_corpus(sotu, "peace", since="0001-01", until="9999", limit=0).total == everything


@pytest.mark.parametrize("filters", [{}, {"speaker": "Kennedy"}])
def test_a_long_run_of_words_is_searched_not_overflowed(sotu, filters) -> None:
    """160 words were nested 160 groups deep for FTS5, whose parser stack overflowed at about 33."""
    alone = search_corpus(sotu, "peace", limit=50, **filters)
    many = search_corpus(sotu, " ".join(["peace"] * 160), limit=50, **filters)
    assert alone.total > 0 and many.total == alone.total
    assert [hit.id for hit in many.hits] == [hit.id for hit in alone.hits]
    either = search_corpus(sotu, " OR ".join(["peace", "freedom"] * 40), limit=0, **filters).total
    assert either == search_corpus(sotu, "peace OR freedom", limit=0, **filters).total > alone.total


def test_an_fts5_error_becomes_a_bad_query_quoting_the_query(sotu) -> None:
    """The net under the parser: whatever FTS5 still refuses is the user's error, with their query."""
    with pytest.raises(BadQuery) as caught:
        with query_errors("peace AND"):
            sotu.store.conn.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH ?",
                                    ("peace AND",)).fetchall()
    assert str(caught.value).startswith("the index cannot run the search query 'peace AND' (fts5: syntax error")
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    with pytest.raises(sqlite3.OperationalError, match="no such function"):  # not every error is the query's
        with query_errors("peace"):
            sotu.store.conn.execute("SELECT no_such_function()").fetchall()


@QUICK
@given(query=QUERIES, since=DATE_BOUNDS, until=DATE_BOUNDS, within=st.sampled_from(SEARCH_TARGETS))
def test_any_query_and_dates_give_results_or_a_bad_query(sotu, query, since, until, within) -> None:
    """Arbitrary Unicode as the query and the dates, against the real store: results or BadQuery."""
    try:
        result = search_corpus(sotu, query, within=within, since=since, until=until, limit=5)
    except BadQuery as err:
        assert str(err)
        return
    assert isinstance(result, SearchResult) and result.total >= len(result.hits)


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("text:peace", '"text peace"'),  # no column filter: the words are searched as a phrase
        ("sentences_fts:peace", '"sentences_fts peace"'),
        ("{text} : peace", "text peace"),
        ("^peace", "peace"),  # no initial-token marker
        ("peace' OR 1=1 --", 'peace OR "1 1"'),
        ('"peace; DROP TABLE sentences; --"', '"peace drop table sentences"'),
    ],
)
def test_fts_and_sql_syntax_in_queries_is_only_text(sotu, query, same_as) -> None:
    tables = sotu.store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    result = search_corpus(sotu, query, limit=50)
    assert [h.id for h in result.hits] == [h.id for h in search_corpus(sotu, same_as, limit=50).hits]
    assert sotu.store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == tables
    assert sotu.store.conn.execute("SELECT count(*) FROM sentences").fetchone()[0] > 0


def test_a_quote_left_open_is_a_bad_query_not_sql(sotu) -> None:
    with pytest.raises(BadQuery, match="the quotation mark at character 6 is never closed"):
        search_corpus(sotu, 'peace"; DROP TABLE sentences; --')


def test_markup_in_documents_is_escaped_in_html(sotu) -> None:
    hit = search_corpus(sotu, "pwned").hits[0]
    assert "<script>" in hit.text
    assert "<script>" not in hit.highlighted_html
    assert "&lt;script&gt;alert(&#x27;<mark>pwned</mark>&#x27;)&lt;/script&gt;" in hit.highlighted_html
    assert hit.speaker == "Test Author" and hit.kind == "blog"


def test_quotes_and_claims_are_searchable(sotu) -> None:
    quote = search_corpus(sotu, '"trust people"', within="quotes").hits[0]
    assert quote.speaker == "Matthew Hancock" and quote.doc_speaker == "Test Author"
    assert quote.citation.startswith("Matthew Hancock, quoted in “Markup")
    assert quote.quote_kind == "direct"
    assert "said:" in quote.before or "Matthew Hancock said" in quote.before or quote.before
    claims = search_corpus(sotu, "billion", within="claims", speaker="Kennedy", limit=50)
    assert claims.total > 0
    assert all(h.score is not None and h.speaker == "John F. Kennedy" for h in claims.hits)


def test_search_frame_has_the_documented_columns(sotu) -> None:
    frame = search_frame(sotu, "moon", limit=3)
    assert list(frame.columns) == HIT_COLUMNS
    assert len(frame) == 3 and frame["citation"].str.contains("January").all()


@pytest.mark.parametrize("within", ["sentences", "claims"])
def test_search_frames_score_is_a_number_column(sotu, within) -> None:
    # sentences have no score: it was an object column of None, where frame.score.mean() fails
    frame = search_frame(sotu, "nation*", within=within, limit=20)
    assert len(frame) and frame["score"].dtype == float
    assert frame["score"].isna().all() if within == "sentences" else frame["score"].between(0, 1).all()


@pytest.mark.parametrize(
    "query",
    ['"new frontier"', "moon OR astronaut", "peace NOT war", "communis*", "NEAR(tax reduction, 3)",
     "(economy OR growth) AND nation*", "café OR pwned"],
)
def test_marks_are_those_fts5_gives_on_the_index(sotu, query) -> None:
    """The page is marked in a small table with the index's tokenizer: same words as the index."""
    from policytext.search import translate_query
    from policytext.search.marking import CLOSE_MARK, OPEN_MARK

    result = search_corpus(sotu, query, limit=50)
    assert result.hits
    fts = translate_query(query)
    for hit in result.hits:
        marked = sotu.store.conn.execute(
            "SELECT highlight(sentences_fts, 0, ?, ?) FROM sentences_fts WHERE sentences_fts MATCH ? AND rowid = ?",
            (OPEN_MARK, CLOSE_MARK, fts, hit.id)).fetchone()[0]
        assert hit.marks == read_marks(marked, hit.text) and hit.marks


@pytest.mark.parametrize(("query", "within"), [("tax", "sentences"), ('"trust people"', "quotes"),
                                               ("billion", "claims")])
def test_hits_are_the_records_their_constructor_makes(sotu, query, within) -> None:
    """Hits are filled in at once for speed: each must equal SearchHit(...) of its own fields."""
    from dataclasses import fields

    from policytext.search import SearchHit

    hits = search_corpus(sotu, query, within=within, limit=50).hits
    assert hits
    for hit in hits:
        values = {f.name: getattr(hit, f.name) for f in fields(SearchHit)}
        assert set(vars(hit)) == set(values)
        assert SearchHit(**values) == hit and hash(SearchHit(**values)) == hash(hit)
        with pytest.raises(AttributeError):
            hit.text = "changed"  # still frozen


@pytest.mark.parametrize(("query", "within"), [('"trust people"', "quotes"), ("billion", "claims")])
def test_quote_and_claim_context_is_the_sentences_ending_before_and_starting_after(sotu, query, within) -> None:
    hits = search_corpus(sotu, query, within=within, limit=20).hits
    assert hits
    conn = sotu.store.conn
    for hit in hits:
        before = conn.execute("SELECT text FROM sentences WHERE doc_id = ? AND end_char <= ? "
                              "ORDER BY end_char DESC LIMIT 1", (hit.doc_id, hit.start)).fetchone()
        after = conn.execute("SELECT text FROM sentences WHERE doc_id = ? AND start_char >= ? "
                             "ORDER BY start_char LIMIT 1", (hit.doc_id, hit.end)).fetchone()
        assert (hit.before, hit.after) == (before[0] if before else "", after[0] if after else "")


def test_hit_to_dict_has_every_column_in_order_and_json_values(sotu) -> None:
    for within, query in (("sentences", "moon"), ("claims", "billion"), ("quotes", '"trust people"')):
        for hit in search_corpus(sotu, query, within=within, limit=5).hits:
            data = hit.to_dict()
            assert list(data) == HIT_COLUMNS
            assert data["marks"] == [list(m) for m in hit.marks] and isinstance(data["types"], list)
            assert (data["highlighted"], data["kwic"], data["highlighted_html"]) == (
                hit.highlighted, hit.kwic, hit.highlighted_html)


@pytest.mark.parametrize("writer", ["same connection", "another connection"])
def test_claim_context_follows_a_change_of_the_sentences(sotu_path, tmp_path, writer) -> None:
    """The sentence boundaries kept between searches are dropped once the store changes."""
    import shutil
    import sqlite3

    from policytext.corpus import open_corpus

    shutil.copy(sotu_path / "policytext.db", tmp_path / "policytext.db")
    with open_corpus(tmp_path) as corpus:
        hit = search_corpus(corpus, "billion", within="claims", limit=1).hits[0]
        assert hit.before
        conn = corpus.store.conn
        before_id = conn.execute("SELECT id FROM sentences WHERE doc_id = ? AND end_char <= ? "
                                 "ORDER BY end_char DESC LIMIT 1", (hit.doc_id, hit.start)).fetchone()[0]
        if writer == "same connection":
            with corpus.store.transaction() as tx:
                tx.execute("DELETE FROM sentences WHERE id = ?", (before_id,))
        else:
            other = sqlite3.connect(tmp_path / "policytext.db")
            with other:
                other.execute("DELETE FROM sentences WHERE id = ?", (before_id,))
            other.close()
        expected = conn.execute("SELECT text FROM sentences WHERE doc_id = ? AND end_char <= ? "
                                "ORDER BY end_char DESC LIMIT 1", (hit.doc_id, hit.start)).fetchone()
        again = search_corpus(corpus, "billion", within="claims", limit=1).hits[0]
        assert again.id == hit.id
        assert again.before == (expected[0] if expected else "") != hit.before


def test_a_read_only_store_keeps_claim_context_bounds_from_page_to_page(sotu_path, tmp_path) -> None:
    """Marking's temporary table changes the connection on every page; on a read-only store that is no change."""
    import shutil

    from policytext.corpus import open_corpus

    shutil.copy(sotu_path / "policytext.db", tmp_path / "policytext.db")
    with open_corpus(tmp_path, readonly=True) as corpus:
        first = search_corpus(corpus, "billion", within="claims", limit=5).hits
        reads: list[str] = []
        corpus.store.conn.set_trace_callback(
            lambda sql: reads.append(sql) if "FROM sentences WHERE doc_id IN" in sql else None)
        again = search_corpus(corpus, "billion", within="claims", limit=5).hits
        corpus.store.conn.set_trace_callback(None)
    assert [h.before for h in again] == [h.before for h in first] and first[0].before
    assert reads == []  # the same documents' sentence bounds were not read again


# Ranking and order: a small corpus written for the test, with the fragments and headings that BM25
# used to put first on the State of the Union ("--World Heritage Trust.", "TAXES").
_RANKING_DOCS = [
    ("rank-1", "1973-02-15", "Richard Nixon", [
        ("--World Heritage Trust.", 0.10),
        ("We will restore the trust of the people in their government by keeping our word.", 0.20)]),
    ("rank-2", "1954-01-07", "Dwight D. Eisenhower", [
        ("TAXES", 0.07),
        ("Taxes on families fell by 7 percent last year, the largest cut since the war.", 0.95),
        ("A fair tax system is one that the people trust.", 0.40)]),
    ("rank-3", "2015-01-20", "Barack Obama", [
        ("Anti-trust Enforcement and Competition", 0.05),
        ("Middle-class families pay more in taxes than the companies that employ them.", 0.80),
        ("That is how we start rebuilding trust in what our institutions can do for us.", 0.30)]),
]

# Sentences on other things, so that the words searched for are rare, as in a real address.
# Sentences on other things, as long as a real address's (about 25 words), so that the words
# searched for are rare and the lengths are those BM25 compares with on the real corpus.
_FILLER = [(text, 0.0) for text in (
    "The state of our union is strong, and it is stronger tonight than it was a year ago because of the work of our people.",
    "We honor those who serve in uniform, far from home, and we owe them and their families a debt we can never fully repay.",
    "Our schools must teach every child to read and to write by the third grade, and we will give them the teachers to do it.",
    "The harvest was good across the plains this year, and the farmers who brought it in deserve markets open to what they grow.",
    "Roads and bridges link our towns and cities, and a nation that builds them well will carry its commerce into the next century.",
    "Science opens new frontiers for all of us, from the depths of the oceans to the far reaches of space and the cells of our bodies.",
)]


@pytest.fixture(scope="module")
def ranking_corpus(tmp_path_factory):
    import json

    from policytext.corpus import open_corpus
    from policytext.records import Document

    path = tmp_path_factory.mktemp("ranking")
    with open_corpus(path, create=True) as corpus:
        docs = [Document(source="test", source_id=sid, title=f"Address {date[:4]}", date=date, speaker=speaker,
                         text="\n\n".join(text for text, _ in sentences + _FILLER), kind="speech", country="US")
                for sid, date, speaker, sentences in _RANKING_DOCS]
        corpus.write(docs, stage="test")
        conn = corpus.store.conn
        with corpus.store.transaction():
            for doc, (_, _, speaker, sentences) in zip(docs, _RANKING_DOCS):
                doc_id = conn.execute("SELECT id FROM documents WHERE source_id = ?", (doc.source_id,)).fetchone()[0]
                start = 0
                for idx, (text, score) in enumerate(sentences + _FILLER):
                    conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                                 (doc_id, idx, start, start + len(text), text))
                    conn.execute("INSERT INTO claims (doc_id, start_char, end_char, text, score, types, triggers, speaker) "
                                 "VALUES (?, ?, ?, ?, ?, ?, '[]', ?)",
                                 (doc_id, start, start + len(text), text, score, json.dumps([]), speaker))
                    start += len(text) + 2
    corpus = open_corpus(path)
    yield corpus
    corpus.close()


def test_fragments_and_headings_no_longer_come_first(ranking_corpus) -> None:
    # BM25 alone ranked the three fragments first (they are short); now the sentences lead
    texts = [hit.text for hit in search_corpus(ranking_corpus, "trust").hits]
    assert set(texts[-2:]) == {"--World Heritage Trust.", "Anti-trust Enforcement and Competition"}
    assert len(texts) == 5


def test_relevance_sql_with_no_prior_is_plain_bm25(ranking_corpus) -> None:
    from policytext.search.hits import relevance_sql

    conn = ranking_corpus.store.conn
    plain = relevance_sql("t", "sentences_fts.rank", length_prior=0, heading_weight=1)
    first = conn.execute(f"SELECT t.text FROM sentences_fts JOIN sentences AS t ON t.id = sentences_fts.rowid "
                         f"WHERE sentences_fts MATCH 'trust' ORDER BY {plain} LIMIT 1").fetchone()[0]
    assert first == "--World Heritage Trust."  # the defect the priors fix


@pytest.mark.parametrize(("text", "heading"), [
    ("TAXES", True), ("Anti-trust Enforcement and Competition", True), ("--World Heritage Trust.", True),
    ("\u2022 Lower taxes.", True), ("We will cut taxes.", False), ('He said "trust me."', False),
    ("Is it fair?", False), ("(Applause.)", False),
])
def test_what_counts_as_a_heading(ranking_corpus, text, heading) -> None:
    from policytext.search.hits import relevance_sql

    weight = ranking_corpus.store.conn.execute(
        f"SELECT {relevance_sql('t', '1.0', length_prior=0, heading_weight=0.5)} FROM (SELECT ? AS text) AS t",
        (text,)).fetchone()[0]
    assert weight == (0.5 if heading else 1.0)


def test_claims_come_most_check_worthy_first_the_query_only_filtering(ranking_corpus) -> None:
    hits = search_corpus(ranking_corpus, "taxes", within="claims").hits
    assert [hit.score for hit in hits] == [0.95, 0.80, 0.40, 0.07]  # "TAXES" (0.07) used to come first
    by_relevance = search_corpus(ranking_corpus, "taxes", within="claims", sort="relevance").hits
    assert by_relevance[-1].text == "TAXES"


def test_a_minimum_score_keeps_the_check_worthy_claims_and_their_count(ranking_corpus) -> None:
    from policytext.search.counts import count_matches

    result = search_corpus(ranking_corpus, "taxes", within="claims", min_score=0.5)
    assert [hit.score for hit in result.hits] == [0.95, 0.80] and result.total == 2
    assert sum(c.count for c in count_matches(ranking_corpus, "taxes", by="year", within="claims",
                                                min_score=0.5)) == 2
    assert search_corpus(ranking_corpus, "taxes", within="claims", min_score=0).total == 4


@pytest.mark.parametrize(("within", "min_score", "message"), [
    ("sentences", 0.5, "a minimum score applies to claims, not to sentences"),
    ("claims", 1.5, "--min-score"),
])
def test_a_minimum_score_is_checked(ranking_corpus, within, min_score, message) -> None:
    with pytest.raises(BadQuery, match=message):
        search_corpus(ranking_corpus, "taxes", within=within, min_score=min_score)


@pytest.mark.parametrize(("sort", "dates"), [
    ("date", ["1954-01-07"] * 3 + ["1973-02-15"] * 2 + ["2015-01-20"] * 3),
    ("-date", ["2015-01-20"] * 3 + ["1973-02-15"] * 2 + ["1954-01-07"] * 3),
])
def test_sort_by_date_keeps_document_order_within_a_date(ranking_corpus, sort, dates) -> None:
    hits = search_corpus(ranking_corpus, "trust OR taxes", sort=sort).hits
    assert [hit.date for hit in hits] == dates
    for first, second in zip(hits, hits[1:]):
        if first.doc_id == second.doc_id:
            assert first.start < second.start
    # paging through one at a time gives the same order (stable ties)
    paged = [search_corpus(ranking_corpus, "trust OR taxes", sort=sort, limit=1, offset=i).hits[0].id
             for i in range(len(hits))]
    assert paged == [hit.id for hit in hits]


@pytest.mark.parametrize(("within", "sort", "message"), [
    ("sentences", "newest", "cannot sort sentences by 'newest': choose one of relevance, date, -date ('score' only for claims)"),
    ("sentences", "score", "cannot sort sentences by 'score'"),
    ("claims", "Date", "cannot sort claims by 'Date': choose one of relevance, date, -date, score"),
])
def test_an_unknown_sort_is_an_error(ranking_corpus, within, sort, message) -> None:
    with pytest.raises(BadQuery, match=re.escape(message)):
        search_corpus(ranking_corpus, "trust", within=within, sort=sort)


def test_a_stored_heading_flag_decides_and_null_falls_back_to_the_look(tmp_path) -> None:
    from policytext.corpus import open_corpus
    from policytext.records import Document

    texts = ["We will cut taxes for every family this year.", "Taxes for every family this year and the next",
             "We must talk about taxes for every family now."]
    with open_corpus(tmp_path, create=True) as corpus:
        corpus.write([Document(source="test", source_id="d", title="A", date="2020-01-01",
                               text="\n\n".join(texts), kind="speech")], stage="test")
        conn = corpus.store.conn
        doc_id = conn.execute("SELECT id FROM documents").fetchone()[0]
        with corpus.store.transaction():
            start = 0
            for idx, text in enumerate(texts):
                conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                             (doc_id, idx, start, start + len(text), text))
                start += len(text) + 2

        def order() -> list[str]:
            return [hit.text for hit in search_corpus(corpus, "taxes").hits]

        heading = "Taxes for every family this year and the next"
        assert order()[-1] == heading  # stored before headings were marked (NULL): judged by its look
        with corpus.store.transaction():  # as annotate marks them: the flag, not the look, decides
            conn.execute("UPDATE sentences SET heading = (idx = 2)")
        assert order()[-1] == "We must talk about taxes for every family now." and order()[-1] != heading


@pytest.mark.parametrize(("query", "options"), [('"the" OR "congress" OR "nation"', {}),
                                                ("world peace", {"speaker": "Kennedy", "since": "1962"})])
def test_rank_records_is_the_searchs_own_ranking_without_the_page(sotu, query, options) -> None:
    from policytext.search.hits import hits_of_ranked, rank_records

    hits = search_corpus(sotu, query, limit=40, **options).hits
    ranked = rank_records(sotu, query, limit=40, **options)
    assert [hit.id for hit in hits] == [record for record, _ in ranked] and len(ranked) > 3
    assert [hit.rank for hit in hits] == pytest.approx([relevance for _, relevance in ranked])
    # and the page built from that ranking is the search's page, in its order
    rebuilt = hits_of_ranked(sotu, ranked[:5])
    assert [(hit.id, hit.citation, hit.before) for hit in rebuilt] == [(hit.id, hit.citation, hit.before) for hit in hits[:5]]


def test_search_frame_says_when_the_default_limit_cut_the_hits_short(sotu) -> None:
    """len(frame) must not read as the number of matches: the total is in attrs, and a warning says so."""
    import warnings

    from policytext.search import PartialHits

    total = search_corpus(sotu, "nation*").total
    assert total > 20  # more than one default page
    with pytest.warns(PartialHits, match=rf"^{total:,} sentences match 'nation\*'; this frame holds hits 1-20 "
                                         r"\(the default limit is 20\)") as caught:
        frame = search_frame(sotu, "nation*")
    assert caught[0].filename == __file__  # the warning names the user's own line
    assert len(frame) == 20 and frame.attrs["total"] == total
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a limit chosen, or every hit on the page: nothing to say
        asked = search_frame(sotu, "nation*", limit=5)
        few = search_frame(sotu, '"new frontier of science"')
    assert len(asked) == 5 and asked.attrs["total"] == total
    assert len(few) == few.attrs["total"] == 1


def test_a_quote_hit_says_how_its_speaker_was_found(annotated_corpus) -> None:
    """The page and the JSON say whether a quote's speaker was named there or inferred."""
    import policytext

    with policytext.open_corpus(annotated_corpus, readonly=True) as corpus:
        quote = search_corpus(corpus, '"trust to try"', within="quotes").hits[0]
        sentence = search_corpus(corpus, '"trust to try"').hits[0]
    assert (quote.speaker, quote.resolved_by) == ("Matthew Hancock", "name")
    assert quote.to_dict()["resolved_by"] == "name" and sentence.resolved_by is None
