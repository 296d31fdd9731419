"""Fixtures of the verify tests: the search tests' real corpus (1961-1963 addresses and a blog post)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sotu(sotu_path):
    from policytext.corpus import open_corpus

    corpus = open_corpus(sotu_path, readonly=True)
    yield corpus
    corpus.close()
