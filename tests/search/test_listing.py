"""Corpus queries over quotes and claims (``policytext quotes`` / ``policytext claims``)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given

from policytext.errors import BadQuery
from policytext.search import CLAIM_COLUMNS, QUOTE_COLUMNS, find_claims, find_quotes
from strategies import DATE_BOUNDS, QUERIES, QUICK


def test_quotes_by_speaker_about_a_topic(sotu) -> None:
    frame = find_quotes(sotu, speaker="Hancock", about="trust")
    assert list(frame.columns) == QUOTE_COLUMNS + ["highlighted", "rank"]
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["speaker"] == "Matthew Hancock" and row["doc_speaker"] == "Test Author"
    assert "«trust»" in row["highlighted"]
    assert row["citation"].startswith("Matthew Hancock, quoted in “Markup")
    text = sotu.store.conn.execute("SELECT text FROM documents WHERE id = ?", (row["doc_id"],)).fetchone()[0]
    assert text[row["start"]:row["end"]] == row["text"]


@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.8, 1.0])
def test_quotes_below_the_confidence_asked_for_are_left_out(sotu, threshold) -> None:
    everything = find_quotes(sotu)
    frame = find_quotes(sotu, min_confidence=threshold)
    assert (frame["confidence"] >= threshold).all()
    assert len(frame) == int((everything["confidence"] >= threshold).sum())


def test_quotes_can_keep_only_the_speakers_resolved_a_given_way(annotated_corpus) -> None:
    from policytext.corpus import open_corpus

    with open_corpus(annotated_corpus) as corpus:  # annotated by the real pipeline
        everything = find_quotes(corpus)
        named = find_quotes(corpus, resolved_by="name")
        both = find_quotes(corpus, resolved_by="name, chain")
        with pytest.raises(BadQuery, match="unknown speaker resolution nmae: --resolved-by takes name, pronoun"):
            find_quotes(corpus, resolved_by="nmae")
    assert len(named) > 0 and set(named["resolved_by"]) == {"name"}
    assert "Matthew Hancock" in set(named["speaker"])
    assert len(both) == int(everything["resolved_by"].isin(["name", "chain"]).sum())


def test_quotes_say_the_speakers_role_and_scheme_and_filter_by_scheme(annotated_corpus, tmp_path) -> None:
    import shutil

    from policytext.corpus import open_corpus

    folder = tmp_path / "corpus"
    shutil.copytree(annotated_corpus, folder)  # annotated by the real pipeline under the speech scheme
    with open_corpus(folder) as corpus:
        everything = find_quotes(corpus)
        speech = find_quotes(corpus, scheme="speech")
        attribution = find_quotes(corpus, scheme="attribution")
        with pytest.raises(BadQuery, match="unknown quote scheme 'wide': --scheme takes speech or attribution"):
            find_quotes(corpus, scheme="wide")
        with corpus.store.transaction():  # as if one document had been annotated under the other scheme
            corpus.store.conn.execute("UPDATE quotes SET scheme = 'attribution' WHERE speaker = 'Matthew Hancock'")
        moved = find_quotes(corpus, scheme="attribution")
    assert len(everything) > 0 and set(everything["scheme"]) == {"speech"} and len(speech) == len(everything)
    assert attribution.empty and list(attribution.columns) == QUOTE_COLUMNS
    assert len(moved) > 0 and set(moved["speaker"]) == {"Matthew Hancock"}
    assert "speaker_role" in everything.columns


def test_quotes_without_about_are_listed_oldest_first(sotu) -> None:
    frame = find_quotes(sotu)
    assert list(frame.columns) == QUOTE_COLUMNS
    assert len(frame) > 3
    assert list(frame["date"]) == sorted(frame["date"])
    assert find_quotes(sotu, limit=2).shape[0] == 2


@pytest.mark.parametrize(
    ("filters", "column", "expected"),
    [
        ({"since": "1962", "until": "1962-12-31"}, "date", {"1962-01-11"}),
        ({"government": "Cameron"}, "doc_kind", {"blog"}),
        ({"kind": "speech", "speaker": "Kennedy"}, "speaker", {"John F. Kennedy"}),
    ],
)
def test_quote_filters(sotu, filters, column, expected) -> None:
    frame = find_quotes(sotu, **filters)
    assert len(frame) > 0 and set(frame[column]) == expected


def test_claims_by_score_type_and_speaker(sotu) -> None:
    frame = find_claims(sotu, min_score=0.5, type="quantity", speaker="Eisenhower")
    assert list(frame.columns) == CLAIM_COLUMNS
    assert len(frame) > 10
    assert (frame["score"] >= 0.5).all()
    assert all("quantity" in types for types in frame["types"])
    assert set(frame["speaker"]) == {"Dwight D. Eisenhower"}
    assert list(frame["score"]) == sorted(frame["score"], reverse=True)


def test_claims_about_a_topic_and_unknown_type(sotu) -> None:
    frame = find_claims(sotu, about="billion*", min_score=0)
    assert len(frame) > 0 and all(re.search(r"«billions?»", h) for h in frame["highlighted"])
    with pytest.raises(BadQuery, match=r"^unknown claim type 'no-such-type': --type takes quantity, "):
        find_claims(sotu, type="no-such-type")  # once an empty answer, as if no claim had that type
    assert find_claims(sotu, min_score=1.0).empty or (find_claims(sotu, min_score=1.0)["score"] == 1.0).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: find_claims(c, min_score=1.5), "--min-score must be between 0 and 1"),
        (lambda c: find_quotes(c, about="NOT tax"), "NOT at character 1 needs something before it"),
        (lambda c: find_quotes(c, limit=-1), "limit must be zero or more"),
        (lambda c: find_quotes(c, min_confidence=1.2), "--min-confidence must be between 0 and 1, not 1.2"),
        (lambda c: find_claims(c, since="soon"), "is not a date"),
        (lambda c: find_claims(c, until="9999-13"), "until='9999-13' is not a valid month"),
        (lambda c: find_quotes(c, about="NEAR(trust people, \u0665)"), "must be written with the digits 0-9"),
        (lambda c: find_quotes(c, about="trust\x00"), "character 6 is the control character U+0000"),
        (lambda c: find_quotes(c, speeker="Hancock"), "unknown option 'speeker' (did you mean 'speaker'?)"),
        (lambda c: find_claims(c, min_scor=0.2), "unknown option 'min_scor' (did you mean 'min_score'?)"),
    ],
)
def test_bad_options(sotu, call, message) -> None:
    with pytest.raises(BadQuery, match=re.escape(message)):
        call(sotu)


@QUICK
@given(about=QUERIES, since=DATE_BOUNDS)
def test_any_about_query_and_date_gives_rows_or_a_bad_query(sotu, about, since) -> None:
    """Arbitrary Unicode in ``about`` and ``since``, against the real store: a frame or BadQuery."""
    for find in (find_quotes, find_claims):
        try:
            frame = find(sotu, about=about, since=since, limit=3)
        except BadQuery as err:
            assert str(err)
            continue
        assert len(frame) <= 3 and "highlighted" in frame.columns


def test_annotation_gap_counts_the_documents_not_annotated_in_scope(annotated_corpus) -> None:
    import policytext
    from policytext.search import annotation_gap

    with policytext.open_corpus(annotated_corpus, readonly=True) as corpus:
        assert annotation_gap(corpus) == (1, 4)  # late-1 was collected after annotation
        assert annotation_gap(corpus, kind="blog") == (1, 1)
        assert annotation_gap(corpus, until="2015") == (0, 2)
    with policytext.open_corpus(annotated_corpus, readonly=True, model="another_model") as corpus:
        assert annotation_gap(corpus) == (4, 4)  # annotated, but with another model than the setting


def test_documents_annotated_before_quote_schemes_count_as_not_annotated(annotated_corpus, tmp_path) -> None:
    # A store from an older version: migration 7 leaves annotated_quote_scheme NULL so that the
    # next annotate redoes the documents, but search, quotes and claims served the old finder's
    # quotes ('Reserve', 'Administration' as speakers) with no note that they were stale
    import shutil
    import sqlite3

    import policytext
    from policytext.search import annotation_gap

    shutil.copy(annotated_corpus / "policytext.db", tmp_path / "policytext.db")
    conn = sqlite3.connect(tmp_path / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_quote_scheme = NULL WHERE kind = 'manifesto'")
    conn.close()
    with policytext.open_corpus(tmp_path, readonly=True) as corpus:
        assert annotation_gap(corpus) == (2, 4)  # late-1, and the manifesto of the older version
        assert annotation_gap(corpus, kind="manifesto") == (1, 1)


def test_a_person_only_quoted_is_refused_where_speaker_chooses_documents(annotated_corpus) -> None:
    """Hancock is quoted in the statement, and speaks no document: a filter by documents' speaker
    refuses him (an empty answer would read "Hancock never said it"); who is quoted still finds him."""
    from policytext.analyse import theme_trends
    from policytext.annotate.summaries import count_quoted_speakers
    from policytext.corpus import open_corpus
    from policytext.errors import UnknownValue
    from policytext.search import search_corpus
    from policytext.search.counts import count_matches

    only_quoted = r"^no speaker of a document in this corpus matches 'Hancock': the name is found only as a person quoted"
    with open_corpus(annotated_corpus, readonly=True) as corpus:
        quoted = find_quotes(corpus, speaker="Hancock")
        in_quotes = search_corpus(corpus, "trust", within="quotes", speaker="Hancock")
        people = count_quoted_speakers(corpus, quoted="Hancock")
        for call in (lambda: corpus.documents(speaker="Hancock"),
                     lambda: corpus.stats(speaker="Hancock"),
                     lambda: search_corpus(corpus, "trust", speaker="Hancock"),
                     lambda: count_matches(corpus, "trust", by="year", speaker="Hancock"),
                     lambda: theme_trends(corpus, ["trust"], by="government", speaker="Hancock"),
                     lambda: count_quoted_speakers(corpus, speaker="Hancock")):
            with pytest.raises(UnknownValue, match=only_quoted):
                call()
        with pytest.raises(UnknownValue, match=r"^no speaker in this corpus matches 'Hancokc'"):
            corpus.documents(speaker="Hancokc")  # in no table: the message as before
    assert set(quoted["speaker"]) == {"Matthew Hancock"} and in_quotes.total >= 1
    assert list(people["speaker"]) == ["Matthew Hancock"]


@pytest.mark.parametrize("about", ["nation*", "world OR peace", "we"])
def test_quotes_about_rank_as_a_search_in_quotes_does(sotu, about) -> None:
    """quotes --about and search --in quotes once ranked the same quotes differently (plain BM25 against
    BM25 with the length prior), both saying "best match first"."""
    from policytext.search import search_corpus

    listed = find_quotes(sotu, about=about)
    searched = search_corpus(sotu, about, within="quotes", limit=1000)
    assert len(listed) == searched.total >= 2
    assert list(zip(listed["doc_id"], listed["start"])) == [(hit.doc_id, hit.start) for hit in searched.hits]
    assert listed["rank"].tolist() == pytest.approx([hit.rank for hit in searched.hits])
