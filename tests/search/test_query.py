"""The query language: what users write, what FTS5 receives, and the errors for what cannot be read."""
from __future__ import annotations

import re
import sqlite3

import pytest

from policytext.errors import BadQuery
from policytext.search.query import translate_query


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
        ("rock or roll", '(("rock" AND "or") AND "roll")'),
        ("near the border", '(("near" AND "the") AND "border")'),
        # FTS5's own syntax is not reachable: column filters, ^, + and quotes become plain text
        ("text:tax", '"text:tax"'),
        ("^start", '"^start"'),
        ("sentences_fts:tax OR {text}:x", '("sentences_fts:tax" OR "{text}:x")'),
        ("don't - stop", '("don\'t" AND "stop")'),
        ("café", '"café"'),
        ("\u201cnew frontier\u201d OR moon", '("new frontier" OR "moon")'),  # curly quotes pasted in
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
    ],
)
def test_bad_queries_explain_the_syntax(query: str, message: str) -> None:
    with pytest.raises(BadQuery, match=re.escape(message)) as caught:
        translate_query(query)
    text = str(caught.value)
    if "empty" not in text and "keep it under" not in text:
        assert 'Write words, "exact phrases", OR, NOT, prefix* and NEAR' in text


@pytest.mark.parametrize(
    "query",
    ["tax", "a OR b c", "(tax OR duty) NOT income", 'NEAR("health care" reform, 3)', "text:x ^y",
     '"public serv"*', "x) OR (y", "\"'; DROP TABLE sentences; --\"", "a:b:c {x y}: -z +w"],
)
def test_every_translation_is_valid_fts5(query: str) -> None:
    """Whatever the parser accepts, FTS5 accepts too (a query it rejects must be a BadQuery)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('health care reform and tax', 'public services')")
    try:
        fts = translate_query(query)
    except BadQuery:
        return
    conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts,)).fetchone()
