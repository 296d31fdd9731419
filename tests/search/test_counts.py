"""Counting a search's matches by speaker, government and year on the real 1961-1963 corpus."""
from __future__ import annotations

import pytest

from policytext.errors import BadQuery
from policytext.search import search_corpus
from policytext.search.counts import MatchCount, count_matches


def test_counts_by_speaker_add_up_to_the_total_and_agree_with_the_filter(sotu) -> None:
    counts = count_matches(sotu, "space OR moon", by="speaker")
    assert sum(c.count for c in counts) == search_corpus(sotu, "space OR moon", limit=0).total
    assert [c.count for c in counts] == sorted((c.count for c in counts), reverse=True)
    for count in counts:
        assert search_corpus(sotu, "space OR moon", speaker=count.value, limit=0).total == count.count


def test_counts_by_year_are_in_order_and_follow_the_filters(sotu) -> None:
    counts = count_matches(sotu, "budget", by="year", since="1962")
    assert [c.value for c in counts] == sorted(c.value for c in counts)
    assert all(c.value >= "1962" for c in counts)
    assert counts == tuple(MatchCount(c.value, search_corpus(sotu, "budget", since=c.value, until=c.value,
                                                            limit=0).total) for c in counts)


def test_counts_of_claims_use_the_claimant_and_limit_keeps_the_most(sotu) -> None:
    counts = count_matches(sotu, "million", by="government", within="claims", limit=1)
    assert len(counts) == 1 and counts[0].count > 0


@pytest.mark.parametrize(("options", "message"), [
    ({"by": "party"}, "cannot count by 'party': choose one of speaker, government, year"),
    ({"by": "year", "within": "speeches"}, "cannot search in 'speeches'"),
    ({"by": "year", "limit": -1}, "the limit must be zero or more, not -1"),
])
def test_bad_counts_are_errors(sotu, options, message) -> None:
    with pytest.raises(BadQuery, match=message):
        count_matches(sotu, "budget", **options)


@pytest.mark.parametrize(("query", "options"), [
    ("world", {}), ("budget", {"since": "1962"}), ("million", {"within": "claims"}),
    ("trust", {"within": "quotes"}), ("million", {"within": "claims", "min_score": 0.5, "speaker": "Kennedy"}),
])
def test_counts_in_one_pass_equal_each_count_on_its_own(sotu, query, options) -> None:
    from policytext.search.counts import count_facets

    found = count_facets(sotu, query, limits={"speaker": 2}, **options)
    assert found == {by: count_matches(sotu, query, by=by, limit=2 if by == "speaker" else None, **options)
                     for by in ("speaker", "government", "year")}


def test_counts_in_one_pass_refuse_an_unknown_count(sotu) -> None:
    from policytext.search.counts import count_facets

    with pytest.raises(BadQuery, match="cannot count by 'party'"):
        count_facets(sotu, "world", by=("party",))
