"""Fixtures of the search tests: one small real corpus per session, opened read-only by tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sotu(sotu_path):
    from policytext.corpus import open_corpus

    corpus = open_corpus(sotu_path)
    yield corpus
    corpus.close()
