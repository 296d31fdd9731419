"""The query language: what users write, what FTS5 receives, and the errors for what cannot be read."""
from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policytext.errors import BadQuery
from policytext.search.query import MAX_NESTING, SYNTAX_HELP, translate_query
from strategies import QUERIES, QUICK

INDEX_TOKENIZER = "porter unicode61 remove_diacritics 2"  # as the store's sentences_fts


@pytest.fixture(scope="module")
def fts():
    """An FTS5 table built like the store's index, with one row."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='{INDEX_TOKENIZER}')")
    conn.execute("INSERT INTO t VALUES ('health care reform and tax', 'public services')")
    yield conn
    conn.close()


def matches(conn: sqlite3.Connection, fts_query: str) -> int:
    return conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts_query,)).fetchone()[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tax", '"tax"'),
        ("Tax  cuts", '("Tax" AND "cuts")'),
        ('"trust to try things out"', '"trust to try things out"'),
        ("tax OR spending", '("tax" OR "spending")'),
        ("tax NOT income", '("tax" NOT "income")'),
        ("tax AND income", '("tax" AND "income")'),
        ("entrepreneur*", '"entrepreneur"*'),
        ('"public serv"*', '"public serv"*'),
        ("NEAR(tax cuts, 5)", 'NEAR("tax" "cuts", 5)'),
        ('NEAR("health care" reform)', 'NEAR("health care" "reform", 10)'),
        ("(tax OR duty) NOT income", '(("tax" OR "duty") NOT "income")'),
        ("a OR b c", '("a" OR ("b" AND "c"))'),
        ("a b NOT c", '("a" AND ("b" NOT "c"))'),
        # lower-case operators are ordinary words
        ("rock or roll", '("rock" AND "or" AND "roll")'),
        ("near the border", '("near" AND "the" AND "border")'),
        # FTS5's own syntax is not reachable: column filters, ^, + and quotes become plain text
        ("text:tax", '"text:tax"'),
        ("^start", '"^start"'),
        ("sentences_fts:tax OR {text}:x", '("sentences_fts:tax" OR "{text}:x")'),
        ("don't - stop", '("don\'t" AND "stop")'),
        ("café", '"café"'),
        ("\u201cnew frontier\u201d OR moon", '("new frontier" OR "moon")'),  # curly quotes pasted in
        # a run of one operator is one flat group, however long; NOT runs lean left as in FTS5
        ("x OR (y OR z) OR w", '("x" OR "y" OR "z" OR "w")'),
        ("x NOT y NOT z", '("x" NOT "y" NOT "z")'),
        ("x NOT (y NOT z)", '("x" NOT ("y" NOT "z"))'),
        ("tax\tcuts\r\n", '("tax" AND "cuts")'),  # whitespace controls are spaces
        ("(" * MAX_NESTING + "tax" + ")" * MAX_NESTING, '"tax"'),
    ],
)
def test_translate_query(query: str, expected: str) -> None:
    assert translate_query(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "the search query is empty"),
        ("   ", "the search query is empty"),
        ('"never closed', "quotation mark at character 1 is never closed"),
        ("NOT tax", "NOT at character 1 needs something before it"),
        ("tax OR", "OR at character 5 needs a word or phrase after it"),
        ("OR tax", "OR at character 1 needs a word or phrase before it"),
        ("tax AND AND cuts", "AND at character 5 needs a word or phrase after it"),
        ("(tax", "the '(' at character 1 is never closed"),
        ("tax)", "the ')' at character 4 has no matching '('"),
        ("()", "the parentheses at character 1 are empty"),
        ("* tax", "the * at character 1 must end a word"),
        ("tax *", "the * at character 5 must touch the word before it"),
        ("NEAR(tax)", "NEAR needs at least two words or phrases"),
        ("NEAR(tax cuts, five)", "NEAR takes a distance in words"),
        ("NEAR(tax cuts, 5000)", "the NEAR distance must be 0 to 1000"),
        ("NEAR(tax (cuts))", "NEAR(...) may hold only words and phrases"),
        ("NEAR(tax cuts", "NEAR( at character 1 is never closed"),
        ("&& || !!", "has no words to search for"),
        ('say ""', "the phrase at character 5 has no words in it"),
        ("x" * 1001, "keep it under 1,000"),
        # str.isdigit() is true for '²' and '٥': '²' crashed int(), '٥' was read as 5
        ("NEAR(tax cuts, \u00b2)", "the NEAR distance '\u00b2' at character 16 must be written with the digits 0-9"),
        ("NEAR(tax cuts, \u0665)", "the NEAR distance '\u0665' at character 16 must be written with the digits 0-9"),
        # 300 nested parentheses ran out of Python's recursion
        ("(" * 300 + "tax" + ")" * 300, f"the '(' at character {MAX_NESTING + 1} nests groups more than 20 deep"),
        ("x OR (y z NOT (" * 7 + "q" + "))" * 7, "it nests groups 21 deep"),
        # a NUL ended the FTS5 string ("unterminated string"); a surrogate cannot reach SQLite
        ("tax\x00", "character 4 is the control character U+0000, which no text holds; remove it"),
        ("tax \x1b[31m", "character 5 is the control character U+001B"),
        ("tax\ud800", "character 4 is U+D800, half of a surrogate pair and not text on its own"),
    ],
)
def test_bad_queries_explain_the_syntax(query: str, message: str) -> None:
    with pytest.raises(BadQuery, match=re.escape(message)) as caught:
        translate_query(query)
    text = str(caught.value)
    if "empty" not in text and "keep it under" not in text:
        assert 'Write words (matched in all their forms), "exact phrases" (matched as written), OR, NOT, prefix* and NEAR' in text


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("tax", 1), ("a OR b c", 0), ("(tax OR duty) NOT income", 1), ('NEAR("health care" reform, 3)', 1),
        ("text:x ^y", 0), ('"public serv"*', 1), ("\"'; DROP TABLE sentences; --\"", 0),
        ("a:b:c {x y}: -z +w", 0), ("health OR tax NOT reform", 1), ("health care" + " OR x" * 150, 1),
        # long runs used to nest one group per word and overflow FTS5's parser stack
        (" ".join(["tax"] * 249), 1), (" NOT ".join(["x"] * 160), 0),
        ("(health OR (care NOT (" * 6 + "NEAR(tax reform, 2) OR x*" + ")))" * 6, 1),
    ],
)
def test_every_translation_is_valid_fts5(fts, query: str, count: int) -> None:
    """What the parser accepts, FTS5 runs, with the matches the query means."""
    assert matches(fts, translate_query(query)) == count


@QUICK
@given(query=QUERIES)
def test_any_text_is_a_valid_fts5_query_or_a_bad_query(fts, query: str) -> None:
    """No input makes the parser crash, and no query it lets through makes FTS5 fail.

    This one cannot tell a rightly refused query from a wrongly refused one; the grammar test
    below can: every query written in the documented syntax is accepted.
    """
    try:
        translated = translate_query(query)
    except BadQuery as err:
        text = str(err)  # a message that says what to write, nothing else
        assert "empty" in text or "keep it under" in text or SYNTAX_HELP in text
    else:
        assert matches(fts, translated) in (0, 1)


_WORD = st.text(st.characters(categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=8).filter(
    lambda word: word not in {"OR", "AND", "NOT", "NEAR"})
_PHRASE = st.lists(_WORD, min_size=1, max_size=3).map(lambda words: '"' + " ".join(words) + '"')
_TERM = st.one_of(_WORD, _PHRASE)
_NEAR = st.tuples(st.lists(_TERM, min_size=2, max_size=4), st.one_of(st.none(), st.integers(0, 1000))).map(
    lambda near: "NEAR(" + " ".join(near[0]) + ("" if near[1] is None else f", {near[1]}") + ")")
_LEAF = st.one_of(_TERM, _TERM.map(lambda term: term + "*"), _NEAR)
WELL_FORMED = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" OR ", " AND ", " NOT ", " "]), inner).map("".join),
        inner.map(lambda query: f"({query})"),
    ),
    max_leaves=8,
).filter(lambda query: len(query) <= 1000
         and query.count("(") + sum(query.count(op) for op in (" OR ", " AND ", " NOT ", " ")) <= MAX_NESTING)
"""Queries written only in the documented syntax: words, phrases, prefix*, NEAR, OR/AND/NOT,
implicit AND and parentheses, nested no deeper than MAX_NESTING, under MAX_QUERY_CHARS."""


@QUICK
@given(query=WELL_FORMED)
def test_every_query_in_the_documented_syntax_is_accepted(fts, query: str) -> None:
    """The parser never refuses what the syntax allows (over-rejection), and FTS5 runs the result."""
    assert matches(fts, translate_query(query)) in (0, 1)


@pytest.mark.parametrize(("query", "said"), [
    ("taxes or spending", ["'or' is searched as a word (all the words must match): write OR to find either word"]),
    ("war not peace", ["'not' is searched as a word (all the words must match): write NOT to leave out the word after it"]),
    ("taxes OR spending", []),
    ('"bread or butter" taxes', []),  # inside a phrase it is meant
    ("or", []),  # alone it is the word searched for
    ("law and order", []),  # words are ANDed anyway
    # a web search engine's minus leaves a word out; here it is punctuation and the word is searched
    ("taxes -trust", ["'-trust' is searched as the word 'trust' (a minus leaves nothing out): write NOT trust "
                      "after the words to keep, as in 'taxes NOT trust'"]),
    ("-entrepreneur*", ["'-entrepreneur*' is searched as the word 'entrepreneur*' (a minus leaves nothing out): "
                        "write NOT entrepreneur* after the words to keep"]),  # no words to keep: no example
    # the example is the user's own query, not a fixed one
    ("Ukraine -Putin war", ["'-Putin' is searched as the word 'Putin' (a minus leaves nothing out): write NOT Putin "
                            "after the words to keep, as in 'Ukraine war NOT Putin'"]),
    ("e-mail -", []),  # a hyphen inside a word, or a lone dash, leaves nothing out and is meant so
    ('"-trust"', []),
    ("Ukraine NEAR Putin", ["'NEAR' without brackets is searched as the word 'near': write NEAR(first second, 10) "
                            "to find two words at most 10 words apart"]),
    ("NEAR(Ukraine Putin, 5)", []),
    ("NEAR", []),  # alone it is the word searched for
])
def test_an_operator_written_in_lower_case_is_said(query, said) -> None:
    from policytext.search.query import query_notes

    assert query_notes(query) == said
