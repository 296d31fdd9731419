"""What counts as a heading (policytext.headings): by its look, and by standing on a line of its own."""
from __future__ import annotations

import pytest

from policytext.headings import is_heading, stands_alone


@pytest.mark.parametrize(("text", "alone", "heading"), [
    ("TAXES", False, True), ("Anti-trust Enforcement and Competition", False, True),
    ("--World Heritage Trust.", False, True), ("\u2022 Lower taxes.", False, True),
    ("We will cut taxes.", False, False), ('He said "trust me."', False, False), ("Is it fair?", False, False),
    ("Thank you.", True, True), ("Thank you.", False, False), ("", True, False),
    ("We will cut taxes for every family in the country, and we will do it before the end of the year.", True,
     False),  # a line of its own, but long
    ("x" * 101, False, False),
])
def test_what_counts_as_a_heading(text, alone, heading) -> None:
    assert is_heading(text, alone=alone) is heading


@pytest.mark.parametrize(("start", "end", "alone"), [(0, 7, True), (7, 20, False), (20, 31, False), (31, 41, True)])
def test_a_sentence_stands_alone_when_line_breaks_or_the_edges_surround_it(start, end, alone) -> None:
    assert stands_alone("TAXES\n\nWe cut them. Thank you.\nGoodnight.", start, end) is alone


@pytest.mark.parametrize("text", [
    "TAXES", "TAXES\n\n", "Taxes and the Family", "Taxes and the family.\n", "--World Heritage Trust.",
    "\u2022 Lower taxes.", "* Lower taxes.", "We will cut taxes.", "We will cut taxes.  ", '"Trust me."',
    "(Applause.)", "U.S.A.!", "II.", "", "   ", "A" * 100, "a" * 101, "Is it fair?", "Café au lait",
])
def test_the_query_time_rule_for_unmarked_sentences_is_the_look_annotate_stores(text) -> None:
    import sqlite3

    from policytext.search.hits import relevance_sql

    sql = relevance_sql("t", "1.0", length_prior=0, heading_weight=0.5)
    weight = sqlite3.connect(":memory:").execute(f"SELECT {sql} FROM (SELECT ? AS text) AS t", (text,)).fetchone()[0]
    assert (weight == 0.5) is is_heading(text)
