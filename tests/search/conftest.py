"""Fixtures of the search tests: one small real corpus per session, opened read-only by tests."""
from __future__ import annotations

import pytest

from search.sotu_corpus import shared_corpus


@pytest.fixture(scope="session")
def sotu_path(tmp_path_factory, nlp):
    """Folder of a corpus of the 1961-1963 State of the Union addresses plus an HTML-laden post."""
    return shared_corpus(tmp_path_factory, nlp)


@pytest.fixture(scope="session")
def sotu(sotu_path):
    from policytext.corpus import open_corpus

    corpus = open_corpus(sotu_path)
    yield corpus
    corpus.close()
