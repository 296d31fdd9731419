"""End to end with the real annotation stage: collect, annotate, then search and cite.

The journalist's question that started the project: who said "trust to try things out", when, and
how do I cite it? And: searching the State of the Union for a phrase finds its address.
"""
from __future__ import annotations

import json
from importlib import metadata

import pytest
import rispy

from helpers import run_cli, shared_data
from policytext.corpus import open_corpus
from policytext.search import cite_hits, find_claims, find_quotes, search_corpus
from policytext.search.citations import format_date
from search.sotu_corpus import annotation_stage


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    annotate_corpus = annotation_stage()
    if annotate_corpus is None:
        pytest.skip("needs the annotation stage (policytext.annotate.annotate_corpus, issue 4)")
    seed = shared_data("seed", "trust-to-try-things-out.txt")
    folder = tmp_path_factory.mktemp("annotated")
    # the same post saved without its writer's line: a page that does not say who wrote it
    unsigned = folder / "unsigned-post.txt"
    unsigned.write_text("".join(line for line in seed.read_text(encoding="utf-8").splitlines(keepends=True)
                                if "Writer's picture" not in line), encoding="utf-8")
    corpus = open_corpus(folder / "corpus", create=True)
    assert corpus.collect_sotu(since=1962, until=1962).ok
    # the case: the scraped post collected from a file, with the publisher given
    assert corpus.collect_files([seed], kind="blog", country="GB", publisher="Mutual Ventures").ok
    # its text is the post's (the writer's line is metadata, not text): kept as a second document on purpose
    assert corpus.collect_files([unsigned], kind="blog", country="GB", publisher="Mutual Ventures",
                                allow_duplicates=True).ok
    annotate_corpus(corpus)
    yield corpus
    corpus.close()


def test_a_sotu_phrase_finds_its_address(annotated) -> None:
    result = search_corpus(annotated, '"new frontier of science"')
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.speaker, hit.date) == ("John F. Kennedy", "1962-01-11")
    assert "«new frontier of science»" in hit.highlighted.replace("» «", " ")
    assert hit.citation.startswith("John F. Kennedy, State of the Union address, The American Presidency Project")
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


def _collected(corpus, doc_id: str) -> str:
    return format_date(corpus.store.conn.execute("SELECT collected_at FROM documents WHERE id = ?",
                                                 (doc_id,)).fetchone()[0][:10])


POST = "“Giving local leaders the ‘trust to try things out’ – why the government is right to back”"


def test_a_sotu_citation_names_the_package_it_came_from_and_when(annotated) -> None:
    hit = search_corpus(annotated, '"new frontier of science"').hits[0]
    assert hit.citation == (
        f"John F. Kennedy, State of the Union address, The American Presidency Project (UC Santa Barbara), "
        f"11 January 1962, {hit.url}; text from the sotu Python package {metadata.version('sotu')}, "
        f"collected {_collected(annotated, hit.doc_id)}")


def test_a_quote_in_a_blog_is_cited_as_quoted_in_it_by_its_writer(annotated) -> None:
    hits = [h for h in search_corpus(annotated, '"trust to try things out"', within="quotes").hits
            if h.doc_speaker == "Andrew Laird"]
    assert hits
    assert {hit.citation for hit in hits} == {
        f"Matthew Hancock, quoted in {POST} by Andrew Laird (Mutual Ventures, undated, updated 6 April 2021), "
        "original address not recorded; text from the local file trust-to-try-things-out.txt, "
        f"collected {_collected(annotated, hits[0].doc_id)}"}


def test_a_quote_in_a_page_without_a_writer_is_still_not_the_speakers_publication(annotated) -> None:
    hits = [h for h in search_corpus(annotated, '"trust to try things out"', within="quotes").hits
            if h.doc_speaker is None]
    assert hits and {h.speaker for h in hits} == {"Matthew Hancock"}
    for hit in hits:
        assert hit.citation.startswith(f"Matthew Hancock, quoted in {POST} (Mutual Ventures, undated, updated 6 April "
                                       "2021), original address not recorded; text from the local file "
                                       "unsigned-post.txt, collected ")
    frame = find_quotes(annotated, speaker="Hancock", about="trust*")
    assert all(c.startswith("Matthew Hancock, quoted in ") for c in frame["citation"])


def test_a_scraped_page_from_a_file_is_cited_by_its_writer_and_title_not_its_furniture(annotated) -> None:
    [hit] = search_corpus(annotated, '"weighed heaviest on local government"', speaker="Laird").hits
    assert hit.citation.startswith(f"Andrew Laird, {POST}, Mutual Ventures, undated, updated 6 April 2021, "
                                   "original address not recorded; text from the local file")
    assert "top of page" not in hit.citation


@pytest.mark.parametrize("style", ["newsroom", "apa", "chicago", "bibtex", "ris", "csl-json"])
def test_search_cite_format_prints_the_hits_citations(annotated, capsys, style) -> None:
    code, out, err = run_cli(capsys, "--corpus", str(annotated.path), "search", '"trust to try things out"',
                             "--in", "quotes", "--cite-format", style)
    assert code == 0, err
    hits = search_corpus(annotated, '"trust to try things out"', within="quotes").hits
    assert out == cite_hits(annotated, hits, style)
    if style == "csl-json":
        items = json.loads(out)
        assert {item["author"][0]["family"] for item in items if "author" in item} == {"Laird"}
        assert all(item["note"].startswith("Quoting Matthew Hancock; text from the local file") for item in items)
    elif style == "ris":
        assert {r["type_of_reference"] for r in rispy.loads(out)} == {"BLOG"}
    elif style == "bibtex":
        assert out.count("@misc{") == 2 and "urldate = {" in out
    elif style == "apa":  # APA lists the work read; the speaker is cited in the text "as cited in" it
        assert len(out.splitlines()) == len(hits)
        assert all(line.startswith(("Laird, A. (n.d.). Giving local leaders", "Giving local leaders"))
                   for line in out.splitlines())
    else:
        assert len(out.splitlines()) == len(hits)
        assert all(line.startswith("Matthew Hancock, quoted in ") for line in out.splitlines())
