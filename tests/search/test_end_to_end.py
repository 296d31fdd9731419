"""End to end with the real annotation stage: collect, annotate, then search and cite.

The journalist's question that started the project: who said "trust to try things out", when, and
how do I cite it? And: searching the State of the Union for a phrase finds its address.
"""
from __future__ import annotations

import pytest

from helpers import shared_data
from policytext.corpus import open_corpus
from policytext.search import find_claims, find_quotes, search_corpus
from search.sotu_corpus import annotation_stage


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    annotate_corpus = annotation_stage()
    if annotate_corpus is None:
        pytest.skip("needs the annotation stage (policytext.annotate.annotate_corpus, issue 4)")
    seed = shared_data("seed", "trust-to-try-things-out.txt")
    corpus = open_corpus(tmp_path_factory.mktemp("annotated") / "corpus", create=True)
    assert corpus.collect_sotu(since=1962, until=1962).ok
    assert corpus.collect_files([seed], kind="blog", country="GB").ok
    annotate_corpus(corpus)
    yield corpus
    corpus.close()


def test_a_sotu_phrase_finds_its_address(annotated) -> None:
    result = search_corpus(annotated, '"new frontier of science"')
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.speaker, hit.date) == ("John F. Kennedy", "1962-01-11")
    assert "«new frontier of science»" in hit.highlighted.replace("» «", " ")
    assert hit.citation.startswith("John F. Kennedy, “State of the Union Address (1962, John F. Kennedy)”")
    assert hit.before and hit.after
    text = annotated.store.conn.execute("SELECT text FROM documents WHERE id = ?", (hit.doc_id,)).fetchone()[0]
    assert text[hit.start:hit.end] == hit.text


def test_who_said_trust_to_try_things_out(annotated) -> None:
    result = search_corpus(annotated, '"trust to try things out"', within="quotes")
    assert result.total >= 1
    assert {hit.speaker for hit in result.hits} == {"Matthew Hancock"}
    assert all("«trust to try things out»" in hit.highlighted.replace("» «", " ") for hit in result.hits)
    frame = find_quotes(annotated, speaker="Hancock", about="trust*")
    assert len(frame) >= 2 and set(frame["speaker"]) == {"Matthew Hancock"}


def test_claims_come_from_the_stage_with_scores_and_types(annotated) -> None:
    frame = find_claims(annotated, min_score=0.5, type="quantity", speaker="Kennedy", limit=5)
    assert len(frame) == 5
    assert all(0.5 <= s <= 1 for s in frame["score"]) and all("quantity" in t for t in frame["types"])
    hits = search_corpus(annotated, "billion", within="claims", speaker="Kennedy").hits
    assert hits and all(h.score is not None for h in hits)
