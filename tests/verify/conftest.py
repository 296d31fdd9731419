"""Fixtures of the verify tests: the search tests' real corpus (1961-1963 addresses and a blog post)."""
from __future__ import annotations

import pytest

from search.sotu_corpus import shared_corpus


@pytest.fixture(scope="session")
def sotu_path(tmp_path_factory, nlp):
    return shared_corpus(tmp_path_factory, nlp)


@pytest.fixture(scope="session")
def sotu(sotu_path):
    from policytext.corpus import open_corpus

    corpus = open_corpus(sotu_path, readonly=True)
    yield corpus
    corpus.close()
