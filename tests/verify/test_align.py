"""Word alignment: typography never counts; cuts, additions and swaps do, and meaning changes are named."""
from __future__ import annotations

import pytest

from policytext.verify.align import align, disagreements, tokenize

PASSAGE = ("Members of the Congress, the Constitution makes us not rivals for power but partners for progress. "
           "It was here, more than 14 years ago, that I first took the oath of Federal office.")


@pytest.mark.parametrize("quote", [
    "the Constitution makes us not rivals for power but partners for progress",
    "“The constitution makes us NOT rivals for power — but partners for progress.”",
    "the   Constitution makes us not rivals for power,  but partners for progress",
    "It was here, more than 14 years ago, that I first took the oath of Federal office",
])
def test_typography_does_not_count(quote):
    alignment = align(tokenize(quote), PASSAGE)
    assert alignment.similarity == 1.0 and alignment.exact and alignment.changes == ()
    assert "[-" not in alignment.diff and "{+" not in alignment.diff


@pytest.mark.parametrize("quote, diff, changes", [
    ("the Constitution makes us rivals for power but partners for progress",
     "the Constitution makes us [-not-] rivals for power but partners for progress", ("negation",)),
    ("It was here, more than 16 years ago, that I first took the oath",
     "It was here more than [-14-] {+16+} years ago that I first took the oath", ("number",)),
    ("It was here, more than 14 years ago, that I first took the oath of Senate office",
     "It was here more than 14 years ago that I first took the oath of [-Federal-] {+Senate+} office", ("name",)),
    ("the Constitution makes us not rivals for power but partners for growth",
     "the Constitution makes us not rivals for power but partners for [-progress-] {+growth+}", ()),
    ("the Constitution really makes us not rivals for power but partners",
     "the Constitution {+really+} makes us not rivals for power but partners", ()),
])
def test_changed_words_are_shown_and_meaning_changes_named(quote, diff, changes):
    alignment = align(tokenize(quote), PASSAGE)
    assert alignment.diff == diff
    assert alignment.changes == changes
    assert 0.6 < alignment.similarity < 1.0 and not alignment.exact


def test_a_cut_marked_with_an_ellipsis_is_verbatim_and_an_unmarked_one_is_not():
    marked = align(tokenize("the Constitution makes us … partners for progress"), PASSAGE)
    unmarked = align(tokenize("the Constitution makes us partners for progress"), PASSAGE)
    assert marked.exact and marked.diff == "the Constitution makes us [-not rivals for power but-] partners for progress"
    assert not unmarked.exact and "negation" in unmarked.changes


def test_a_stray_shared_word_far_away_does_not_stretch_the_passage():
    alignment = align(tokenize("In 1984 my Administration did not solve all of those problems"),
                      "In many areas concerns remained and we worked on them for a long time with the "
                      "Congress and the States and the cities. In 1977 my Administration did not solve all "
                      "of those problems.")
    assert alignment.diff == "In [-1977-] {+1984+} my Administration did not solve all of those problems"
    assert alignment.changes == ("number",)


def test_no_shared_word_is_no_alignment():
    assert align(tokenize("entirely different words today"), PASSAGE) is None


@pytest.mark.parametrize(("quote", "sentence", "expected"), [
    ("we can win a nuclear war", "A nuclear war cannot be won and must never be fought.", ("negation",)),
    ("nobody can win an atomic conflict", "A nuclear war cannot be won.", ()),  # both negated: agree
    ("we will build ten thousand more warheads", "We will build 500 more warheads.", ("number",)),
    ("a single year of Watergate is plenty", "One year of Watergate is enough.", ()),  # no number quoted
    ("the Soviets must keep out of the Gulf", "Outside forces must keep out of the Persian Gulf.", ("name",)),
    ("Our country is hooked on petroleum", "America is addicted to oil.", ()),  # a capital at the start is no name
    ("we don't need 3 more years", "We need three more years.", ("negation", "number")),
])
def test_disagreements_name_what_embeddings_overlook(quote, sentence, expected):
    assert disagreements(quote, sentence) == expected
