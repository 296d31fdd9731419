"""A quoted phrase is matched as written, bare words in all their forms, wherever text is searched."""
from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

from policytext.errors import BadQuery
from policytext.search import find_claims, find_quotes, search_corpus
from policytext.search.counts import count_facets
from policytext.search.hits import stream_hits
from policytext.search.index import check_search_index
from policytext.search.matching import match_query

KENNEDY = ('The minister visited Boston on Monday. John Kennedy said: "We stand today on the edge of a New Frontier." '
           "Spending on the New Frontier rose by 20 per cent in 1962.")
SENATOR = ('The senator visited Houston on Monday. Jane Doe said: "We will open new frontiers in space." '
           "Spending on new frontiers of science rose by 30 per cent in 1963.")


@pytest.fixture(scope="module")
def frontier_path(tmp_path_factory):
    """Two short speeches annotated by the real pipeline: one says "New Frontier", the other only "new frontiers"."""
    import policytext
    from policytext.annotate import annotate_corpus
    from policytext.records import Document

    folder = tmp_path_factory.mktemp("frontier") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.write([
            Document(source="test", source_id="kennedy", title="Frontier", date="1962-01-11", speaker="John F. Kennedy",
                     kind="statement", text=KENNEDY),
            Document(source="test", source_id="senator", title="Frontiers", date="1963-01-14", speaker="A Senator",
                     kind="statement", text=SENATOR),
        ], stage="test").ok
        assert annotate_corpus(corpus).failed == 0
    return folder


@pytest.fixture
def frontier(frontier_path):
    import policytext

    with policytext.open_corpus(frontier_path, readonly=True) as corpus:
        yield corpus


def _speakers(result) -> set[str]:
    return {hit.speaker for hit in result.hits}


@pytest.mark.parametrize("within", ["sentences", "quotes", "claims"])
def test_a_quoted_phrase_is_matched_as_written_and_bare_words_in_all_their_forms(frontier, within) -> None:
    quoted = search_corpus(frontier, '"new frontier"', within=within)
    bare = search_corpus(frontier, "new frontier", within=within)
    assert quoted.total >= 1 and all("New Frontier" in hit.text for hit in quoted.hits)
    assert "frontiers" not in " ".join(hit.text for hit in quoted.hits)
    assert any("new frontiers" in hit.text for hit in bare.hits) and bare.total > quoted.total
    # the marks are the phrase as written, never its other forms
    for hit in quoted.hits:
        assert {hit.text[start:end] for start, end in hit.marks} == {"New Frontier"}


def test_every_search_of_text_matches_a_phrase_as_written(frontier) -> None:
    assert {hit.speaker for hit in stream_hits(frontier, '"new frontier"')} == {"John F. Kennedy"}
    assert sum(count.count for count in count_facets(frontier, '"new frontier"')["year"]) == \
        search_corpus(frontier, '"new frontier"').total
    assert [count.value for count in count_facets(frontier, '"new frontier"')["year"]] == ["1962"]
    quotes = find_quotes(frontier, about='"new frontier"')
    assert len(quotes) == 1 and "«New Frontier»" in quotes.iloc[0]["highlighted"]
    assert len(find_quotes(frontier, about="frontier")) == 2
    claims = find_claims(frontier, about='"new frontier"')
    assert len(claims) >= 1 and not claims["text"].str.contains("frontiers").any()


@pytest.mark.parametrize(("query", "speakers"), [
    ('"new frontier" OR space', {"John F. Kennedy", "A Senator"}),
    # a NOT of a phrase leaves out only the phrase as written: the stems would leave out both
    ('spending NOT "new frontier"', {"A Senator"}),
    ('spending NOT "new frontiers"', {"John F. Kennedy"}),
    ('spending "new frontiers"', {"A Senator"}),
    ('"frontier"', {"John F. Kennedy"}),  # a quoted word is that word alone
    ('"new frontier"*', {"John F. Kennedy", "A Senator"}),  # a prefix: "frontiers" begins with it
    ('NEAR("new frontier" "rose", 5)', {"John F. Kennedy"}),
    ('NEAR("new frontiers" sciences, 5)', {"A Senator"}),  # bare: its forms too
])
def test_phrases_combine_with_words_and_operators(frontier, query, speakers) -> None:
    assert _speakers(search_corpus(frontier, query, limit=50)) == speakers


def test_punctuation_between_the_words_of_a_phrase_is_ignored_and_case_too(frontier) -> None:
    assert search_corpus(frontier, '"NEW, FRONTIER"').total == search_corpus(frontier, '"new frontier"').total >= 1


def test_a_query_without_quotation_marks_is_matched_as_before() -> None:
    found = match_query("new frontier OR tax*", "sentences")
    assert found.condition is None and found.fts_query == '(("new" AND "frontier") OR "tax"*)'


def test_a_store_given_the_index_later_fills_it_resumably(frontier_path, tmp_path) -> None:
    """Half filled (as a fill stopped half-way leaves it), changed meanwhile, then finished: whole and right."""
    import policytext

    folder = tmp_path / "corpus"
    shutil.copytree(frontier_path, folder)
    conn = sqlite3.connect(folder / "policytext.db", isolation_level=None)
    ids = [row[0] for row in conn.execute("SELECT id FROM sentences ORDER BY id")]
    middle = ids[len(ids) // 2 - 1]
    conn.execute("BEGIN")
    for table in ("sentences", "quotes", "claims"):
        conn.execute(f"INSERT INTO {table}_exact ({table}_exact) VALUES ('delete-all')")
        conn.execute("UPDATE search_exact_fill SET filled_to = 0 WHERE name = ?", (table,))
    conn.execute("INSERT INTO sentences_exact (rowid, text) SELECT id, text FROM sentences WHERE id <= ?", (middle,))
    conn.execute("UPDATE search_exact_fill SET filled_to = ? WHERE name = 'sentences'", (middle,))
    # while half filled: rows either side of the fill's mark change, and one is added
    conn.execute("UPDATE sentences SET text = text || ' A New Frontier again.' WHERE id = ?", (ids[0],))
    conn.execute("UPDATE sentences SET text = text || ' No new frontier here.' WHERE id = ?", (ids[-1],))
    conn.execute("COMMIT")
    conn.close()
    with policytext.open_corpus(folder, readonly=True) as corpus:  # opening finishes the fill (writable here)
        assert corpus.store.exact_indexes_unfilled() == {}
        found = {hit.id for hit in search_corpus(corpus, '"new frontier"', limit=50).hits}
        texts = dict(corpus.store.conn.execute("SELECT id, text FROM sentences").fetchall())
    with policytext.open_corpus(folder) as corpus:
        check_search_index(corpus)  # FTS5's integrity-check: the index holds every row's words, once
    as_written = re.compile(r"\bnew\W+frontier\b", re.IGNORECASE)
    assert found == {sentence_id for sentence_id, text in texts.items() if as_written.search(text)}
    assert ids[0] in found and ids[-1] in found


def test_a_phrase_is_refused_while_the_index_is_unfinished(frontier_path, tmp_path) -> None:
    """A store whose fill has not finished (read here where it cannot be finished) refuses phrases, not words."""
    from policytext.search.matching import require_exact_index

    folder = tmp_path / "corpus"
    shutil.copytree(frontier_path, folder)
    conn = sqlite3.connect(folder / "policytext.db", isolation_level=None)
    conn.execute("UPDATE search_exact_fill SET filled_to = 0 WHERE name = 'quotes'")
    words = match_query("frontier", "quotes")
    assert require_exact_index(conn, "quotes", words) is words
    with pytest.raises(BadQuery, match="quoted phrases are matched as written in an index of the quotes' words "
                                       "that this store is still building"):
        require_exact_index(conn, "quotes", match_query('"new frontier"', "quotes"))
    require_exact_index(conn, "sentences", match_query('"new frontier"', "sentences"))  # that one is whole
    conn.close()


def test_the_command_line_matches_a_quoted_phrase_as_written(frontier_path, capsys) -> None:
    from helpers import run_cli

    code, out, _ = run_cli(capsys, "--corpus", str(frontier_path), "search", '"new frontier"')
    assert code == 0 and "«New Frontier»" in out and "frontiers" not in out  # nor in the context around hits
    code, out, _ = run_cli(capsys, "--corpus", str(frontier_path), "quotes", "--about", '"new frontier"')
    assert code == 0 and "New Frontier" in out and "new frontiers" not in out
    code, out, _ = run_cli(capsys, "--corpus", str(frontier_path), "search", "new frontier", "--format", "json")
    assert code == 0 and "new frontiers" in out
