"""Fixtures of the CLI tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def corpus_path(sotu_path) -> str:
    """The shared real corpus's folder as the CLI's ``--corpus`` argument."""
    return str(sotu_path)
